"""Verbs for organisations, one module per job: settings from the national registers
(`settings_import`), term dates (`term_dates`)."""
