"""Signed-in sessions for the load driver, and the September wave timing.

Staff sign in with a password and a code from an authenticator app. A load driver cannot type
codes, so the benchmark writes each bench user's session straight into Django's session table
with exactly what a real sign-in leaves there: the user, the backend, the password hash digest,
the django-otp device that "verified" the code (a confirmed TOTP device created for the bench
user) and the session clock. Requests then pass every check a real session passes (OTPMiddleware
loads the device; SessionRules checks the clock and live roles) - nothing in the app is switched
off. This is refused in production settings: it is for the benchmark's throwaway database only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from passport.access.policies import visible_children
from passport.benchmarking.generator import BENCH_EMAIL_DOMAIN, school_year_start, september
from passport.children.models import Enrolment
from passport.core.dates import today
from passport.core.safety import refuse_in_production as _refuse_in_production
from passport.organisations.models import Setting
from passport.people.middleware import SEEN_AT, SIGNED_IN_AT
from passport.people.models import Membership, Role, User

# Settings the generator made: URN_BASE (2,000,000) plus the setting id, 7 digits.
BENCH_URN = r"^2[0-9]{6}$"


def refuse_in_production() -> None:
    _refuse_in_production("bench", "writes made-up children and sessions no real user made")


def signed_in_session(user: User) -> str:
    """Return the key of a session signed in as `user` with the second factor done."""
    refuse_in_production()
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(
        user=user, name="Benchmark authenticator", confirmed=True
    )
    session = SessionStore()
    now = int(time.time())
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now
    session.create()
    return str(session.session_key)


def bench_sessions(
    *, sencos: int, caseworkers: int, children_each: int = 200, seed: int = 1
) -> dict[str, Any]:
    """Sign in SENCOs (each with children on their own roll, found through the access policy)
    and LA caseworkers; return what the load driver needs."""
    refuse_in_production()
    rng = random.Random(seed)  # noqa: S311 - picking benchmark users
    senco_ids = list(
        Membership.objects.filter(
            role=Role.SENCO,
            user__email__endswith=f"@{BENCH_EMAIL_DOMAIN}",
            setting__kind__in=["primary", "secondary", "special"],
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    chosen = sorted(rng.sample(senco_ids, min(sencos, len(senco_ids))))
    result: dict[str, Any] = {"sencos": [], "caseworkers": []}
    for user in User.objects.filter(pk__in=chosen).order_by("pk"):
        children = list(
            visible_children(user)
            .filter(passport__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)[:children_each]
        )
        if children:
            result["sencos"].append(
                {"user": user.pk, "session": signed_in_session(user), "children": children}
            )
    worker_ids = list(
        Membership.objects.filter(
            role=Role.LA_CASEWORKER, user__email__endswith=f"@{BENCH_EMAIL_DOMAIN}"
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    for user in User.objects.filter(
        pk__in=sorted(rng.sample(worker_ids, min(caseworkers, len(worker_ids))))
    ).order_by("pk"):
        result["caseworkers"].append({"user": user.pk, "session": signed_in_session(user)})
    result["paths"] = _paths()
    return result


def _paths() -> dict[str, str]:
    """The pages the load driver asks for, by URL name; pages not built yet are left out."""
    from django.urls import NoReverseMatch, reverse

    paths = {}
    for key, name, args in (
        ("passport", "passport", [987654321]),
        ("children", "children", []),
        ("overdue", "overdue-confirmations", []),
        ("ehcp_dashboard", "ehcp-dashboard", []),
    ):
        try:
            paths[key] = reverse(name, args=args).replace("987654321", "{id}")
        except NoReverseMatch:
            continue
    paths["api_passport"] = "/api/children/{id}/passport"
    return paths


def september_wave(children: int, *, seed: int = 1) -> dict[str, Any]:
    """Admit `children` children to another setting in their LA next September through
    `passport september_wave` (the command's own code path), and time it."""
    refuse_in_production()
    rng = random.Random(seed)  # noqa: S311
    on = today()
    starts_on = september(school_year_start(on) + 1)
    if starts_on - on > dt.timedelta(days=366):
        starts_on = september(school_year_start(on))
    by_la: dict[int, list[str]] = {}
    for la_id, urn in Setting.objects.filter(urn__regex=BENCH_URN).values_list(
        "local_authority_id", "urn"
    ):
        by_la.setdefault(la_id, []).append(urn)
    rows = []
    enrolments = (
        Enrolment.objects.live_on(on)
        .filter(child__upn__isnull=False, setting__urn__regex=BENCH_URN)
        .values_list("child__upn", "setting__urn", "setting__local_authority_id")
        .order_by("child_id")
    )
    # Every k-th child on roll, so the wave is spread over the country, not one setting.
    total = enrolments.count()
    step = max(1, total // max(1, children))
    for upn, urn, la_id in _every(enrolments, step, children):
        choices = [u for u in by_la.get(la_id, []) if u != urn]
        if choices:
            rows.append((upn, rng.choice(choices), starts_on.isoformat()))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wave.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["upn", "urn", "start_date"])
            writer.writerows(rows)
        output = io.StringIO()
        started = time.perf_counter()
        refused = False
        try:
            call_command("september_wave", str(path), stdout=output)
        except SystemExit:
            refused = True
        seconds = time.perf_counter() - started
    rate = len(rows) / seconds if seconds else 0.0
    return {
        "admissions": len(rows),
        "seconds": round(seconds, 2),
        "per_second": round(rate, 1),
        "extrapolated_115000_seconds": round(115_000 / rate, 0) if rate else None,
        "refused_rows": refused,
        "summary": output.getvalue().strip().splitlines()[:3],
    }


def _every(queryset: Any, step: int, limit: int) -> list[tuple[str, str, int]]:
    """Every `step`-th row of a queryset, at most `limit`, read in chunks."""
    picked: list[tuple[str, str, int]] = []
    for index, row in enumerate(queryset.iterator(chunk_size=5000)):
        if index % step == 0:
            picked.append(row)
            if len(picked) >= limit:
                break
    return picked
