"""The access policy, cell by cell: relationship x role x relationship state x action.

The expected outcome of every cell comes from rules.toml, the same data the policy reads, so a
change to the rules changes the expectations with it. What this test adds is the other half: that
each relationship is recognised only while it is live, and only for the role that holds it.
"""

from __future__ import annotations

import datetime as dt
from itertools import product

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passport.access import services
from passport.access.models import (
    BreakGlass,
    CaseloadAssignment,
    Consent,
    LocalAuthorityWideAccess,
    Referral,
)
from passport.access.policies import (
    Action,
    ChildNotFound,
    Relationship,
    decide,
    get_child_for,
    sections_for_children,
    visible_children,
)
from passport.access.rules import current_rules
from passport.children.models import Enrolment, ParentalResponsibility
from passport.core.dates import today
from passport.organisations.models import Provider, SchoolGroup
from passport.people.models import SETTING_ROLES, Membership, Role
from passport.testing.factories import ChildFactory, SettingFactory, UserFactory, local_authority

pytestmark = pytest.mark.django_db

TODAY = today()
PAST = TODAY - dt.timedelta(days=200)
YESTERDAY = TODAY - dt.timedelta(days=1)
SOON = TODAY + dt.timedelta(days=10)
STATES = ("none", "pending", "active", "ended", "revoked")
ADULT_DOB = dt.date(TODAY.year - 18, 1, 1)
CHILD_DOB = dt.date(TODAY.year - 9, 1, 1)


def member(user, role: Role, *, setting=None, starts_on=PAST, ends_on=None) -> Membership:
    """Give the user a membership of the kind their role needs."""
    fields = {"user": user, "role": role, "starts_on": starts_on, "ends_on": ends_on}
    if role in SETTING_ROLES:
        fields["setting"] = setting or SettingFactory()
    elif role in (Role.LA_CASEWORKER, Role.ANALYST):
        fields["local_authority"] = local_authority()
    elif role is Role.HEALTH_PROFESSIONAL:
        fields["provider"] = Provider.objects.create(name=f"Trust {user.pk}", kind="nhs_trust")
    elif role is Role.CLUSTER_LEAD:
        fields["school_group"] = SchoolGroup.objects.create(name=f"Group {user.pk}")
    return Membership.objects.create(**fields)


def build(relationship: Relationship, role: Role, state: str):
    """Return (user, child) joined by `relationship` in `state`, the user holding `role`."""
    school = SettingFactory()
    adult = relationship in (Relationship.OWN_RECORD,) or (
        relationship is Relationship.PARENTAL_RESPONSIBILITY and state == "revoked"
    )
    child = ChildFactory(date_of_birth=ADULT_DOB if adult else CHILD_DOB)
    user = UserFactory()
    membership = member(user, role, setting=school)
    if state == "none":
        Enrolment.objects.create(child=child, setting=SettingFactory(), starts_on=PAST)
        return user, child

    if relationship in (Relationship.ON_ROLL_AT_MY_SETTING, Relationship.ADMITTED_TO_MY_SETTING):
        if relationship is Relationship.ADMITTED_TO_MY_SETTING:
            starts = {"active": SOON, "pending": SOON, "ended": PAST, "revoked": SOON}[state]
        else:
            starts = {"active": PAST, "pending": SOON, "ended": PAST, "revoked": PAST}[state]
        ends = YESTERDAY if state == "ended" else None
        Enrolment.objects.create(child=child, setting=school, starts_on=starts, ends_on=ends)
        if relationship is Relationship.ON_ROLL_AT_MY_SETTING and state == "pending":
            Enrolment.objects.filter(child=child).update(starts_on=PAST)
            Membership.objects.filter(pk=membership.pk).update(
                starts_on=SOON
            )  # joins the staff later
        if state == "revoked":
            Membership.objects.filter(pk=membership.pk).update(ends_on=YESTERDAY)  # left the staff
        if relationship is Relationship.ADMITTED_TO_MY_SETTING and state == "pending":
            Membership.objects.filter(pk=membership.pk).update(starts_on=SOON)
    elif relationship is Relationship.PARENTAL_RESPONSIBILITY:
        starts = SOON if state == "pending" else PAST
        ends = YESTERDAY if state == "ended" else None
        ParentalResponsibility.objects.create(
            child=child, person=user, relationship="Carer", starts_on=starts, ends_on=ends
        )
        if state == "revoked":
            young_person = UserFactory()
            child.own_account = young_person
            child.save()
            services.choose_parental_access(child, user, keeps_access=False, by=young_person)
    elif relationship is Relationship.OWN_RECORD:
        if state != "ended":
            child.own_account = user
        if state == "pending":
            child.date_of_birth = CHILD_DOB  # not yet past compulsory school age
        if state == "revoked":
            Membership.objects.filter(pk=membership.pk).update(ends_on=YESTERDAY)
        child.save()
    elif relationship is Relationship.LA_CASELOAD:
        starts = SOON if state == "pending" else PAST
        ends = YESTERDAY if state == "ended" else None
        CaseloadAssignment.objects.create(
            caseworker=user, child=child, starts_on=starts, ends_on=ends
        )
        if state == "revoked":
            Membership.objects.filter(pk=membership.pk).update(ends_on=YESTERDAY)
    elif relationship is Relationship.LA_WIDE:
        la = membership.local_authority or local_authority()
        starts = SOON if state == "pending" else PAST
        ends = YESTERDAY if state == "ended" else None
        LocalAuthorityWideAccess.objects.create(
            user=user, local_authority=la, granted_by=user, starts_on=starts, ends_on=ends
        )
        in_la = SettingFactory(local_authority=la)
        if state == "revoked":
            in_la = SettingFactory(
                local_authority=local_authority("202")
            )  # the child is educated elsewhere
        Enrolment.objects.create(child=child, setting=in_la, starts_on=PAST)
    elif relationship is Relationship.REFERRAL_WITH_CONSENT:
        provider = membership.provider or Provider.objects.create(
            name="Other trust", kind="nhs_trust"
        )
        starts = SOON if state == "pending" else PAST
        ends = YESTERDAY if state == "ended" else None
        Referral.objects.create(
            child=child,
            provider=provider,
            service="Therapy",
            starts_on=starts,
            ends_on=ends,
            created_by=user,
        )
        consent = Consent.objects.create(
            child=child, provider=provider, sections=["needs", "support"], given_by=user
        )
        if state == "revoked":
            services.withdraw_consent(consent, user)
    elif relationship is Relationship.HOME_LA_NO_SETTING:
        la = membership.local_authority or local_authority()
        child.home_local_authority = la
        child.save()
        if state == "pending":
            Membership.objects.filter(pk=membership.pk).update(starts_on=SOON)
        if state == "ended":  # the child has since joined a setting's roll
            Enrolment.objects.create(child=child, setting=SettingFactory(), starts_on=PAST)
        if state == "revoked":  # the caseworker left the authority
            Membership.objects.filter(pk=membership.pk).update(ends_on=YESTERDAY)
    elif relationship is Relationship.BREAK_GLASS:
        expires = (
            timezone.now() - dt.timedelta(minutes=1)
            if state in ("ended", "revoked")
            else timezone.now() + dt.timedelta(hours=1)
        )
        BreakGlass.objects.create(
            user=user, child=child, reason="Emergency on a school trip", expires_at=expires
        )
        if state == "pending":
            Membership.objects.filter(pk=membership.pk).update(starts_on=SOON)
    return user, child


def expected_sections(
    relationship: Relationship, role: Role, action: Action
) -> frozenset[str] | None:
    """Return the sections the rules give, or None where the rules give nothing."""
    grant = current_rules().grant_for(relationship, role)
    if grant is None or action not in grant.actions:
        return None
    return frozenset({"needs", "support"}) if grant.sections is None else grant.sections


CELLS = list(product(Relationship, Role, STATES))


@pytest.mark.parametrize(("relationship", "role", "state"), CELLS, ids=lambda v: str(v))
def test_access_matrix(relationship, role, state):
    user, child = build(relationship, role, state)
    for action in Action:
        decision = decide(user, child, action)
        sections = expected_sections(relationship, role, action) if state == "active" else None
        assert decision.allowed is (sections is not None), (relationship, role, state, action)
        if sections is not None:
            assert decision.sections == sections
            assert decision.relationship is relationship
            assert decision.flagged is (relationship is Relationship.BREAK_GLASS)
        else:
            with pytest.raises(ChildNotFound):
                get_child_for(user, child.pk, action)
    reads = state == "active" and expected_sections(relationship, role, Action.READ) is not None
    assert (child in visible_children(user)) is reads
    # Lists decide what to show for a whole page at once; it must be what reading one would show.
    listed = sections_for_children(user, [child.pk])
    assert listed == ({child.pk: decide(user, child, Action.READ).sections} if reads else {})


def test_matrix_covers_every_grant_in_the_rules():
    granted = {(g.relationship, role) for g in current_rules().grants for role in g.roles}
    tested = {(relationship, role) for relationship, role, _ in CELLS}
    assert granted <= tested
    assert len(CELLS) * len(Action) >= 3000  # cells tested, reported in the issue note


def test_teacher_does_not_see_health_or_family_detail():
    user, child = build(Relationship.ON_ROLL_AT_MY_SETTING, Role.TEACHER, "active")
    decision = decide(user, child, Action.READ)
    assert not decision.shows("health") and not decision.shows("family")
    assert decision.shows("support")


def test_withdrawing_consent_ends_a_professionals_access_at_once():
    user, child = build(Relationship.REFERRAL_WITH_CONSENT, Role.HEALTH_PROFESSIONAL, "active")
    assert decide(user, child, Action.READ).allowed
    services.withdraw_consent(Consent.objects.get(child=child), user)
    assert not decide(user, child, Action.READ).allowed
    assert child not in visible_children(user)


def test_young_person_can_give_a_parent_access_back():
    user, child = build(Relationship.PARENTAL_RESPONSIBILITY, Role.PARENT_CARER, "revoked")
    assert not decide(user, child, Action.READ).allowed
    services.choose_parental_access(child, user, keeps_access=True, by=child.own_account)
    assert decide(user, child, Action.READ).allowed


def test_parents_keep_access_after_sixteen_until_the_young_person_decides():
    user, child = build(Relationship.PARENTAL_RESPONSIBILITY, Role.PARENT_CARER, "active")
    child.date_of_birth = ADULT_DOB
    child.save()
    assert decide(user, child, Action.READ).allowed


def test_break_glass_needs_a_staff_role_and_a_reason():
    parent = UserFactory()
    member(parent, Role.PARENT_CARER)
    child = ChildFactory()
    with pytest.raises(Exception, match="Only staff"):
        services.open_break_glass(parent, child.upn, "A good long reason")
    teacher = UserFactory()
    member(teacher, Role.TEACHER)
    with pytest.raises(Exception, match="reason"):
        services.open_break_glass(teacher, child.upn, "short")
    assert services.open_break_glass(teacher, child.upn, "Child unwell on a trip") == child
    assert decide(teacher, child, Action.READ).flagged
    assert not decide(teacher, child, Action.WRITE).allowed


def test_senco_at_two_schools_sees_children_at_both_but_not_a_third():
    first, second, third = SettingFactory(), SettingFactory(), SettingFactory()
    senco = UserFactory()
    for school in (first, second):
        member(senco, Role.SENCO, setting=school)
    children = []
    for school in (first, second, third):
        child = ChildFactory()
        Enrolment.objects.create(child=child, setting=school, starts_on=PAST)
        children.append(child)
    assert set(visible_children(senco)) == set(children[:2])


def test_disabled_account_sees_nothing():
    user, child = build(Relationship.ON_ROLL_AT_MY_SETTING, Role.SENCO, "active")
    user.is_active = False
    user.save()
    assert not visible_children(user).exists()
    assert not decide(user, child, Action.READ).allowed


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    relationship=st.sampled_from(list(Relationship)),
    role=st.sampled_from(list(Role)),
    state=st.sampled_from(["none", "pending", "ended", "revoked"]),
    action=st.sampled_from(list(Action)),
)
def test_nothing_is_granted_without_a_live_relationship(relationship, role, state, action):
    user, child = build(relationship, role, state)
    assert not decide(user, child, action).allowed
    assert child not in visible_children(user)
