"""Where generated rows go: PostgreSQL COPY, SQLite executemany, or a digest for tests.

Rows are dicts keyed by the model's attribute names (`child_id`, not `child`). Columns the
generator does not name take the field's default, so a field another room adds with a default
does not break the generator; a new required field without one stops it with a clear message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction

Row = dict[str, Any]


class MissingColumn(RuntimeError):
    """A model gained a required field the generator does not fill."""


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


class Layout:
    """How one model's rows become tuples for its table."""

    def __init__(self, model: type[models.Model], vendor: str) -> None:
        self.model = model
        self.table = model._meta.db_table
        fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in fields]
        self.columns = [str(f.column) for f in fields]
        self.defaults: dict[str, Any] = {}
        self.required: set[str] = set()
        converters: list[Callable[[Any], Any] | None] = []
        for f in fields:
            if f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null or f.primary_key:
                self.defaults[f.attname] = None
            elif f.blank and f.empty_strings_allowed:
                self.defaults[f.attname] = ""
            else:
                self.required.add(f.attname)
            if isinstance(f, models.JSONField):
                converters.append(_json)
            elif vendor == "sqlite" and isinstance(f, models.DateTimeField):
                converters.append(_sqlite_datetime)
            elif vendor == "sqlite" and isinstance(f, models.DateField):
                converters.append(lambda d: d.isoformat() if d is not None else None)
            elif vendor == "sqlite" and isinstance(f, models.BooleanField):
                converters.append(lambda b: None if b is None else int(b))
            else:
                converters.append(None)
        self.pairs = [(name, self.defaults.get(name)) for name in self.attnames]
        self.converting = [(i, c) for i, c in enumerate(converters) if c is not None]
        self.checked = False

    def check(self, row: Row) -> None:
        missing = self.required - row.keys()
        if missing:
            raise MissingColumn(
                f"{self.model.__name__} has required field(s) {', '.join(sorted(missing))} that "
                "the benchmark generator does not fill: teach passport/benchmarking/generator.py"
            )
        self.checked = True

    def to_tuple(self, row: Row) -> tuple[Any, ...]:
        get = row.get
        values = [get(name, default) for name, default in self.pairs]
        for index, convert in self.converting:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        return tuple(values)


class Sink:
    """Collects rows per model and writes them when `flush` is called."""

    vendor = "memory"

    def __init__(self) -> None:
        self.pending: dict[type[models.Model], list[Row]] = {}
        self.counts: Counter[str] = Counter()
        self.layouts: dict[type[models.Model], Layout] = {}

    def layout(self, model: type[models.Model]) -> Layout:
        if model not in self.layouts:
            self.layouts[model] = Layout(model, self.vendor)
        return self.layouts[model]

    def add(self, model: type[models.Model], row: Row) -> None:
        self.pending.setdefault(model, []).append(row)

    def flush(self, after: Callable[[], None] | None = None) -> None:
        """Write what is pending, in the order models were first added (parents first)."""
        with self.batch():
            for model, rows in self.pending.items():
                if not rows:
                    continue
                layout = self.layout(model)
                if not layout.checked:
                    layout.check(rows[0])
                self.write(layout, (layout.to_tuple(r) for r in rows))
                self.counts[layout.table] += len(rows)
                rows.clear()
            if after is not None:
                after()

    def batch(self) -> Any:
        return transaction.atomic()

    def write(self, layout: Layout, rows: Iterable[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Reset sequences after explicit ids."""


class DigestSink(Sink):
    """Writes nothing: a SHA-256 over every row, to show one seed gives the same rows."""

    def __init__(self) -> None:
        super().__init__()
        self.digest = hashlib.sha256()

    def batch(self) -> Any:
        import contextlib

        return contextlib.nullcontext()

    def write(self, layout: Layout, rows: Iterable[tuple[Any, ...]]) -> None:
        self.digest.update(layout.table.encode())
        for row in rows:
            self.digest.update(repr(row).encode())


class DatabaseSink(Sink):
    """COPY on PostgreSQL (psycopg 3 `cursor.copy()`), executemany in batches on SQLite."""

    def __init__(self) -> None:
        super().__init__()
        self.vendor = connection.vendor

    def write(self, layout: Layout, rows: Iterable[tuple[Any, ...]]) -> None:
        columns = ", ".join(connection.ops.quote_name(c) for c in layout.columns)
        table = connection.ops.quote_name(layout.table)
        if self.vendor == "postgresql":
            connection.ensure_connection()
            raw = connection.connection
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(layout.columns))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            with connection.cursor() as cursor:
                cursor.executemany(sql, list(rows))

    def finish(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.layouts))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


def next_ids(models_: Iterable[type[models.Model]]) -> dict[type[models.Model], int]:
    """Return the first free primary key of each model's table."""
    found = {}
    for model in models_:
        pk = model._meta.pk.attname
        top = model._default_manager.aggregate(top=models.Max(pk))["top"]
        found[model] = (top or 0) + 1
    return found


def database_size() -> int:
    """Return the database's size in bytes."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
        else:
            cursor.execute(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            )
        return int(cursor.fetchone()[0])
