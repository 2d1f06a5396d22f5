"""Before a final plan names a setting: consulting the setting (it has 15 days to respond), and
the checks the law makes of the setting named (its age range, the family's preference)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from passport.children.models import Child
from passport.core.dates import today
from passport.core.errors import StaleVersion
from passport.core.policy import current_pack
from passport.ehcp.models import Plan, PreferenceRefusal, SettingConsultation
from passport.ehcp.services.checks import not_before, not_future, record_step
from passport.organisations.models import Setting
from passport.people.models import User


def setting_consultation_days() -> int:
    """Days a consulted setting has to respond (policy pack `ehcp.setting_consultation_days`)."""
    return current_pack().ehcp.setting_consultation_days


def age_on(child: Child, on: dt.date) -> int:
    """The child's age in whole years on the day."""
    born = child.date_of_birth
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def check_age_range(child: Child, setting: Setting, on: dt.date, field: str) -> None:
    """Refuse a setting whose statutory age range (Get Information about Schools) does not take
    a child of this age: a plan must name a setting suitable for the child's age (Children and
    Families Act 2014 s39(4)(a), s40(2))."""
    age = age_on(child, on)
    if not setting.statutory_low_age <= age <= setting.statutory_high_age:
        raise ValidationError(
            {
                field: f"{setting.name} takes children aged {setting.statutory_low_age} to "
                f"{setting.statutory_high_age}; {child.known_as} is {age}"
            }
        )


def consult_setting(
    plan: Plan, by: User, *, setting: Setting, sent_on: dt.date | None = None
) -> SettingConsultation:
    """Send a setting the draft plan, asking whether it can be named in section I (CFA 2014
    s39(2), s40(2)); it has `setting_consultation_days` to respond."""
    sent_on = sent_on or today()
    with transaction.atomic():
        plan = Plan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)
        if plan.status != Plan.Status.DRAFT or plan.draft_issued_on is None:
            raise ValidationError("A setting is consulted on a draft plan")
        not_future(sent_on, "sent_on", "The date the setting was consulted")
        not_before(
            sent_on,
            plan.draft_issued_on,
            "sent_on",
            "A setting is consulted with the draft plan, so not before it was issued",
        )
        check_age_range(plan.child, setting, sent_on, "setting")
        if plan.consultations.filter(setting=setting).exists():
            raise ValidationError({"setting": f"{setting.name} has already been consulted"})
        consultation = SettingConsultation.objects.create(
            plan=plan,
            setting=setting,
            sent_on=sent_on,
            respond_by=sent_on + dt.timedelta(days=setting_consultation_days()),
            recorded_by=by,
        )
        record_step(by, plan.child, f"{setting.name} consulted on naming it", action="decide")
    return consultation


def record_setting_response(
    consultation: SettingConsultation,
    by: User,
    *,
    responded_on: dt.date,
    response: str,
    expected_version: int | None = None,
) -> SettingConsultation:
    """Record the setting's answer to the consultation; an older `expected_version` than the
    record's is refused (`StaleVersion`)."""
    with transaction.atomic():
        consultation = (
            SettingConsultation.objects.select_for_update(of=("self",))
            .select_related("plan__child")
            .get(pk=consultation.pk)
        )
        if expected_version is not None and expected_version != consultation.version:
            raise StaleVersion(
                "Someone else recorded this setting's response since you read it (it is now "
                f"version {consultation.version}): read theirs before changing it"
            )
        not_future(responded_on, "responded_on", "The date the setting responded")
        not_before(
            responded_on,
            consultation.sent_on,
            "responded_on",
            "The setting cannot respond before it was consulted",
        )
        if not response.strip():
            raise ValidationError({"response": "Enter what the setting said"})
        consultation.responded_on = responded_on
        consultation.response = response.strip()
        consultation.version += 1
        consultation.save(update_fields=["responded_on", "response", "version"])
        record_step(by, consultation.plan.child, "The setting's response to the consultation")
    return consultation


def check_before_naming(
    plan: Plan, placement: Setting | None, on: dt.date, preference_not_named_because: str
) -> None:
    """What the law requires before a final plan names a setting: it takes children of this age,
    it was consulted and has answered or had its 15 days, and the family's own choice is named
    unless one of the s39(4) reasons applies."""
    preferred = plan.family_preferred_setting
    refused = preference_not_named_because in PreferenceRefusal.values
    if preferred is not None and placement != preferred and not refused:
        raise ValidationError(
            {
                "preference_not_named_because": f"The family asked for {preferred.name}: "
                "name it, or choose the reason the law allows for not naming it"
            }
        )
    if placement is None:
        return
    check_age_range(plan.child, placement, on, "placement")
    consultation = plan.consultations.filter(setting=placement).first()
    if consultation is None:
        raise ValidationError(
            {"placement": f"Consult {placement.name} on the draft plan before naming it"}
        )
    if not consultation.answered_or_lapsed(on):
        raise ValidationError(
            {
                "placement": f"{placement.name} has until {consultation.respond_by:%-d %B %Y} to "
                "respond to the consultation: record its response first, or wait until after then"
            }
        )
