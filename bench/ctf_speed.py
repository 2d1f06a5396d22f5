"""CTF import speed against lxml parsing alone, on one generated file, measured in one run.

    .venv/bin/python bench/ctf_speed.py [--pupils 10000] [--engine sqlite|postgresql]

Builds a fresh database (SQLite in a temporary folder, or a throwaway PostgreSQL server from
scripts/throwaway_postgres.py unless DATABASE_URL is set), generates a CTF 25 of N pupils with
SEN data addressed to one setting, then times (1) lxml iterparse over the file with elements
cleared, and (2) the full import (first pass, every pupil created with a passport and an
admission). Prints pupils per second for each and their ratio (QUALITY.md target: >= 0.3), and
the peak memory of the process. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR / "src"))
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

NEEDS = ["SPLD", "MLD", "SEMH", "SLCN", "ASD", "HI", "VI", "PD", "OTH"]


@contextlib.contextmanager
def database(engine: str) -> Iterator[None]:
    with tempfile.TemporaryDirectory() as var:
        os.environ["PASSPORT_VAR_DIR"] = var
        os.environ["PASSPORT_TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
        if engine == "sqlite":
            os.environ.pop("DATABASE_URL", None)
            yield
        elif os.environ.get("DATABASE_URL"):
            yield
        else:
            from throwaway_postgres import throwaway_postgres

            with throwaway_postgres() as url:
                os.environ["DATABASE_URL"] = url
                yield


def generate(pupils: int) -> bytes:
    from passport.core.identifiers import make_upn
    from passport.transitions.ctf.builder import build_ctf
    from passport.transitions.ctf.parser import CtfHeader, CtfNeed, CtfPupil, CtfSen

    header = CtfHeader(
        "Common Transfer File", "25.0", dt.datetime(2025, 7, 18, 10, 30), "partial",
        "873", "2001", "Bench Primary", "2024/25", "873", "4001",
    )  # fmt: skip
    records = []
    for n in range(pupils):
        provision = "E" if n % 4 == 0 else "K"
        first, second = NEEDS[n % len(NEEDS)], NEEDS[(n + 3) % len(NEEDS)]
        records.append(
            CtfPupil(
                position=0,
                upn=make_upn("873", f"{2001 + n // 1000:04d}", n % 1000, year=13),
                surname=f"Family{n}",
                forename=f"Pupil{n}",
                date_of_birth=dt.date(2013, 9, 1) + dt.timedelta(days=n % 365),
                sex="F" if n % 2 else "M",
                sen_history=[
                    CtfSen(dt.date(2020, 9, 3), "K"),
                    CtfSen(dt.date(2023, 1, 9), provision),
                ],
                needs=[CtfNeed(first, 1), CtfNeed(second, 2)],
            )
        )
    return build_ctf(header, records)


def lxml_parse_alone(content: bytes) -> int:
    import io

    from lxml import etree

    count = 0
    for _, element in etree.iterparse(
        io.BytesIO(content), events=("end",), tag="Pupil", resolve_entities=False, no_network=True
    ):
        count += 1
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    return count


def run(pupils: int, engine: str) -> None:
    with database(engine):
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passport.settings")
        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        settings.PASSPORT_CTF_MAX_BYTES = 200 * 1024 * 1024
        call_command("migrate", verbosity=0)
        from passport.organisations.models import LocalAuthority, Setting
        from passport.transitions.ctf.importer import import_ctf

        la = LocalAuthority.objects.get(code="873")
        Setting.objects.create(
            name="Bench Secondary", kind="secondary", urn="990001", local_authority=la,
            estab="4001", phase="Secondary",
        )  # fmt: skip
        content = generate(pupils)
        print(
            f"engine {connection.vendor}, file {len(content) / 1_048_576:.1f} MB, {pupils} pupils"
        )

        started = time.perf_counter()
        parsed = lxml_parse_alone(content)
        parse_seconds = time.perf_counter() - started

        started = time.perf_counter()
        report = import_ctf(content, by=None)
        import_seconds = time.perf_counter() - started

        assert parsed == pupils and report.count(report.pupils[0].outcome) == pupils, report.counts
        parse_rate, import_rate = pupils / parse_seconds, pupils / import_seconds
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"lxml parse alone: {parse_seconds:8.2f} s  {parse_rate:10,.0f} pupils/s")
        print(f"CTF import:       {import_seconds:8.2f} s  {import_rate:10,.0f} pupils/s")
        print(f"ratio import/parse: {import_rate / parse_rate:.4f}  (outcomes {report.counts})")
        print(f"peak memory: {peak_mb:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=10_000)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    options = parser.parse_args()
    run(options.pupils, options.engine)


if __name__ == "__main__":
    main()
