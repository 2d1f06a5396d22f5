"""A closed school's pupils follow its successor (`passport settings import-gias --links`): the
academy's staff see them from the day it took over, the old school's staff no longer do, and no
day falls between."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from passport.access.policies import Action, ChildNotFound, decide, get_child_for
from passport.audit.models import AuditEvent
from passport.children.models import Enrolment
from passport.organisations.models import Setting
from passport.organisations.tests.gias_files import gias_row, write_gias, write_links
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, staff

pytestmark = pytest.mark.django_db

OLD_URN, ACADEMY_URN = "103010", "149876"


def run(tmp_path, establishments, links) -> tuple[str, int]:
    extract = write_gias(tmp_path / "edubasealldata20250901.csv", establishments)
    link_file = write_links(tmp_path / "links_edubasealldata20250901.csv", links)
    out = StringIO()
    try:
        call_command("settings", "import-gias", str(extract), "--links", str(link_file), stdout=out)
    except SystemExit as exit_:
        return out.getvalue(), int(exit_.code or 0)
    return out.getvalue(), 0


def closed(urn: str, name: str, on: str, **columns: str) -> dict[str, str]:
    return gias_row(
        urn, name, **{"EstablishmentStatus (name)": "Closed", "CloseDate": on, **columns}
    )


def academy(urn: str, name: str, opened: str) -> dict[str, str]:
    return gias_row(
        urn,
        name,
        **{
            "TypeOfEstablishment (name)": "Academy converter",
            "OpenDate": opened,
            "Trusts (name)": "Ésprit Learning Trust",
        },
    )


def both_ways(old: str, new: str, on: str, kind: str = "Successor") -> list[tuple[str, ...]]:
    return [
        (old, new, "", kind, on),
        (new, old, "", kind.replace("Successor", "Predecessor"), on),
    ]


def roll(child) -> list[tuple[str, dt.date, dt.date | None]]:
    return list(
        Enrolment.objects.filter(child=child)
        .order_by("starts_on")
        .values_list("setting__urn", "starts_on", "ends_on")
    )


def test_children_follow_a_converted_school_to_its_academy_with_no_day_between(tmp_path):
    old = SettingFactory(urn=OLD_URN, name="Bordesley Green Primary School")
    old_senco = staff(Role.SENCO, old)
    child = child_on_roll(old)
    establishments = [
        closed(OLD_URN, "Bordesley Green Primary School", "31-08-2025"),
        academy(ACADEMY_URN, "Bordesley Green Primary Academy", "01-09-2025"),
    ]

    summary, code = run(tmp_path, establishments, both_ways(OLD_URN, ACADEMY_URN, "01-09-2025"))

    assert code == 0
    assert "1 successor(s) recorded, 1 enrolment(s) of 1 child(ren) moved" in summary
    successor = Setting.objects.get(urn=ACADEMY_URN)
    academy_senco = staff(Role.SENCO, successor)
    assert roll(child) == [
        (OLD_URN, dt.date(2021, 9, 1), dt.date(2025, 8, 31)),
        (ACADEMY_URN, dt.date(2025, 9, 1), None),
    ]
    assert decide(old_senco, child, Action.READ, on=dt.date(2025, 8, 31)).allowed
    assert not decide(old_senco, child, Action.READ, on=dt.date(2025, 9, 1)).allowed
    assert decide(academy_senco, child, Action.READ, on=dt.date(2025, 9, 1)).allowed
    assert get_child_for(academy_senco, child.pk, Action.READ) == child
    with pytest.raises(ChildNotFound):
        get_child_for(old_senco, child.pk, Action.READ)
    reasons = dict(
        AuditEvent.objects.filter(child_id=child.pk, actor_id=None).values_list(
            "setting_id", "reason"
        )
    )
    assert "when it closed: Bordesley Green Primary Academy (URN 149876)" in reasons[old.pk]
    assert "took over the pupils of Bordesley Green Primary School" in reasons[successor.pk]

    again, code = run(tmp_path, establishments, both_ways(OLD_URN, ACADEMY_URN, "01-09-2025"))

    assert code == 0
    assert "0 new, 0 changed, 2 unchanged" in again
    assert "0 successor(s) recorded, 0 enrolment(s) of 0 child(ren) moved" in again
    assert len(roll(child)) == 2


def test_a_chain_of_successors_is_followed_and_a_place_taken_after_closing_moves_whole(
    tmp_path,
):
    first = SettingFactory(urn="103020", name="Alum Rock Infant School")
    early = child_on_roll(first)
    late = child_on_roll(first)
    Enrolment.objects.filter(child=early).update(starts_on=dt.date(2018, 9, 3))
    # Put on the old school's roll after it had closed, before anyone knew of the successor.
    Enrolment.objects.filter(child=late).update(starts_on=dt.date(2022, 1, 10))
    establishments = [
        closed("103020", "Alum Rock Infant School", "31-08-2019"),
        gias_row(
            "140001",
            "Alum Rock Primary School",
            **{"OpenDate": "01-09-2019", "EstablishmentStatus (name)": "Closed"},
            CloseDate="31-03-2024",
        ),
        academy("150002", "Alum Rock Primary Academy", "01-04-2024"),
    ]
    links = both_ways("103020", "140001", "01-09-2019", "Successor - amalgamated")
    links += both_ways("140001", "150002", "")

    summary, code = run(tmp_path, establishments, links)

    assert code == 0
    assert "2 successor(s) recorded, 4 enrolment(s) of 2 child(ren) moved" in summary
    assert roll(early) == [
        ("103020", dt.date(2018, 9, 3), dt.date(2019, 8, 31)),
        ("140001", dt.date(2019, 9, 1), dt.date(2024, 3, 31)),
        ("150002", dt.date(2024, 4, 1), None),
    ]
    assert roll(late) == [
        ("140001", dt.date(2022, 1, 10), dt.date(2024, 3, 31)),
        ("150002", dt.date(2024, 4, 1), None),
    ]


def test_a_school_split_in_two_moves_nobody_and_says_which(tmp_path):
    old = SettingFactory(urn="103030", name="Nechells Junior and Infant School")
    child = child_on_roll(old)
    establishments = [
        closed("103030", "Nechells Junior and Infant School", "31-08-2025"),
        academy("150031", "Nechells Infant Academy", "01-09-2025"),
        academy("150032", "Nechells Junior Academy", "01-09-2025"),
    ]
    links = both_ways("103030", "150031", "01-09-2025", "Successor - Split School")
    links += both_ways("103030", "150032", "01-09-2025", "Successor - Split School")

    summary, code = run(tmp_path, establishments, links)

    assert code == 0
    assert "More than one successor, or no date" in summary
    assert "103030" in summary
    assert roll(child) == [("103030", dt.date(2021, 9, 1), None)]
    assert Enrolment.objects.count() == 1


def test_a_school_proposed_to_close_keeps_its_pupils_until_a_later_file_says_it_closed(tmp_path):
    old = SettingFactory(urn=OLD_URN, name="Saltley Primary School")
    child = child_on_roll(old)
    successor = academy(ACADEMY_URN, "Saltley Primary Academy", "01-04-2026")
    links = both_ways(OLD_URN, ACADEMY_URN, "01-04-2026")
    proposed = gias_row(
        OLD_URN,
        "Saltley Primary School",
        **{"EstablishmentStatus (name)": "Open, but proposed to close"},
    )

    summary, _ = run(tmp_path, [proposed, successor], links)

    assert "1 successor(s) recorded, 0 enrolment(s)" in summary
    assert roll(child) == [(OLD_URN, dt.date(2021, 9, 1), None)]

    summary, _ = run(
        tmp_path, [closed(OLD_URN, "Saltley Primary School", "31-03-2026"), successor], links
    )

    assert "1 changed" in summary and "1 closed" in summary
    assert "0 successor(s) recorded, 1 enrolment(s) of 1 child(ren) moved" in summary
    assert roll(child)[-1] == (ACADEMY_URN, dt.date(2026, 4, 1), None)
