"""`passport bench generate|sessions|wave`: national-scale data and the pieces `make bench` runs.

    passport bench generate --scale 0.05 [--seed 2026]
    passport bench sessions --sencos 32 --caseworkers 8 --out sessions.json
    passport bench wave --children 2000 [--out wave.json]
    passport bench pdf [--repeats 5] [--out pdf.json]

All three refuse to run with production settings: they write made-up children and sessions.
"""

from __future__ import annotations

import json
import resource
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from passport.benchmarking import generator as gen
from passport.benchmarking.documents import time_passport_pdf
from passport.benchmarking.loading import DatabaseSink, database_size
from passport.benchmarking.sessions import (
    bench_sessions,
    refuse_in_production,
    september_wave,
)
from passport.core.safety import RefusedInProduction


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Benchmark data and helpers: generate national-scale data, sign in bench users, time a September wave."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        generate = actions.add_parser(
            "generate", help="Generate national-scale data (1.0 is England)"
        )
        generate.add_argument("--scale", type=float, default=0.05)
        generate.add_argument("--seed", type=int, default=gen.DEFAULT_SEED)
        generate.add_argument(
            "--audit-per-child", type=float, default=gen.DEFAULT_AUDIT_PER_CHILD,
            help="Audit rows per child, spread over the history years",
        )  # fmt: skip
        generate.add_argument("--history-years", type=int, default=gen.DEFAULT_HISTORY_YEARS)
        generate.add_argument(
            "--chunk", type=int, default=gen.DEFAULT_CHUNK, help="Children per commit"
        )
        generate.add_argument("--out", type=Path, help="Also write the summary as JSON here")
        sessions = actions.add_parser("sessions", help="Sign in bench SENCOs and caseworkers")
        sessions.add_argument("--sencos", type=int, default=32)
        sessions.add_argument("--caseworkers", type=int, default=8)
        sessions.add_argument("--children-each", type=int, default=200)
        sessions.add_argument("--out", type=Path, required=True)
        wave = actions.add_parser("wave", help="Time a September wave of admissions")
        wave.add_argument("--children", type=int, default=2000)
        wave.add_argument("--out", type=Path)
        pdf = actions.add_parser("pdf", help="Time the full passport PDF download")
        pdf.add_argument("--repeats", type=int, default=5)
        pdf.add_argument("--out", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            refuse_in_production()
        except RefusedInProduction as exc:
            raise CommandError(str(exc)) from exc
        action = options["action"]
        if action == "generate":
            self._generate(options)
        elif action == "pdf":
            try:
                timing = time_passport_pdf(repeats=options["repeats"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            if options.get("out"):
                options["out"].write_text(json.dumps(timing))
            self.stdout.write(
                f"Full passport PDF for child {timing['child']} ({timing['support_items']} support "
                f"items, {timing['bytes']:,} bytes): median {timing['median_seconds']} s, "
                f"max {timing['max_seconds']} s over {timing['repeats']} downloads "
                f"(target under {timing['target_seconds']} s)"
            )
        elif action == "sessions":
            found = bench_sessions(
                sencos=options["sencos"],
                caseworkers=options["caseworkers"],
                children_each=options["children_each"],
            )
            options["out"].write_text(json.dumps(found))
            self.stdout.write(
                f"{len(found['sencos'])} SENCO and {len(found['caseworkers'])} caseworker "
                f"sessions written to {options['out']}"
            )
        else:
            result = september_wave(options["children"])
            result["peak_rss_mb"] = round(peak_rss_mb(), 1)
            if options.get("out"):
                options["out"].write_text(json.dumps(result))
            self.stdout.write(
                f"{result['admissions']} admissions in {result['seconds']} s: "
                f"{result['per_second']}/s; 115,000 would take {result['extrapolated_115000_seconds']} s"
            )

    def _generate(self, options: dict[str, Any]) -> None:
        scale = options["scale"]
        if not 0 < scale <= 1.0:
            raise CommandError("--scale must be more than 0 and at most 1.0 (1.0 is England)")
        if gen.existing_bench_data():
            raise CommandError(
                "This database already has benchmark data: generate into a fresh database"
            )
        children = round((gen.NATIONAL_EHCP + gen.NATIONAL_SEN_SUPPORT) * scale)
        audit = round(children * options["audit_per_child"])
        bars = {
            "children": tqdm(total=children, unit="child", desc="children", disable=None),
            "audit": tqdm(total=audit, unit="row", desc="audit rows", disable=None),
        }
        plan, counts, seconds = gen.generate(
            DatabaseSink(),
            scale=scale,
            seed=options["seed"],
            audit_per_child=options["audit_per_child"],
            history_years=options["history_years"],
            chunk=options["chunk"],
            progress=lambda stage, n: bars[stage].update(n),
        )
        for bar in bars.values():
            bar.close()
        size = database_size()
        summary = {
            "scale": scale,
            "seed": options["seed"],
            "local_authorities": len(plan.la_ids),
            "settings": len(plan.settings),
            "children": plan.children,
            "ehcp": plan.ehcp,
            "sen_support": plan.sen_support,
            "rows": dict(sorted(counts.items())),
            "total_rows": sum(counts.values()),
            "seconds": round(seconds, 1),
            "database_bytes": size,
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }
        width = max(len(table) for table in counts)
        self.stdout.write(
            f"Scale {scale}: {plan.children:,} children ({plan.ehcp:,} EHC plans, "
            f"{plan.sen_support:,} SEN support) in {len(plan.settings):,} settings and "
            f"{len(plan.la_ids)} local authorities"
        )
        for table, count in sorted(counts.items()):
            self.stdout.write(f"  {table:<{width}} {count:>12,}")
        self.stdout.write(
            f"{summary['total_rows']:,} rows in {seconds:.1f} s "
            f"({summary['total_rows'] / max(seconds, 0.001):,.0f} rows/s); database "
            f"{size / 1_048_576:,.0f} MB; peak memory {summary['peak_rss_mb']:.0f} MB"
        )
        if options.get("out"):
            options["out"].write_text(json.dumps(summary, indent=2))
