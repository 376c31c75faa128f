"""Use case of ``db check``: which stored text breaks the text rule, row by row.

The text rule (:func:`studio.domain.validation.text_problem`) keeps bad text out from
now on; rows written before it (a lone surrogate in a department's signature, a bidi
override in a name) stay as they were. This finds them so an administrator can correct
them in the studio: a report, read-only, never a migration. Columns of a bounded length
(``String(n)``) are one-line fields; ``Text`` and JSON columns may hold tab and newline.
JSON columns are read value by value, keys included.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, String, Table, select

from studio.context import Studio
from studio.db.models import Base
from studio.domain.actors import Actor, Permission
from studio.domain.validation import text_problem


@dataclass(frozen=True)
class StoredTextProblem:
    """One stored value the text rule would refuse today."""

    table: str
    row_id: str
    column: str
    message: str


def _texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every string inside a JSON value, with where it is (``[0].signature``)."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{where}.{key}", str(key)
            yield from _texts(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{where}[{index}]")


def _problem(column: Column[Any], value: str) -> str | None:
    one_line = isinstance(column.type, String) and column.type.length is not None
    if problem := text_problem(value, multiline=not one_line):
        return problem
    length = getattr(column.type, "length", None)
    if length is not None and len(value) > length:
        return f"is {len(value)} characters, longer than its column ({length})"
    return None


def _table_problems(session: Any, table: Table) -> Iterator[StoredTextProblem]:
    keys = list(table.primary_key.columns)
    texts = [c for c in table.columns if isinstance(c.type, String | JSON) and c not in keys]
    if not keys or not texts:
        return
    for row in session.execute(select(*keys, *texts).order_by(*keys)):
        row_id = ",".join(str(row[i]) for i in range(len(keys)))
        for position, column in enumerate(texts, start=len(keys)):
            value = row[position]
            if value is None:
                continue
            found = _texts(value, column.name) if isinstance(column.type, JSON) else None
            for where, text in found or [(column.name, value)]:
                if isinstance(text, str) and (message := _problem(column, text)):
                    yield StoredTextProblem(table.name, row_id, where, message)


def check_stored_text(studio: Studio, actor: Actor) -> list[StoredTextProblem]:
    """Every stored text value the text rule refuses, by table, row id and column."""
    actor.require(Permission.VIEW_CONFIGURATION)
    problems: list[StoredTextProblem] = []
    with studio.unit_of_work() as session:
        for table in Base.metadata.sorted_tables:
            problems.extend(_table_problems(session, table))
    return problems
