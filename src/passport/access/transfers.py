"""Who decides a move away that a Common Transfer File asked for, for a child on roll elsewhere:
the current setting's leaders (duty lead_setting) or the local authority's caseworkers
(la_casework).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from passport.access.rules import Duty
from passport.access.standing import scope
from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.organisations.models import Setting
from passport.people.models import User


def may_decide_transfer_away(
    user: User, child: Child, current_setting: Setting | None, *, on: dt.date | None = None
) -> bool:
    """Return whether the person may confirm or decline a move of the child away from the setting
    they are on roll at: its SENCO or head while the child is on its roll, or an LA caseworker of
    the child's home local authority or of the local authority that setting is in.

    A child on no roll (gone to elective home education or abroad, or never enrolled) has no
    setting to speak for them: only an LA caseworker of their home local authority decides, or,
    with no home LA recorded, of the local authority of the last setting they attended.
    """
    return may_decide_transfers_away(user, [(child, current_setting)], on=on)[0]


def may_decide_transfers_away(
    user: User,
    moves: Sequence[tuple[Child, Setting | None]],
    *,
    on: dt.date | None = None,
) -> list[bool]:
    """`may_decide_transfer_away` for many moves at once, with one query for all their children's
    enrolments (a list of pending transfers asks about each)."""
    on = on or today()
    caseworker_for = scope(user, Duty.LA_CASEWORK, on=on).local_authorities
    leads = scope(user, Duty.LEAD_SETTING, on=on).settings
    if not caseworker_for and not leads:
        return [False] * len(moves)
    looked_up = {
        child.pk for child, _ in moves if child.home_local_authority_id not in caseworker_for
    }
    on_roll_at: dict[int, set[int]] = {}
    # (last day, enrolment id, local authority) of each child's latest ended enrolment
    last_ended: dict[int, tuple[dt.date, int, int]] = {}
    for child_id, setting_id, ends_on, enrolment_id, la_id in Enrolment.objects.filter(
        child_id__in=looked_up
    ).values_list("child_id", "setting_id", "ends_on", "pk", "setting__local_authority_id"):
        if ends_on is None or ends_on >= on:
            on_roll_at.setdefault(child_id, set()).add(setting_id)
        elif (ends_on, enrolment_id, la_id) > last_ended.get(child_id, (dt.date.min, 0, 0)):
            last_ended[child_id] = (ends_on, enrolment_id, la_id)

    def decides(child: Child, current_setting: Setting | None) -> bool:
        home_la = child.home_local_authority_id
        if home_la is not None and home_la in caseworker_for:
            return True
        leads_current_setting = current_setting is not None and current_setting.pk in leads
        if not caseworker_for and not leads_current_setting:
            return False
        if child.pk not in on_roll_at:
            if home_la is not None:
                return False
            if current_setting is not None:
                last_la: int | None = current_setting.local_authority_id
            else:
                last_la = last_ended[child.pk][2] if child.pk in last_ended else None
            return last_la is not None and last_la in caseworker_for
        if current_setting is None:
            return False
        return current_setting.local_authority_id in caseworker_for or (
            leads_current_setting and current_setting.pk in on_roll_at[child.pk]
        )

    return [decides(child, setting) for child, setting in moves]
