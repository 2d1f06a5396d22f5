"""THE access policy: who may do what to which child, decided from live relationships.

Every page, API operation and command gets a child only through `visible_children` or
`get_child_for`. A decision is taken from relationships in the database and their dates, and the
grants in rules.toml say what each relationship gives. The policy never imports the feature rooms
(passports, transitions...), so it can be read and tested on its own.

This module is the policy's one front: it names what the modules beside it define, by job:
`links` (relationships), `decisions` (one child), `lists` (many children, search), `break_glass`
(emergency access and its review), `recording` (audit rows), and the questions about duties at
organisations, read from `standing` (`school_groups`, and `grants`: who may give a setting access
to a child by admitting them or deciding a transfer).
"""

from __future__ import annotations

from passport.access.break_glass import (
    Reviewer,
    break_glass_reviewer,
    break_glass_to_review,
    may_review_break_glass,
    may_use_emergency_access,
)
from passport.access.decisions import (
    ChildNotFound,
    Decision,
    can,
    decide,
    get_child_for,
    may_record_delivery,
)
from passport.access.grants import (
    MOVE_UNDO_WINDOW,
    NoStandingToGrant,
    UndoStanding,
    may_grant_access_to_child,
    may_grant_access_to_children,
    may_undo_move,
    require_grant_access,
)
from passport.access.links import is_family, links
from passport.access.lists import (
    children_showing,
    narrowed_to_section,
    searched,
    sections_for_children,
    visible_children,
)
from passport.access.recording import (
    audit_children_listed,
    audit_decision,
    audit_list,
    record_identifier_matches,
)
from passport.access.rules import Action, Relationship
from passport.access.school_groups import (
    children_for_commissioning,
    school_group_share_visible,
    school_groups_visible_to,
)

__all__ = [
    "MOVE_UNDO_WINDOW",
    "Action",
    "ChildNotFound",
    "Decision",
    "NoStandingToGrant",
    "Relationship",
    "Reviewer",
    "UndoStanding",
    "audit_children_listed",
    "audit_decision",
    "audit_list",
    "break_glass_reviewer",
    "break_glass_to_review",
    "can",
    "children_for_commissioning",
    "children_showing",
    "decide",
    "get_child_for",
    "is_family",
    "links",
    "may_grant_access_to_child",
    "may_grant_access_to_children",
    "may_record_delivery",
    "may_review_break_glass",
    "may_undo_move",
    "may_use_emergency_access",
    "narrowed_to_section",
    "record_identifier_matches",
    "require_grant_access",
    "school_group_share_visible",
    "school_groups_visible_to",
    "searched",
    "sections_for_children",
    "visible_children",
]
