"""Alembic migrations, run from code: at start-up, by ``db upgrade`` and by the self-test.

The migration scripts live in ``studio/db/migrations`` (also bundled into the frozen
build). The database's revision is read with one plain query and compared with the
revisions this studio knows (:mod:`studio.db.revisions`): at head, Alembic is not even
imported; from a newer studio, the database is refused and left untouched; otherwise
Alembic upgrades it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError

from studio.db import revisions
from studio.db.engine import database_reason, mask_url, sqlite_file
from studio.errors import (
    DatabaseError,
    EmptyDatabaseError,
    ForeignDatabaseError,
    NotADatabaseError,
    SchemaTooNewError,
)

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class SchemaState:
    """Where a database's schema stands against what this studio knows."""

    current: str | None
    head: str

    @property
    def at_head(self) -> bool:
        """True when no migration is pending."""
        return self.current == self.head


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration bound to ``engine`` (no ini file involved)."""
    from alembic.config import Config  # start-up

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes["engine"] = engine
    return config


def _translate(engine: Engine, exc: Exception) -> DatabaseError:
    path = sqlite_file(engine.url)
    message = str(exc).lower()
    if path is not None and ("not a database" in message or "file is encrypted" in message):
        return NotADatabaseError(path)
    return DatabaseError(f"cannot open the database {mask_url(engine.url)}: {database_reason(exc)}")


def schema_state(engine: Engine) -> SchemaState:
    """Read the database's revision, changing nothing.

    Raises:
        ForeignDatabaseError: the database holds tables but no studio revision.
    """
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if VERSION_TABLE not in tables:
                if tables:
                    raise ForeignDatabaseError(mask_url(engine.url), sorted(tables))
                return SchemaState(current=None, head=revisions.HEAD)
            current = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    except (OperationalError, SADatabaseError) as exc:
        raise _translate(engine, exc) from None
    return SchemaState(current=current, head=revisions.HEAD)


def _use_wal(engine: Engine) -> None:
    """Switch a recognised SQLite file to WAL (persistent; readers never wait)."""
    if sqlite_file(engine.url) is None:
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode = WAL")


def upgrade(engine: Engine, *, new: bool = False) -> SchemaState:
    """Bring the schema to this studio's head; refuse a newer one.

    An SQLite file holding no table at all is refused unless ``new`` (the file
    :mod:`studio.db.first_run` builds): only a missing file starts a new installation.
    A database server's empty database is a new installation (its administrator made it
    for the studio).

    Returns:
        The state after the upgrade.

    Raises:
        EmptyDatabaseError: an existing SQLite file with no table in it.
        SchemaTooNewError: the database carries a revision this studio does not know.
        DatabaseError: the database cannot be opened (with the reason).
    """
    state = schema_state(engine)
    path = sqlite_file(engine.url)
    if state.current is None and path is not None and not new:
        raise EmptyDatabaseError(path)
    if state.current is not None and state.current not in revisions.KNOWN:
        raise SchemaTooNewError(state.current, state.head)
    try:
        _use_wal(engine)
    except (OperationalError, SADatabaseError) as exc:
        raise _translate(engine, exc) from None
    if state.at_head:
        return state
    from alembic import command  # start-up

    try:
        command.upgrade(alembic_config(engine), "head")
    except (OperationalError, SADatabaseError) as exc:
        raise _translate(engine, exc) from None
    return schema_state(engine)
