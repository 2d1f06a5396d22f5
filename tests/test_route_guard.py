"""Every page goes through the access policy: a meta-test over the URL configuration.

ROUTES declares, for every named page, the action the access policy must allow. The meta-test
fails when a page is added without an entry; the other tests then show, for every page that
names a child, that nobody without a relationship gets anything but 404 (GET and POST), and that
someone whose relationship allows the action is let in.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from passport.access import services as access_services
from passport.access.policies import Action
from passport.organisations.models import Provider
from passport.passports.models import Strategy
from passport.people.models import Membership, Role
from passport.testing.factories import SettingFactory, UserFactory, child_on_roll, parent_of, staff

# Pages open to anyone (they show no child).
PUBLIC = {"sign-in", "sign-out", "sign-in-code", "set-up-authenticator", "recovery-codes"}
# Signing in with DfE Sign-in or GOV.UK One Login: before anyone is signed in; 404 for a
# provider the deployment has not configured (people/tests/test_oidc_sign_in.py).
PUBLIC |= {"sign-in-provider", "sign-in-provider-callback"}
# The footer's pages (accessibility statement, privacy notice, cookies, help): no child, no
# account needed (site/tests/test_footer_pages.py).
PUBLIC |= {"accessibility", "privacy", "cookies", "help"}
# Accepting an invitation to a setting: the one-time link is the credential; a used, expired,
# withdrawn or unknown link gets a page naming no one (access/tests/test_staff_invitations.py).
PUBLIC |= {"accept-invitation"}
# Pages for a signed-in person that show no child's record, or only children from the policy.
SIGNED_IN = {
    "home",
    "children",
    "add-child",
    # Record a child on no roll: only with la_casework (access.standing.require, 404 otherwise;
    # passports/tests/test_no_setting_page.py).
    "add-child-without-setting",
    "break-glass",
    # A setting's staff, inviting, withdrawing an invitation and removing a leaver: only with
    # lead_setting at that setting (access.staff via access.standing.require, 404 otherwise;
    # nobody hands on or removes a role above their own; access/tests/test_staff_invitations.py).
    "setting-staff",
    "invite-staff",
    "withdraw-invitation",
    "remove-staff",
    # Names children by record number only, to LA reviewers and administrators
    # (access.policies.break_glass_to_review; 404 for anyone else, access/tests).
    "break-glass-reviews",
    "data-protection",
    "new-arrivals",
    # A recorded move's confirmation and undo pages, by its reference: only for the person who
    # recorded it (access.policies.may_undo_move); anyone else gets a refusal naming no child
    # (transitions/tests/test_record_move_journey.py).
    "move-recorded",
    "move-undo",
    "overdue-confirmations",
    "phase-transfers",
    # Transfers a CTF asked for: listed and decided only where access.policies.
    # may_grant_access_to_child allows (the current school's SENCO or head, or the LA); 404 for
    # anyone else, without the child's name (transitions/ctf/tests/test_takeover.py).
    "pending-transfers",
    "decline-transfer",
    # Upload a CTF: only with the add_children duty (access.standing.require, 404 otherwise); it
    # shows back only what the file said (transitions/ctf/tests/test_upload_page.py).
    "import-ctf",
    "sen2-return",
    # A setting's leavers: only with the lead_setting duty (access.standing.require, 404
    # otherwise), the children it lists audited (transitions/tests/test_record_transfer_clock.py).
    "leavers",
    # A local authority's term dates and their CSV: only with la_casework at that local
    # authority (access.standing.require, 404 otherwise); they name no child
    # (transitions/tests/test_term_dates_page.py).
    "term-dates",
    "term-dates-csv",
    "ehcp-dashboard",
    "directory",
    "directory-service",
    # School-group funding: group pages need a cluster lead's or the group's SENCO's standing
    # (access.policies.school_group_share_visible, 404 otherwise); children are named only from
    # access.policies.children_for_commissioning and may_record_delivery (funding/tests).
    "funding",
    "funding-group",
    "funding-open-pot",
    "funding-new-commission",
    "funding-dashboard",
    "funding-plan",
    "funding-pot",
    "funding-allocate",
    "funding-overspend",
    "funding-commission",
    "funding-decide",
    "funding-delivery",
}
# Pages that show or change one child: the action the policy must allow, and who has it.
ROUTES: dict[str, tuple[Action, str]] = {
    "passport": (Action.READ, "teacher"),
    "start-passport": (Action.WRITE, "senco"),
    "essentials": (Action.READ, "teacher"),
    # The printable documents: a download is a read, as the page it prints.
    "passport-pdf": (Action.READ, "teacher"),
    "essentials-pdf": (Action.READ, "teacher"),
    "history": (Action.READ, "senco"),
    "history-version": (Action.READ, "senco"),
    "edit-about-me": (Action.WRITE, "senco"),
    "add-contribution": (Action.CONTRIBUTE, "parent"),
    "edit-needs": (Action.WRITE, "senco"),
    "change-layer": (Action.WRITE, "senco"),
    "add-item": (Action.WRITE, "senco"),
    "edit-item": (Action.WRITE, "senco"),
    "remove-item": (Action.WRITE, "senco"),
    "consents": (Action.CONSENT, "parent"),
    "give-consent": (Action.CONSENT, "parent"),
    "sharing": (Action.SHARE, "young_person"),
    "who-has-seen": (Action.READ, "parent"),
    "download": (Action.EXPORT, "parent"),
    "download-json": (Action.EXPORT, "parent"),
    "download-document": (Action.EXPORT, "young_person"),
    "ehcp-chronology": (Action.PRINT, "senco"),
    "ehcp-chronology-json": (Action.EXPORT, "parent"),
    "record-move": (Action.WRITE, "senco"),
    # The "Record a move" journey: each step asks access.policies.require_grant_access too.
    "move-find-setting": (Action.WRITE, "senco"),
    "move-details": (Action.WRITE, "senco"),
    "move-check": (Action.WRITE, "senco"),
    "confirm-support": (Action.WRITE, "senco"),
    "transfer-plan": (Action.WRITE, "senco"),
    "ehcp-timeline": (Action.READ, "parent"),
    "ehcp-request": (Action.REQUEST_ASSESSMENT, "parent"),
    "ehcp-case": (Action.DECIDE, "caseworker"),
    "ehcp-consultations": (Action.DECIDE, "caseworker"),
    "ehcp-amendment": (Action.DECIDE, "caseworker"),
    "ehcp-amendment-representations": (Action.DECIDE, "caseworker"),
    "ehcp-amendment-issue": (Action.DECIDE, "caseworker"),
    "ehcp-setting-response": (Action.DECIDE, "caseworker"),
    "ehcp-ceasing": (Action.DECIDE, "caseworker"),
    "ehcp-plan": (Action.READ, "young_person"),
    "ehcp-plan-pdf": (Action.READ, "young_person"),
    "ehcp-existing-plan": (Action.DECIDE, "caseworker"),
    "ehcp-confirm-plan": (Action.DECIDE, "caseworker"),
    "ehcp-plan-outcome": (Action.DECIDE, "caseworker"),
    "ehcp-plan-outcome-remove": (Action.DECIDE, "caseworker"),
    "ehcp-plan-provision": (Action.DECIDE, "caseworker"),
    "ehcp-plan-provision-remove": (Action.DECIDE, "caseworker"),
    "ehcp-review-meeting": (Action.DECIDE, "caseworker"),
    "ehcp-review-report": (Action.DECIDE, "caseworker"),
}


POST_ONLY = {"start-passport"}


def named_routes(resolver: URLResolver | None = None, prefix: str = "") -> dict[str, str]:
    """Return every named URL outside the API (which has its own meta-test), with its pattern."""
    resolver = resolver or get_resolver()
    found: dict[str, str] = {}
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if pattern.startswith("api/"):
                continue
            found.update(named_routes(entry, pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            found[entry.name] = pattern
    return found


def test_every_page_is_declared_in_the_route_table():
    undeclared = sorted(set(named_routes()) - PUBLIC - SIGNED_IN - set(ROUTES))
    assert not undeclared, f"Declare these pages in ROUTES (or PUBLIC/SIGNED_IN): {undeclared}"


def test_every_child_page_names_the_child():
    routes = named_routes()
    for name in ROUTES:
        assert "<int:child_id>" in routes[name], name


@pytest.fixture
def world(db):
    school = SettingFactory()
    child = child_on_roll(school, date_of_birth=dt.date(2008, 1, 1))
    senco = staff(Role.SENCO, school)
    strategy = Strategy.objects.create(passport=child.passport, description="Short instructions")
    provider = Provider.objects.create(name="Avon Trust", kind="nhs_trust")
    referral = access_services.record_referral(
        child, provider, "Speech and language therapy", dt.date(2025, 1, 1), senco
    )
    young_person = UserFactory()
    Membership.objects.create(
        user=young_person, role=Role.YOUNG_PERSON, starts_on=dt.date(2024, 1, 1)
    )
    child.own_account = young_person
    child.save()
    caseworker = UserFactory()
    Membership.objects.create(
        user=caseworker,
        role=Role.LA_CASEWORKER,
        local_authority=school.local_authority,
        starts_on=dt.date(2024, 1, 1),
    )
    access_services.assign_to_caseload(caseworker, child, dt.date(2024, 1, 1))
    people = {
        "senco": senco,
        "teacher": staff(Role.TEACHER, school),
        "parent": parent_of(child),
        "young_person": young_person,
        "caseworker": caseworker,
        "unrelated_senco": staff(Role.SENCO, SettingFactory()),
        "unrelated_parent": parent_of(child_on_roll(SettingFactory())),
    }
    return {"child": child, "strategy": strategy, "referral": referral, "people": people}


def url_for(name: str, world) -> str:
    child = world["child"].pk
    if name in ("add-item",):
        return reverse(name, args=[child, "what-works"])
    if name in ("edit-item", "remove-item"):
        return reverse(name, args=[child, "what-works", world["strategy"].pk])
    if name == "give-consent":
        return reverse(name, args=[child, world["referral"].pk])
    if name == "history-version":
        version = world["strategy"].history.earliest("history_date").history_id
        return reverse(name, args=[child, "what-works", version])
    return reverse(name, args=[child])


@pytest.mark.parametrize("name", sorted(ROUTES))
@pytest.mark.parametrize("stranger", ["unrelated_senco", "unrelated_parent"])
def test_nobody_without_a_relationship_reaches_a_child_page(client, world, name, stranger):
    client.force_login(world["people"][stranger])
    url = url_for(name, world)
    assert client.get(url).status_code == (405 if name in POST_ONLY else 404)
    assert client.post(url, {"description": "changed", "kind": "strategy"}).status_code == 404
    assert Strategy.objects.get(pk=world["strategy"].pk).description == "Short instructions"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_signed_out_visitor_is_asked_to_sign_in(client, world, name):
    response = client.get(url_for(name, world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("sign-in"))


@pytest.mark.parametrize("name", sorted(set(ROUTES) - {"start-passport"}))
def test_someone_the_policy_allows_is_let_in(client, world, name):
    action, holder = ROUTES[name]
    client.force_login(world["people"][holder])
    assert client.get(url_for(name, world)).status_code == 200, (name, action)
