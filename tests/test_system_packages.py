"""scripts/system_packages.sh, which `make test` and `.ci/run` run before anything else: without
root it names every missing package in one `apt-get install` line and fails, so no test starts.

The script runs against an empty folder (PASSPORT_SYSTEM_ROOT) with a PATH holding only the
commands each test puts there, told to behave as when not root: it installs nothing. The only
`apt-get` and `sudo` it could find are stubs that leave a mark if they are ever run.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "system_packages.sh"
BASH = shutil.which("bash") or "/bin/bash"

ALL = [
    "postgresql",
    "chromium",
    "fonts-dejavu-core",
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "make",
    "git",
    "nodejs",
    "npm",
    "util-linux",
    "python3-venv",
]
# What each package puts where the script looks: a file under the root, or a command on PATH.
FILES = {
    "postgresql": "usr/lib/postgresql/15/bin/initdb",
    "chromium": "usr/bin/chromium",
    "fonts-dejavu-core": "usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "libpango-1.0-0": "usr/lib/x86_64-linux-gnu/libpango-1.0.so.0",
    "libpangoft2-1.0-0": "usr/lib/x86_64-linux-gnu/libpangoft2-1.0.so.0",
    "libharfbuzz-subset0": "usr/lib/x86_64-linux-gnu/libharfbuzz-subset.so.0",
}
COMMANDS = {
    "make": "make",
    "git": "git",
    "nodejs": "node",
    "npm": "npm",
    "util-linux": "runuser",
    "python3-venv": "python3",  # a stub that exits 0: `import venv, ensurepip` works
}


def executable(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def run_script(tmp_path: Path, present: set[str]) -> subprocess.CompletedProcess[str]:
    root, bin_dir, marker = tmp_path / "root", tmp_path / "bin", tmp_path / "apt-get-was-run"
    root.mkdir()
    bin_dir.mkdir()
    for name in ("apt-get", "sudo"):
        executable(bin_dir / name, f'echo "{name} $*" >> "{marker}"; exit 1')
    for package in present:
        if package in FILES:
            executable(root / FILES[package], "exit 0")
        else:
            executable(bin_dir / COMMANDS[package], "exit 0")
    env = {
        "PATH": str(bin_dir),
        "PASSPORT_SYSTEM_ROOT": str(root),
        "PASSPORT_SYSTEM_PACKAGES_AS_USER": "1",
        "PYTHON": "python3",
    }
    result = subprocess.run(
        [BASH, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert not marker.exists(), f"the script ran {marker.read_text()!r}"
    return result


def test_nothing_installed_names_every_package_in_one_apt_get_line(tmp_path) -> None:
    result = run_script(tmp_path, present=set())

    assert result.returncode != 0
    assert result.stdout == ""
    names = " ".join(ALL)
    assert result.stderr.splitlines() == [
        f"Missing system packages: {names}. Run: sudo apt-get install -y {names}"
    ]


@pytest.mark.parametrize("absent", [["chromium", "postgresql"], ["python3-venv"], ["npm"]])
def test_only_what_is_missing_is_named(tmp_path, absent) -> None:
    result = run_script(tmp_path, present=set(ALL) - set(absent))

    assert result.returncode != 0
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    wanted = [package for package in ALL if package in absent]
    assert line.endswith(". Run: sudo apt-get install -y " + " ".join(wanted))
    assert line.split(". Run: ")[0].removeprefix("Missing system packages: ").split() == wanted


def test_everything_installed_says_nothing_and_succeeds(tmp_path) -> None:
    result = run_script(tmp_path, present=set(ALL))

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
