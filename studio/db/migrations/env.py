"""Alembic environment: runs migrations on the engine the studio hands over.

The studio passes its engine in ``config.attributes["engine"]``; no URL lives in an
ini file. SQLite schema changes use batch mode (``render_as_batch``), which copies a
table and drops the old one: with foreign keys on (every studio connection has them
on), dropping a table that others reference deletes-and-checks every row and fails.
So on SQLite, as SQLite's own documentation for table changes prescribes, foreign keys
are off while migrating and ``PRAGMA foreign_key_check`` must find nothing before the
migration commits; they are on again before the connection goes back to the pool.

A migration is one transaction, all or nothing, on SQLite too: Python's ``sqlite3``
opens a transaction only before INSERT, UPDATE or DELETE, and runs CREATE, ALTER and
DROP as their own commits, so a migration that failed (or a studio killed) half-way left
a schema that was neither revision. ``BEGIN IMMEDIATE`` first puts every statement of
the migration in one transaction that SQLite rolls back whole.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from studio.db.models import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - misuse from the alembic CLI
    raise RuntimeError("run migrations through studio.db.migrate, which supplies the engine")

sqlite = engine.dialect.name == "sqlite"
with engine.connect() as connection:
    if sqlite:  # outside any transaction, or SQLite ignores it
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        connection.commit()
    try:
        with connection.begin():
            if sqlite:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            elif connection.dialect.name == "postgresql":
                # A migration waits for the locks it needs and takes the time it takes.
                connection.exec_driver_sql("SET LOCAL lock_timeout = 0")
                connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=True,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:  # rolls the whole migration back
                    raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            connection.commit()
