"""`passport`: the one console script for operators, Django's management commands under one name."""

from __future__ import annotations

import os
import sys

from django.core.management import execute_from_command_line

OPERATOR_TASKS = (
    ("migrate", "Create or update the database tables (run after every upgrade)"),
    ("demo", "Fill an empty database with one demo local authority and a sign-in for every role"),
    ("createsuperuser", "Create the first administrator account"),
    ("runserver", "Run the development server on http://127.0.0.1:8000"),
    ("check", "Check the configuration; add --deploy before going live"),
    (
        "audit",
        "audit verify checks the audit trail's hash chain; audit export-head saves its head (nightly)",
    ),
    ("september_wave", "Admit every child in a CSV (upn,urn,start_date) to their new setting"),
    ("ctf", "ctf import FILE / ctf export --urn URN: Common Transfer Files in and out"),
    ("db_worker", "Run queued background tasks (notifications); keep it running in production"),
    ("otp_code", "Print a demo staff member's current sign-in code (refused in production)"),
    ("retention", "List records past the retention period; --erase --confirm erases them"),
    ("ehcp_deadlines", "Queue a notice to the family for each missed statutory step (daily)"),
    ("sen2", "sen2 export --la CODE: the local authority's person-level SEN2 return as CSV"),
    ("directory", "directory import FILE / directory export: Open Referral UK service directory"),
    ("funding", "funding check: prove every pot's ledger balances"),
    (
        "calendar",
        "calendar show / update-bank-holidays FILE / import-term-dates --la CODE FILE",
    ),
    ("notifications", "notifications failures / resend ID / retry / status: messages sent"),
    ("bench", "bench generate --scale F: national-proportion data for benchmarks (not production)"),
    (
        "settings",
        "settings import-gias FILE --links FILE / import-early-years FILE: settings from registers",
    ),
)


def operator_help() -> str:
    """Return the short list of operator tasks shown before Django's full list."""
    width = max(len(name) for name, _ in OPERATOR_TASKS)
    lines = [
        "Support Passport: individual support passports for children with SEND.",
        "",
        "Operator tasks:",
    ]
    lines += [f"  passport {name.ljust(width)}  {text}" for name, text in OPERATOR_TASKS]
    lines += [
        "",
        "The database is SQLite in var/ (or PASSPORT_VAR_DIR) unless DATABASE_URL names one,",
        "for example postgres://user:password@host/passport.",
        "Run `passport help <task>` for a task's options. Every command:",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run a management command: `passport migrate`, `passport demo`, `passport runserver`..."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passport.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "passport"
    if len(argv) == 1 or (len(argv) == 2 and argv[1] in {"help", "-h", "--help"}):
        sys.stdout.write(operator_help())
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
