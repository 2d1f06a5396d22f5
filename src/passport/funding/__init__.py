"""School groups' pots, commissions, deliveries and the double-entry ledger."""
