"""Carrying a child's needs over from the sending setting into their passport (a Common Transfer
File's SEN provision and need types)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from passport.children.models import Child
from passport.core.policy import current_pack
from passport.passports import services as passport_services
from passport.passports.models import Passport
from passport.people.models import User


def broad_areas_with(passport: Passport, need_types: Sequence[str]) -> list[str]:
    """Keep the passport's broad areas, adding those the need types belong to."""
    pack = current_pack()
    derived = [
        need.broad_area
        for code in need_types
        if (need := pack.need_type(code)) is not None and need.broad_area
    ]
    return list(dict.fromkeys([*passport.broad_areas, *derived]))


@dataclass(frozen=True)
class NeedsBroughtOver:
    """What `bring_over_needs` changed in the passport."""

    passport_started: bool
    needs_changed: bool


def bring_over_needs(
    child: Child,
    *,
    sen_provision: str | None,
    need_types: Sequence[str],
    needs_description: str,
    by: User | None,
) -> NeedsBroughtOver:
    """Bring the child's passport to the SEN provision and needs the sending setting recorded,
    starting the passport if there is none; its broad areas grow and its description is kept.

    With no provision (no SEN history sent) the needs are left as they are.
    """
    passport = Passport.objects.filter(child=child).first()
    started = passport is None
    if passport is None:
        passport = passport_services.start_passport(child, by)  # type: ignore[arg-type]
    held = list(passport.ranked_needs.order_by("rank").values_list("need_type", flat=True))
    if sen_provision is None or (passport.sen_provision, held) == (sen_provision, list(need_types)):
        return NeedsBroughtOver(started, False)
    passport_services.set_needs(
        passport,
        sen_provision=sen_provision,
        need_types=list(need_types),
        broad_areas=broad_areas_with(passport, need_types),
        needs_description=passport.needs_description or needs_description,
        by=by,  # type: ignore[arg-type]
    )
    return NeedsBroughtOver(started, True)
