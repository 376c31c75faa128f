"""Ids are never given twice: every SQLite table with an integer id gets AUTOINCREMENT.

Without it SQLite hands out ``max(id) + 1``: delete reseller 2 (the newest) and the
next reseller is reseller 2 again, and the audit log mixes two resellers' histories
under ``reseller:2``. With AUTOINCREMENT SQLite remembers the largest id ever given
(``sqlite_sequence``) and never goes below it. PostgreSQL's sequences never went back:
nothing changes there.

SQLite cannot add AUTOINCREMENT to a table; the table is made again as SQLite's
documentation prescribes for such changes (new table, copy, drop, rename), from its
own ``CREATE TABLE`` text with the id column's clause changed, and its indexes made
again from their own text, so that nothing else of the table changes (partial indexes
included). Foreign keys are off while migrating (``env.py``) and checked before commit.

Ids deleted before this revision, above the largest id left, may be given once more;
from this revision on, none is.

Revision ID: 0010_ids_never_reused
Revises: 0009_audit_chain
Create Date: 2026-12-01
"""

from __future__ import annotations

import re

from alembic import op

from studio.crash_points import crash_point

revision = "0010_ids_never_reused"
down_revision = "0009_audit_chain"
branch_labels = None
depends_on = None

#: ``id INTEGER NOT NULL`` as SQLAlchemy writes it, and the table's separate primary key
#: (named by the naming convention, ``CONSTRAINT pk_addon PRIMARY KEY (id)``).
_ID_COLUMN = re.compile(r"\bid INTEGER NOT NULL(?=,)")
_PRIMARY_KEY = re.compile(r",\s*(CONSTRAINT (\w+) )?PRIMARY KEY \(id\)")


def with_autoincrement(create_table: str) -> str | None:
    """The ``CREATE TABLE`` text with its id as ``INTEGER … PRIMARY KEY AUTOINCREMENT``
    (the primary key keeping its name), or None when the table has no such id (another
    primary key) or has it already."""
    if "AUTOINCREMENT" in create_table.upper():
        return None
    key = _PRIMARY_KEY.search(create_table)
    if key is None or not _ID_COLUMN.search(create_table):
        return None
    named = f"CONSTRAINT {key.group(2)} " if key.group(2) else ""
    column = f"id INTEGER NOT NULL {named}PRIMARY KEY AUTOINCREMENT"
    changed = _ID_COLUMN.sub(column, create_table, count=1)
    return _PRIMARY_KEY.sub("", changed, count=1)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    tables = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version' ORDER BY name"
    ).all()
    for name, create_table in tables:
        changed = with_autoincrement(create_table)
        if changed is None:
            continue
        indexes = [
            sql
            for (sql,) in connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL",
                (name,),
            )
        ]
        made = re.sub(
            rf'^CREATE TABLE ("?){re.escape(name)}\1', f'CREATE TABLE "_new_{name}"', changed
        )
        connection.exec_driver_sql(made)
        connection.exec_driver_sql(f'INSERT INTO "_new_{name}" SELECT * FROM "{name}"')
        connection.exec_driver_sql(f'DROP TABLE "{name}"')
        connection.exec_driver_sql(f'ALTER TABLE "_new_{name}" RENAME TO "{name}"')
        for sql in indexes:
            connection.exec_driver_sql(sql)
        crash_point("migration.mid-way")


def downgrade() -> None:
    """Nothing to undo that matters: AUTOINCREMENT only stops ids being given twice."""
