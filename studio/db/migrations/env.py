"""Alembic environment: runs migrations on the engine the studio hands over.

The studio passes its engine in ``config.attributes["engine"]``; no URL lives in an
ini file. SQLite schema changes use batch mode (``render_as_batch``).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from studio.db.models import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - misuse from the alembic CLI
    raise RuntimeError("run migrations through studio.db.migrate, which supplies the engine")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
