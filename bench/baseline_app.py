"""The benchmark's baseline: a bare WSGI app that reads a passport's rows with raw SQL.

    gunicorn --pythonpath bench baseline_app:application   (DATABASE_URL names the database)

GET /passport/<child id> answers HTML and /api/passport/<child id> JSON, built from the same
rows the passport page and the API read (the child, the passport, ranked needs, what works,
support in place, outcomes, reviews, the current layer, About me contributions), with no
authorisation, no audit row, no session, no templates and no framework. What the real app costs
above this is what access decisions, the audit trail, Django and Jinja2 cost. One connection per
worker process, opened on first use, as Django's persistent connections do.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
from collections.abc import Callable, Iterable
from typing import Any

import psycopg

ROUTE = re.compile(r"^/(api/)?passport/(\d+)/?$")

QUERIES = {
    "child": "SELECT id, given_name, family_name, preferred_name, date_of_birth, upn "
    "FROM children_child WHERE id = %s",
    "passport": "SELECT id, version, liked_about_me, matters_to_me, how_to_support_me, "
    "sen_provision, broad_areas, needs_description, updated_at FROM passports_passport "
    "WHERE child_id = %s",
    "needs": "SELECT need_type, rank FROM passports_rankedneed WHERE passport_id = %s ORDER BY rank",
    "what_works": "SELECT kind, description FROM passports_strategy WHERE passport_id = %s "
    "ORDER BY created_at, id",
    "support": "SELECT description, intended_outcome, delivered_by, group_size, "
    "minutes_per_session, sessions_per_period, period, starts_on, ends_on, layer, rationale "
    "FROM passports_supportitem WHERE passport_id = %s AND starts_on <= %s "
    "AND (ends_on IS NULL OR ends_on >= %s) ORDER BY starts_on, id",
    "outcomes": "SELECT description, target_date, progress, progress_notes FROM passports_outcome "
    "WHERE passport_id = %s ORDER BY target_date, id",
    "reviews": "SELECT held_on, participants, child_views, parent_views, progress_summary, "
    "decision, next_review_on FROM passports_review WHERE passport_id = %s "
    "ORDER BY held_on DESC, id DESC",
    "layer": "SELECT layer, starts_on, reason FROM passports_layerassignment "
    "WHERE passport_id = %s ORDER BY starts_on DESC, id DESC LIMIT 1",
    "contributions": "SELECT voice, text, created_at FROM passports_aboutmecontribution "
    "WHERE passport_id = %s ORDER BY created_at, id",
}

_connection: psycopg.Connection[Any] | None = None


def connection() -> psycopg.Connection[Any]:
    global _connection
    if _connection is None or _connection.closed:
        url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
        _connection = psycopg.connect(url, autocommit=True)
    return _connection


def rows(cursor: psycopg.Cursor[Any], name: str, *params: Any) -> list[dict[str, Any]]:
    cursor.execute(QUERIES[name], params)
    columns = [c.name for c in cursor.description or ()]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def read_passport(child_id: int) -> dict[str, Any] | None:
    today = dt.date.today()
    with connection().cursor() as cursor:
        child = rows(cursor, "child", child_id)
        passport = rows(cursor, "passport", child_id)
        if not child or not passport:
            return None
        pid = passport[0]["id"]
        return {
            "child": child[0],
            "passport": passport[0],
            "needs": rows(cursor, "needs", pid),
            "what_works": rows(cursor, "what_works", pid),
            "support": rows(cursor, "support", pid, today, today),
            "outcomes": rows(cursor, "outcomes", pid),
            "reviews": rows(cursor, "reviews", pid),
            "layer": (rows(cursor, "layer", pid) or [None])[0],
            "contributions": rows(cursor, "contributions", pid),
        }


def as_html(data: dict[str, Any]) -> str:
    e = html.escape
    child, passport = data["child"], data["passport"]
    parts = [
        "<!doctype html><html lang=en><title>Support passport</title><main>",
        f"<h1>{e(child['given_name'])} {e(child['family_name'])}</h1>",
        f"<p>Born {child['date_of_birth']:%-d %B %Y}. UPN {e(child['upn'] or '')}</p>",
        f"<h2>About me</h2><p>{e(passport['liked_about_me'])}</p><p>{e(passport['matters_to_me'])}</p>"
        f"<p>{e(passport['how_to_support_me'])}</p>",
        f"<h2>My needs</h2><p>{e(passport['needs_description'])}</p><ul>",
        *(f"<li>{e(n['need_type'])} ({n['rank']})</li>" for n in data["needs"]),
        "</ul><h2>What works</h2><ul>",
        *(f"<li>{e(s['description'])}</li>" for s in data["what_works"]),
        "</ul><h2>Support in place</h2><table>",
        *(
            f"<tr><td>{e(s['description'])}</td><td>{e(s['intended_outcome'])}</td>"
            f"<td>{e(s['delivered_by'])}</td><td>{s['minutes_per_session']} minutes, "
            f"{s['sessions_per_period']} a {e(s['period'])}</td></tr>"
            for s in data["support"]
        ),
        "</table><h2>Outcomes</h2><ul>",
        *(f"<li>{e(o['description'])}: {e(o['progress'])}</li>" for o in data["outcomes"]),
        "</ul><h2>Reviews</h2>",
        *(
            f"<h3>{r['held_on']:%-d %B %Y}</h3><p>{e(r['participants'])}</p><p>{e(r['child_views'])}</p>"
            f"<p>{e(r['parent_views'])}</p><p>{e(r['progress_summary'])}</p>"
            for r in data["reviews"]
        ),
        "</main></html>",
    ]
    return "".join(parts)


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    match = ROUTE.match(environ.get("PATH_INFO", ""))
    data = read_passport(int(match.group(2))) if match else None
    if data is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    if match and match.group(1):
        body = json.dumps(data, default=str).encode()
        content_type = "application/json"
    else:
        body = as_html(data).encode()
        content_type = "text/html; charset=utf-8"
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
