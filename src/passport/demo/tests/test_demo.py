"""`passport demo`: one realistic local authority, the same every time for a seed."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError

from passport.access.policies import visible_children
from passport.children.models import Child, Enrolment, ParentalResponsibility
from passport.core.dates import today
from passport.core.identifiers import check_nhs_number, check_uln, check_upn
from passport.demo.generator import CHILDREN_WITHOUT_PASSPORT, DEMO_PASSWORD, DEMO_SIGN_INS
from passport.ehcp.models import Plan
from passport.organisations.models import LocalAuthority, Setting
from passport.passports.models import LayerAssignment, Passport, RankedNeed, Review, SupportItem
from passport.people.models import Role, User

pytestmark = pytest.mark.django_db

FEW = "30"


def demo(*args: str, quiet: bool = True) -> str:
    """Run `passport demo` with these options and return what it printed."""
    out = io.StringIO()
    call_command("demo", *args, verbosity=0 if quiet else 1, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def children_snapshot() -> list[tuple[str, str, str | None, str]]:
    return sorted(
        (c.given_name, c.family_name, c.upn, c.date_of_birth.isoformat())
        for c in Child.objects.all()
    )


def test_same_seed_gives_the_same_children_twice():
    demo("--seed", "7", "--children", FEW)
    first = children_snapshot()
    demo("--seed", "7", "--children", FEW, "--reset")
    assert children_snapshot() == first
    # The children asked for, and Isla, a baby on no setting's roll with a plan from birth.
    assert len(first) == int(FEW) + 1


def test_a_different_seed_gives_different_children():
    demo("--seed", "7", "--children", FEW)
    first = children_snapshot()
    demo("--seed", "8", "--children", FEW, "--reset")
    assert children_snapshot() != first


def test_every_role_has_a_demo_user_who_can_sign_in():
    demo("--children", FEW)
    for role in Role:
        user = User.objects.filter(memberships__role=role).first()
        assert user is not None, f"no demo user for {role.label}"
        assert user.check_password(DEMO_PASSWORD)
        assert role in {m.role for m in user.live_memberships(today())}


def test_everyone_in_the_sign_in_list_can_sign_in_with_the_demo_password():
    demo("--children", FEW)
    for _, email, _ in DEMO_SIGN_INS:
        user = authenticate(username=email, password=DEMO_PASSWORD)
        assert user is not None, email
        validate_password(DEMO_PASSWORD, user)


def test_every_identifier_passes_the_national_checks():
    demo("--children", "80")
    children = list(Child.objects.all())
    assert all(c.upn for c in children if c.year_group() >= 0)
    assert any(c.uln for c in children) and any(c.nhs_number for c in children)
    for child in children:
        if child.upn:
            assert check_upn(child.upn).is_valid, child.upn
        if child.uln:
            assert check_uln(child.uln).is_valid, child.uln
        if child.nhs_number:
            assert check_nhs_number(child.nhs_number).is_valid, child.nhs_number


def test_no_child_with_an_ehc_plan_has_need_type_nsa():
    demo("--children", "150")
    assert RankedNeed.objects.filter(need_type="NSA", passport__sen_provision="K").exists()
    assert not RankedNeed.objects.filter(need_type="NSA", passport__sen_provision="E").exists()


def test_no_passport_has_more_than_two_ranked_needs():
    demo("--children", "150")
    for passport in Passport.objects.prefetch_related("ranked_needs"):
        ranks = [need.rank for need in passport.ranked_needs.all()]
        assert 1 <= len(ranks) <= 2
        assert sorted(ranks) == list(range(1, len(ranks) + 1))


def test_passports_follow_the_national_proportions():
    demo()
    passports = Passport.objects.count()
    with_plan = Passport.objects.filter(sen_provision="E").count()
    assert 0.26 <= with_plan / passports <= 0.32
    current = {}
    for assignment in LayerAssignment.objects.order_by("starts_on", "pk"):
        current[assignment.passport_id] = assignment.layer
    layers = list(current.values())
    assert layers.count("targeted") > layers.count("targeted_plus") > layers.count("universal") > 0
    assert layers.count("specialist") == with_plan


def test_every_passport_that_says_ehc_plan_has_a_live_plan_record():
    # Issue 16: no plan exists only as a flag; the baby on no roll has a plan from birth.
    demo("--children", "80")
    with_e = Passport.objects.filter(sen_provision="E")
    assert with_e.exists()
    planned = Plan.objects.filter(status="final").values_list("child_id", flat=True)
    assert set(with_e.values_list("child_id", flat=True)) == set(planned)
    assert not with_e.filter(ehc_plan_since__isnull=True).exists()
    baby = Child.objects.get(given_name="Isla", family_name="Reid")
    assert not baby.enrolments.exists()
    assert Plan.objects.get(child=baby).route == "from_birth"
    assert {p.route for p in Plan.objects.filter(origin="from_flag")} <= {
        "legacy_pre_reform",
        "reform",
    }


def test_children_are_on_roll_at_a_setting_that_takes_their_age():
    demo("--children", "80")
    for child in Child.objects.filter(enrolments__isnull=False).distinct():
        live = Enrolment.objects.live_on(today()).get(child=child)
        age = (today() - child.date_of_birth).days // 365
        assert live.setting.statutory_low_age <= age <= live.setting.statutory_high_age, child


def test_some_children_moved_setting_and_some_stepped_up_a_layer():
    demo("--children", "80")
    assert Enrolment.objects.filter(ends_on__isnull=False).exists()
    assert Review.objects.filter(decision="step_up").exists()
    assert SupportItem.objects.filter(minutes_per_session__gt=0, provider__isnull=False).exists()


def test_every_passport_change_is_recorded_with_who_made_it():
    demo("--children", FEW)
    for model in (Passport, RankedNeed, Review, SupportItem, LayerAssignment):
        history = model.history.all()
        assert history.exists()
        assert not history.filter(history_user__isnull=True).exists(), model.__name__


def test_if_empty_leaves_existing_data_alone():
    demo("--seed", "3", "--children", FEW)
    before = children_snapshot()
    output = demo("--seed", "4", "--children", "40", "--if-empty", quiet=False)
    assert "already has data" in output
    assert children_snapshot() == before


def test_without_reset_it_refuses_to_add_to_existing_data():
    demo("--children", FEW)
    with pytest.raises(CommandError, match="--reset"):
        demo("--children", FEW)


def test_reset_replaces_the_demo_but_keeps_every_local_authority():
    demo("--children", FEW)
    authorities = LocalAuthority.objects.count()
    demo("--children", "20", "--reset")
    assert Child.objects.count() == 20 + 1  # and the baby on no roll
    assert Setting.objects.count() == 12
    assert LocalAuthority.objects.count() == authorities == 158


def test_children_without_a_passport_are_on_roll_at_the_first_primary_with_a_parent():
    demo("--children", FEW)
    waiting = Child.objects.filter(passport__isnull=True)
    assert waiting.count() == CHILDREN_WITHOUT_PASSPORT
    for child in waiting:
        assert Enrolment.objects.live_on(today()).get(child=child).setting.urn == "108931"
        assert ParentalResponsibility.objects.live_on(today()).filter(child=child).exists()
    senco = User.objects.get(email="senco@primary.demo.example")
    assert set(waiting) <= set(visible_children(senco))


def test_the_demo_parent_is_found_through_parental_responsibility():
    demo("--children", FEW)
    parent = User.objects.get(email="parent@family.demo.example")
    responsibility = ParentalResponsibility.objects.live_on(today()).get(person=parent)
    leo = responsibility.child
    assert leo.full_name == "Leo Hartley"
    assert Passport.objects.filter(child=leo).exists()
    assert list(visible_children(parent)) == [leo]


def test_the_young_person_signs_in_to_their_own_record_past_compulsory_school_age():
    demo("--children", FEW)
    user = User.objects.get(email="young-person@student.demo.example")
    maya = Child.objects.get(own_account=user)
    assert maya.holds_own_rights()
    assert Enrolment.objects.live_on(today()).get(child=maya).setting.kind == Setting.Kind.COLLEGE
    assert list(visible_children(user)) == [maya]


def test_the_second_senco_cannot_see_the_first_schools_children():
    demo("--children", "80")
    other = User.objects.get(email="senco@other-primary.demo.example")
    first_school = Child.objects.filter(
        enrolments__setting__urn="108931", enrolments__ends_on__isnull=True
    )
    seen = set(visible_children(other))
    assert seen
    assert not seen & set(first_school)


def test_the_sign_in_list_says_no_children_exactly_for_accounts_that_see_none():
    demo("--children", "80")
    for role, email, sees in DEMO_SIGN_INS:
        user = User.objects.get(email=email)
        assert ("no children" in sees) == (not visible_children(user).exists()), role


def test_the_summary_lists_the_sign_ins_and_the_password():
    output = demo("--children", FEW, quiet=False)
    assert DEMO_PASSWORD in output
    for _, email, _ in DEMO_SIGN_INS:
        assert email in output
