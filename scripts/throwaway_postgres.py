"""Start a private, disposable PostgreSQL server for the test suite.

Standard library only. Use it as a context manager::

    from throwaway_postgres import throwaway_postgres

    with throwaway_postgres() as database_url:
        ...  # postgres://postgres@127.0.0.1:PORT/passport

It finds the newest PostgreSQL server binaries (Debian keeps them in
/usr/lib/postgresql/VERSION/bin), creates a cluster in a temporary folder, starts it on a free
TCP port on 127.0.0.1 (its Unix socket stays inside that folder), creates the database
``passport`` and yields a DATABASE_URL for the superuser ``postgres`` (trust authentication,
loopback only). On the way out, Ctrl-C and SIGTERM included, it stops the server and removes the
folder. Durability is switched off (fsync, synchronous_commit, full_page_writes): this cluster is
for tests only and is thrown away.

As root, the server runs as the ``postgres`` system user through ``runuser``, because PostgreSQL
refuses to run as root. Set PASSPORT_PG_BINDIR to use binaries from another folder.

Run it directly to get a server for manual use until Ctrl-C:

    python scripts/throwaway_postgres.py
"""

# ruff: noqa: S603 - runs fixed local tools (pytest, PostgreSQL binaries), never user input
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

SUPERUSER = "postgres"
DATABASE = "passport"
SERVER_USER = "postgres"  # the system account the server runs as when we are root

INSTALL_HINT = (
    "No PostgreSQL server binaries (initdb, pg_ctl, postgres) were found in "
    "/usr/lib/postgresql/*/bin, PASSPORT_PG_BINDIR or `pg_config --bindir`. Install the "
    "PostgreSQL server, e.g. `apt-get install postgresql` on Debian or Ubuntu, or point "
    "DATABASE_URL at an existing server whose user may create databases."
)


class PostgresError(RuntimeError):
    """The throwaway server could not be set up."""


def _version_key(path: str) -> tuple[int, ...]:
    match = re.search(r"/postgresql/([0-9.]+)/bin", path)
    if not match:
        return (0,)
    return tuple(int(part) for part in match.group(1).split(".") if part)


def _is_server_bindir(path: Path) -> bool:
    return all(os.access(path / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres"))


def find_server_bindir() -> Path:
    """Return the folder holding initdb, pg_ctl and postgres, newest version first."""
    override = os.environ.get("PASSPORT_PG_BINDIR")
    if override:
        path = Path(override)
        if _is_server_bindir(path):
            return path
        raise PostgresError(f"PASSPORT_PG_BINDIR={override} has no initdb, pg_ctl and postgres.")

    # Debian and Ubuntu: /usr/lib/postgresql/15/bin. Use these paths directly: wrappers on PATH
    # (pg_wrapper, or site wrappers in /usr/local/bin) may pick another version or refuse root.
    for initdb in sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key, reverse=True
    ):
        path = Path(initdb).parent
        if _is_server_bindir(path):
            return path

    # Elsewhere (Homebrew, Fedora, a source build): ask pg_config.
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            ).stdout.strip()
            if out and _is_server_bindir(Path(out)):
                return Path(out)
    raise PostgresError(INSTALL_HINT)


def server_version(bindir: Path) -> str:
    """The version the server binary reports, e.g. '15.18'."""
    out = subprocess.run(
        [str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"(\d+(?:\.\d+)*)", out)
    return match.group(1) if match else out.strip() or "unknown"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clean_env() -> dict[str, str]:
    """The environment without PG* variables that could point our tools elsewhere."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


class _Cluster:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="passport-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log = self.root / "server.log"
        self.port = 0
        self.started = False

    def _command(self, *args: str) -> list[str]:
        if self.as_root:
            return ["runuser", "-u", SERVER_USER, "--", *args]
        return list(args)

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self._command(*args),
            cwd=self.root,
            env=_clean_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        if result.returncode != 0:
            raise PostgresError(
                f"`{' '.join(args)}` failed with exit code {result.returncode}:\n"
                f"{result.stdout}{result.stderr}{self._log_tail()}"
            )
        return result

    def _log_tail(self) -> str:
        try:
            lines = self.log.read_text(errors="replace").splitlines()[-20:]
        except OSError:
            return ""
        return "\nserver log:\n" + "\n".join(lines) if lines else ""

    def prepare(self) -> None:
        self.sockets.mkdir()
        if self.as_root:
            try:
                account = pwd.getpwnam(SERVER_USER)
            except KeyError as exc:
                raise PostgresError(
                    f"Running as root, but there is no `{SERVER_USER}` system user to run the "
                    "server as. Install the postgresql package, which creates it."
                ) from exc
            for path in (self.root, self.sockets):
                os.chown(path, account.pw_uid, account.pw_gid)
            # The postgres user must be able to reach the folder (a TMPDIR under /root won't do).
            probe = subprocess.run(self._command("test", "-w", str(self.root)), check=False)
            if probe.returncode != 0:
                raise PostgresError(
                    f"The `{SERVER_USER}` user cannot write to {self.root}; set TMPDIR to a folder "
                    "it can reach, such as /tmp."
                )

    def initdb(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "--pgdata",
            str(self.data),
            "--username",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.sockets}'",
            "max_connections": "100",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "logging_collector": "off",
            "log_min_messages": "warning",
        }
        # Appending keeps the file's owner; later lines win over the defaults above them.
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# throwaway test cluster: not durable, loopback only\n")
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")

    def start(self) -> None:
        last_error: PostgresError | None = None
        for _attempt in range(5):  # another process may take the free port before we do
            self.port = _free_port()
            try:
                self._run(
                    str(self.bindir / "pg_ctl"),
                    "start",
                    "--pgdata",
                    str(self.data),
                    "--log",
                    str(self.log),
                    "--wait",
                    "--timeout",
                    "60",
                    "-o",
                    f"-p {self.port}",
                )
            except PostgresError as exc:
                last_error = exc
                continue
            self.started = True
            return
        raise last_error or PostgresError("PostgreSQL did not start.")

    def wait_ready(self, timeout: float = 30) -> None:
        """pg_ctl --wait already waited; confirm that TCP connections are accepted."""
        pg_isready = self.bindir / "pg_isready"
        deadline = time.monotonic() + timeout
        while True:
            if pg_isready.exists():
                ready = (
                    subprocess.run(
                        [
                            str(pg_isready),
                            "-q",
                            "-h",
                            "127.0.0.1",
                            "-p",
                            str(self.port),
                            "-U",
                            SUPERUSER,
                            "-d",
                            "postgres",
                        ],
                        env=_clean_env(),
                        check=False,
                    ).returncode
                    == 0
                )
            else:
                try:
                    socket.create_connection(("127.0.0.1", self.port), 1).close()
                    ready = True
                except OSError:
                    ready = False
            if ready:
                return
            if time.monotonic() > deadline:
                raise PostgresError(f"PostgreSQL did not accept connections.{self._log_tail()}")
            time.sleep(0.1)

    def create_database(self) -> None:
        createdb = self.bindir / "createdb"
        if not createdb.exists():
            createdb = Path(shutil.which("createdb") or "createdb")
        result = subprocess.run(
            [str(createdb), "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, DATABASE],
            capture_output=True,
            text=True,
            env=_clean_env(),
            check=False,
        )
        if result.returncode != 0:
            raise PostgresError(f"createdb {DATABASE} failed: {result.stderr.strip()}")

    def stop(self) -> None:
        if self.started:
            try:
                self._run(
                    str(self.bindir / "pg_ctl"),
                    "stop",
                    "--pgdata",
                    str(self.data),
                    "--mode",
                    "fast",
                    "--wait",
                    "--timeout",
                    "30",
                    timeout=60,
                )
            except (PostgresError, subprocess.TimeoutExpired, OSError):
                self._kill_postmaster()
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)

    def _kill_postmaster(self) -> None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.data / "postmaster.pid").read_text().splitlines()[0])
            os.kill(pid, signal.SIGQUIT)  # immediate shutdown; children follow the postmaster
            for _ in range(50):
                os.kill(pid, 0)
                time.sleep(0.1)


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """Turn SIGTERM into SystemExit so that cleanup runs (Ctrl-C already raises)."""
    if sys.platform == "win32" or _is_non_main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _is_non_main_thread() -> bool:
    import threading

    return threading.current_thread() is not threading.main_thread()


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a disposable PostgreSQL server; yield its DATABASE_URL; stop and delete it."""
    bindir = find_server_bindir()
    with _sigterm_as_exit():
        cluster = _Cluster(bindir)
        try:
            cluster.prepare()
            cluster.initdb()
            cluster.start()
            cluster.wait_ready()
            cluster.create_database()
            yield f"postgres://{SUPERUSER}@127.0.0.1:{cluster.port}/{DATABASE}"
        finally:
            # Ignore a second Ctrl-C while we tidy up, so no server is left behind.
            previous = (
                signal.signal(signal.SIGINT, signal.SIG_IGN) if not _is_non_main_thread() else None
            )
            try:
                cluster.stop()
            finally:
                if previous is not None:
                    signal.signal(signal.SIGINT, previous)


def main() -> int:
    try:
        bindir = find_server_bindir()
        print(f"PostgreSQL {server_version(bindir)} from {bindir}", flush=True)
        with throwaway_postgres() as url:
            print(f"DATABASE_URL={url}", flush=True)
            print("Ctrl-C stops the server and deletes its data.", flush=True)
            while True:
                time.sleep(3600)
    except PostgresError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
