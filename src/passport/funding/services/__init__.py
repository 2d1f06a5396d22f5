"""Verbs on school groups' money: open a pot, allocate, commission, approve, deliver, release.

One module per job, writes apart from reads: `pots` (open, allocate, adjust, overspend,
reverse), `commissions` (create, approve, refuse, close), `deliveries` (sessions) all move money
through `ledger` (lock the pot, post a balanced entry, check the pot); `balances` and `children`
read; `amounts` checks and formats pence. The public verbs are re-exported here.
"""

from __future__ import annotations

from passport.funding.services.amounts import check_amount, parse_pounds, pounds
from passport.funding.services.balances import PotBalances, balances, group_pots
from passport.funding.services.children import children_needing, commissions_for_child
from passport.funding.services.commissions import (
    CommissionRequest,
    approve_commission,
    close_commission,
    create_commission,
    needs_second_approval,
    refuse_commission,
)
from passport.funding.services.deliveries import DeliveryLine, record_deliveries, record_delivery
from passport.funding.services.pots import adjust, allocate, approve_overspend, open_pot, reverse

__all__ = [
    "CommissionRequest",
    "DeliveryLine",
    "PotBalances",
    "adjust",
    "allocate",
    "approve_commission",
    "approve_overspend",
    "balances",
    "check_amount",
    "children_needing",
    "close_commission",
    "commissions_for_child",
    "create_commission",
    "group_pots",
    "needs_second_approval",
    "open_pot",
    "parse_pounds",
    "pounds",
    "record_deliveries",
    "record_delivery",
    "refuse_commission",
    "reverse",
]
