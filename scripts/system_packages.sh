#!/usr/bin/env bash
# The Debian system packages that `make test` needs (and `.ci/run`, which calls `make test`):
# the one list of them. `make run` needs none of these beyond Python, Node.js and npm.
#
# Prints nothing and exits 0 when everything is there. Otherwise, as root it installs what is
# missing (running `apt-get update` only then); as anyone else it prints one line to stderr, the
# `apt-get install` command to run, and exits 1 so that no test starts.
#
# What it honours, as the test runner does:
#   DATABASE_URL or PASSPORT_PG_BINDIR   the PostgreSQL server package is not needed
#   PASSPORT_CHROMIUM                    another browser: Debian's chromium is not needed
#   PASSPORT_ALLOW_NO_BROWSER=1          browser tests are skipped: chromium and fonts not needed
#   PYTHON                               the interpreter `make` builds the virtualenv with
# and, for its own tests (tests/test_system_packages.py):
#   PASSPORT_SYSTEM_ROOT                 prefix for the files it looks for (default: /)
#   PASSPORT_SYSTEM_PACKAGES_AS_USER=1   behave as when not root: never install
set -euo pipefail

root="${PASSPORT_SYSTEM_ROOT:-}"
root="${root%/}"
python="${PYTHON:-python3}"

have_command() { command -v "$1" >/dev/null 2>&1; }

missing_packages() {
    missing=()
    # PostgreSQL server binaries: the tests start a throwaway server of their own, so the system
    # cluster that the package may create and start is not used.
    if [[ -z ${DATABASE_URL:-} && -z ${PASSPORT_PG_BINDIR:-} ]]; then
        compgen -G "$root/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
    fi
    if [[ ${PASSPORT_ALLOW_NO_BROWSER:-} != 1 ]]; then
        # Debian's Chromium for the Playwright journeys (Playwright cannot download browsers).
        if [[ -z ${PASSPORT_CHROMIUM:-} ]]; then
            [[ -x $root/usr/bin/chromium ]] || missing+=(chromium)
        fi
        # Fonts, so that pages render (and axe measures colour contrast) with real text metrics.
        [[ -e $root/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)
    fi
    # Pango and HarfBuzz for WeasyPrint, which renders the passport and plan PDFs (PDF/UA). The
    # PDF tests need them; `make run` works without them (a PDF download then explains why not).
    lib="$root/usr/lib/x86_64-linux-gnu"
    [[ -e $lib/libpango-1.0.so.0 ]] || missing+=(libpango-1.0-0)
    [[ -e $lib/libpangoft2-1.0.so.0 ]] || missing+=(libpangoft2-1.0-0)
    [[ -e $lib/libharfbuzz-subset.so.0 ]] || missing+=(libharfbuzz-subset0)
    have_command make || missing+=(make)
    have_command git || missing+=(git)
    have_command node || missing+=(nodejs)
    have_command npm || missing+=(npm)
    # As root the throwaway PostgreSQL server runs as the postgres user through runuser.
    have_command runuser || missing+=(util-linux)
    # The virtualenv `make` builds.
    "$python" -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
    return 0
}

missing_packages
((${#missing[@]})) || exit 0

if [[ $EUID -ne 0 || ${PASSPORT_SYSTEM_PACKAGES_AS_USER:-} == 1 ]]; then
    echo "Missing system packages: ${missing[*]}. Run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null

missing_packages
if ((${#missing[@]})); then
    echo "Still missing after apt-get install: ${missing[*]}" >&2
    exit 1
fi
