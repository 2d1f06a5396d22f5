"""`make bench`: national-scale data on a private PostgreSQL, the app under load against a bare
baseline, a September wave, a CTF import and the full passport PDF, in one run; writes
bench/results/<date>.json and .md.

    .venv/bin/python bench/run.py [--scale 0.05] [--seconds 10] [--levels 1,8,32] [--workers N]

Steps: start a throwaway PostgreSQL (scripts/throwaway_postgres.py; no system cluster is
touched), migrate, `passport bench generate`, sign bench users in (`passport bench sessions`),
serve the app with gunicorn and production settings, drive the passport page and its API read at
each concurrency, then the SENCO's children list and the LA dashboards; serve the baseline
(bench/baseline_app.py) with the same gunicorn and workers and drive it the same way; time a
September wave (`passport bench wave`), the full passport PDF download (`passport bench pdf`)
and a 10,000-pupil CTF import against lxml parsing alone (bench/ctf_speed.py, in its own
database on the same server). Every child process's peak memory is read from os.wait4
(commands, drivers) or /proc (gunicorn workers).
"""

# ruff: noqa: S603 - runs this project's own commands
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from throwaway_postgres import throwaway_postgres  # noqa: E402

BIN = Path(sys.executable).parent
PASSPORT = str(BIN / "passport")
GUNICORN = str(BIN / "gunicorn")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def measured(
    command: list[str], env: dict[str, str], *, quiet: bool = False
) -> tuple[float, float, str]:
    """Run a command; return (seconds, peak RSS in MB, its output). Fail loudly."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=env,
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
        text=True,
    )
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"`{' '.join(command)}` failed ({process.returncode}):\n{output}")
    return seconds, usage.ru_maxrss / 1024, output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Gunicorn:
    """A gunicorn master on a free loopback port; stopped on exit, workers' peak memory kept."""

    def __init__(self, app: str, env: dict[str, str], workers: int, extra: list[str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [GUNICORN, app, "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--worker-class", "sync", "--access-logfile", "/dev/null",
             "--error-logfile", "-", "--log-level", "warning", "--timeout", "60", "--preload",
             *extra],
            env=env, cwd=PROJECT_DIR,
        )  # fmt: skip
        self.workers_rss: list[float] = []

    def wait_ready(self, path: str, cookie: str = "") -> None:
        import http.client

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn stopped while starting; see its log above")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                headers = {"X-Forwarded-Proto": "https", "Cookie": cookie}
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                if response.status == 200:
                    return
                raise SystemExit(
                    f"GET {path} answered {response.status} "
                    f"{response.getheader('Location', '')}: {body[:300]!r}"
                )
            except (ConnectionRefusedError, ConnectionResetError, TimeoutError):
                time.sleep(0.3)
        raise SystemExit("gunicorn did not answer within 120 s")

    def stop(self) -> None:
        self.workers_rss = [peak_rss_mb(pid) for pid in children_of(self.process.pid)]
        self.master_rss = peak_rss_mb(self.process.pid)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def drive(
    port: int,
    clients: list[dict[str, Any]],
    concurrency: int,
    seconds: float,
    work: Path,
    env: dict[str, str],
) -> dict[str, Any]:
    clients_file = work / "clients.json"
    clients_file.write_text(json.dumps(clients))
    out = work / "load.json"
    _, rss, _ = measured(
        [sys.executable, str(BENCH_DIR / "load.py"), "--port", str(port), "--clients",
         str(clients_file), "--concurrency", str(concurrency), "--seconds", str(seconds),
         "--out", str(out)],
        env,
    )  # fmt: skip
    result = json.loads(out.read_text())
    result["driver_peak_rss_mb"] = round(rss, 1)
    bad = {k: v for k, v in result["statuses"].items() if k != "200"}
    if bad:
        log(f"  warning: non-200 answers {bad}")
    return result


def warm(
    port: int, clients: list[dict[str, Any]], workers: int, work: Path, env: dict[str, str]
) -> None:
    """Let every worker connect and compile its templates before anything is measured."""
    drive(port, clients, workers, 3, work, env)


def senco_clients(sessions: dict[str, Any], template: str) -> list[dict[str, Any]]:
    return [
        {
            "cookie": f"sessionid={s['session']}",
            "paths": [template.format(id=child) for child in s["children"]],
        }
        for s in sessions["sencos"]
    ]


def fmt_ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def markdown(results: dict[str, Any]) -> str:
    g = results["generation"]
    lines = [
        f"# Benchmark {results['date']} (scale {g['scale']}, {results['cores']} cores, "
        f"{results['workers']} gunicorn workers, PostgreSQL {results['postgresql']})",
        "",
        f"Generated {g['children']:,} children ({g['ehcp']:,} EHC plans) in {g['settings']:,} "
        f"settings and {g['local_authorities']} LAs: {g['total_rows']:,} rows in "
        f"{g['seconds']:.0f} s; database {g['database_bytes'] / 1_048_576:,.0f} MB; "
        f"migrate {results['migrate_seconds']:.0f} s.",
        "",
        "| page | clients | app req/s | app p50 | app p95 | app p99 | baseline req/s | baseline p50 | baseline p95 | app/baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in ("passport page", "API passport read"):
        for app, base in zip(results["app"][page], results["baseline"][page], strict=True):
            ratio = app["throughput"] / base["throughput"] if base["throughput"] else 0
            lines.append(
                f"| {page} | {app['concurrency']} | {app['throughput']:,.0f} | {fmt_ms(app['p50_ms'])} | "
                f"{fmt_ms(app['p95_ms'])} | {fmt_ms(app['p99_ms'])} | {base['throughput']:,.0f} | "
                f"{fmt_ms(base['p50_ms'])} | {fmt_ms(base['p95_ms'])} | {ratio:.0%} |"
            )
    lines += [
        "",
        "| list or dashboard | clients | req/s | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in results["lists"].items():
        lines.append(
            f"| {name} | {r['concurrency']} | {r['throughput']:,.1f} | {fmt_ms(r['p50_ms'])} | {fmt_ms(r['p95_ms'])} |"
        )
    w, c = results["wave"], results["ctf"]
    lines += [
        "",
        "| batch job | figure |",
        "|---|---|",
        f"| September wave | {w['admissions']:,} admissions in {w['seconds']:.1f} s = "
        f"{w['per_second']:,.0f}/s; 115,000 would take {w['extrapolated_115000_seconds'] or 0:,.0f} s |",
        f"| CTF import ({c['pupils']:,} pupils) | import {c['import_rate']:,.0f} pupils/s, lxml alone "
        f"{c['parse_rate']:,.0f} pupils/s, ratio {c['ratio']:.3f} |",
    ]
    if "pdf" in results:
        p = results["pdf"]
        lines.append(
            f"| full passport PDF ({p['support_items']} support items) | median "
            f"{p['median_seconds']:.2f} s, max {p['max_seconds']:.2f} s (target under "
            f"{p['target_seconds']:.0f} s) |"
        )
    lines += [
        "",
        "| process | peak memory (MB) |",
        "|---|---:|",
    ]
    for name, mb in results["memory_mb"].items():
        lines.append(f"| {name} | {mb:,.0f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("SCALE", "0.05")))
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--levels", default="1,8,32")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--wave", type=int, default=2000, help="Admissions in the September wave")
    parser.add_argument("--ctf-pupils", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()
    levels = [int(n) for n in options.levels.split(",")]
    started = time.perf_counter()
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cores": os.cpu_count(),
        "workers": options.workers,
        "levels": levels,
        "seconds_per_level": options.seconds,
        "memory_mb": {},
    }
    with tempfile.TemporaryDirectory(prefix="passport-bench-") as tmp, throwaway_postgres() as url:
        work = Path(tmp)
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as db:
            results["postgresql"] = str(db.execute("SHOW server_version").fetchone()[0]).split()[0]  # type: ignore[index]
            db.execute("CREATE DATABASE ctf_bench")
        base_env = {
            **os.environ,
            "DATABASE_URL": url,
            "PASSPORT_VAR_DIR": str(work / "var"),
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CONN_MAX_AGE": "600",
            "LOG_LEVEL": "WARNING",
        }
        dev_env = {**base_env, "PASSPORT_ENV": "development"}
        prod_env = {**base_env, "PASSPORT_ENV": "production", "DEBUG": "false"}

        log("migrating")
        results["migrate_seconds"], _, _ = measured(
            [PASSPORT, "migrate", "--no-input", "-v0"], dev_env
        )
        log(f"generating at scale {options.scale}")
        generation_file = work / "generation.json"
        _, rss, _ = measured(
            [PASSPORT, "bench", "generate", "--scale", str(options.scale), "--seed",
             str(options.seed), "--out", str(generation_file)],
            dev_env,
        )  # fmt: skip
        results["generation"] = json.loads(generation_file.read_text())
        results["memory_mb"]["generator"] = rss
        log("analysing and signing bench users in")
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as db:
            db.execute("VACUUM ANALYZE")
        sessions_file = work / "sessions.json"
        measured(
            [PASSPORT, "bench", "sessions", "--sencos", str(max(levels)), "--caseworkers", "8",
             "--out", str(sessions_file)],
            dev_env,
        )  # fmt: skip
        sessions = json.loads(sessions_file.read_text())
        paths = sessions["paths"]

        # The app, with production settings.
        results["app"], results["lists"] = {}, {}
        pages = {"passport page": paths["passport"], "API passport read": paths["api_passport"]}
        app = Gunicorn("passport.wsgi:application", prod_env, options.workers, [])
        try:
            first = sessions["sencos"][0]
            app.wait_ready(
                paths["passport"].format(id=first["children"][0]), f"sessionid={first['session']}"
            )
            log("app: warming up every worker")
            for template in pages.values():
                warm(app.port, senco_clients(sessions, template), options.workers, work, base_env)
            for page, template in pages.items():
                results["app"][page] = []
                for level in levels:
                    log(f"app: {page} at {level} clients")
                    r = drive(
                        app.port,
                        senco_clients(sessions, template),
                        level,
                        options.seconds,
                        work,
                        base_env,
                    )
                    results["app"][page].append(r)
            list_clients = [
                {"cookie": f"sessionid={s['session']}", "paths": [paths["children"]]}
                for s in sessions["sencos"]
            ]
            log("app: SENCO's children list at 8 clients")
            warm(app.port, list_clients, options.workers, work, base_env)
            results["lists"]["SENCO children list"] = drive(
                app.port, list_clients, 8, options.seconds, work, base_env
            )
            for key, name in (
                ("overdue", "LA overdue confirmations"),
                ("ehcp_dashboard", "LA EHC plans dashboard"),
            ):
                if key in paths and sessions["caseworkers"]:
                    la_clients = [
                        {"cookie": f"sessionid={c['session']}", "paths": [paths[key]]}
                        for c in sessions["caseworkers"]
                    ]
                    log(f"app: {name} at 8 clients")
                    warm(app.port, la_clients, options.workers, work, base_env)
                    results["lists"][name] = drive(
                        app.port, la_clients, 8, options.seconds, work, base_env
                    )
        finally:
            app.stop()
        results["memory_mb"]["app gunicorn workers (max)"] = max(app.workers_rss or [0])
        results["memory_mb"]["app gunicorn master"] = app.master_rss

        # The baseline, with the same gunicorn and workers.
        results["baseline"] = {}
        baseline = Gunicorn(
            "baseline_app:application", base_env, options.workers, ["--pythonpath", str(BENCH_DIR)]
        )
        try:
            baseline.wait_ready("/passport/" + str(sessions["sencos"][0]["children"][0]))
            log("baseline: warming up every worker")
            for template in ("/passport/{id}", "/api/passport/{id}"):
                warm(
                    baseline.port,
                    senco_clients(sessions, template),
                    options.workers,
                    work,
                    base_env,
                )
            for page, template in (
                ("passport page", "/passport/{id}"),
                ("API passport read", "/api/passport/{id}"),
            ):
                results["baseline"][page] = []
                for level in levels:
                    log(f"baseline: {page} at {level} clients")
                    r = drive(
                        baseline.port,
                        senco_clients(sessions, template),
                        level,
                        options.seconds,
                        work,
                        base_env,
                    )
                    results["baseline"][page].append(r)
        finally:
            baseline.stop()
        results["memory_mb"]["baseline gunicorn workers (max)"] = max(baseline.workers_rss or [0])
        results["memory_mb"]["load driver (max)"] = max(
            r["driver_peak_rss_mb"]
            for side in ("app", "baseline")
            for runs in results[side].values()
            for r in runs
        )

        log(f"September wave of {options.wave} admissions")
        wave_file = work / "wave.json"
        _, rss, _ = measured(
            [PASSPORT, "bench", "wave", "--children", str(options.wave), "--out", str(wave_file)],
            dev_env,
        )
        results["wave"] = json.loads(wave_file.read_text())
        results["memory_mb"]["September wave"] = rss

        log("full passport PDF download")
        pdf_file = work / "pdf.json"
        _, rss, _ = measured([PASSPORT, "bench", "pdf", "--out", str(pdf_file)], dev_env)
        results["pdf"] = json.loads(pdf_file.read_text())
        results["memory_mb"]["passport PDF"] = rss

        log(f"CTF import of {options.ctf_pupils} pupils against lxml alone")
        ctf_url = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/ctf_bench"))
        _, rss, output = measured(
            [sys.executable, str(BENCH_DIR / "ctf_speed.py"), "--pupils", str(options.ctf_pupils),
             "--engine", "postgresql"],
            {**dev_env, "DATABASE_URL": ctf_url, "PASSPORT_VAR_DIR": str(work / "ctf-var")},
            quiet=True,
        )  # fmt: skip
        rates = re.findall(r"([\d,]+) pupils/s", output)
        ratio = re.search(r"ratio import/parse: ([\d.]+)", output)
        results["ctf"] = {
            "pupils": options.ctf_pupils,
            "parse_rate": float(rates[0].replace(",", "")) if rates else 0.0,
            "import_rate": float(rates[1].replace(",", "")) if len(rates) > 1 else 0.0,
            "ratio": float(ratio.group(1)) if ratio else 0.0,
            "output": output.strip().splitlines()[-6:],
        }
        results["memory_mb"]["CTF import"] = rss
    results["memory_mb"] = {k: round(v, 1) for k, v in results["memory_mb"].items()}
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    out_dir = BENCH_DIR / "results"
    out_dir.mkdir(exist_ok=True)
    stem = results["date"].replace(":", "")
    (out_dir / f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results) + f"\nWhole run: {results['total_seconds']:.0f} s.\n"
    (out_dir / f"{stem}.md").write_text(table)
    print()
    print(table)
    log(f"results in {out_dir / stem}.json and .md")


if __name__ == "__main__":
    main()
