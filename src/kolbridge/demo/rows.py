"""Fast writing of generated demo rows, shared by the KOL and the engagement generators.

At demo scale the per-record services would take hours, and even ``bulk_create`` spends most
of its time building model instances and compiling SQL per row. The generators build plain
tuples that are valid by construction and write them here with one statement per chunk.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max, Model

Row = tuple[Any, ...]
# Who the audit entries of seeded records name as their author.
SEED_ACTOR_LABEL = "system (demo seed)"


class RowWriter:
    """Inserts generated rows of one table with one statement per chunk.

    Only the values whose database form differs by backend (datetimes, dates, JSON) go
    through Django's adapters.
    """

    def __init__(
        self,
        model: type[Model],
        fields: Sequence[str],
        adapt_datetime: Callable[[datetime], Any],
    ) -> None:
        meta = model._meta
        columns = [meta.get_field(name) for name in fields]
        self.adapters: list[Callable[[Any], Any] | None] = []
        for column in columns:
            # DateTimeField is a DateField: test it first.
            if isinstance(column, models.DateTimeField):
                self.adapters.append(adapt_datetime)
            elif isinstance(column, models.DateField):
                self.adapters.append(connection.ops.adapt_datefield_value)
            elif isinstance(column, models.JSONField):
                self.adapters.append(partial(column.get_db_prep_save, connection=connection))
            else:
                self.adapters.append(None)
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        names = ", ".join(quote(getattr(c, "column", c.name)) for c in columns)
        placeholders = ", ".join(["%s"] * len(columns))
        # Table and column names come from the models, never from input; values are parameters.
        self.insert_sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({names}) FROM STDIN"

    def write(self, rows: list[Row]) -> None:
        if not rows:
            return
        adapters = self.adapters
        params = [
            tuple(v if adapt is None else adapt(v) for adapt, v in zip(adapters, row, strict=True))
            for row in rows
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # psycopg's executemany costs a round trip per row; COPY streams them all.
                with cursor.copy(self.copy_sql) as copy:
                    for row in params:
                        copy.write_row(row)
            else:
                cursor.executemany(self.insert_sql, params)


class IdSequence:
    """Primary keys handed out by the generator, for rows that other rows point at.

    ``RowWriter`` returns no keys, so the generator numbers such rows itself, from one past
    the largest key in the table. ``reset`` then moves PostgreSQL's identity sequences past
    them (SQLite's AUTOINCREMENT follows explicit keys by itself).
    """

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.next = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value

    @staticmethod
    def reset(sequences: Sequence[IdSequence]) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), [s.model for s in sequences])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def working_time(rng: random.Random, moment: datetime) -> datetime:
    """The same day at a plausible working hour, so timelines do not all read 00:00.

    Always a quarter hour from 07:00 to 18:45: few distinct values, so each one's database
    form is worth caching (see ``RowWriter``'s ``adapt_datetime``).
    """
    slot = rng.randrange(48)
    return moment.replace(hour=7 + slot // 4, minute=15 * (slot % 4), second=0, microsecond=0)
