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
from studio.db.engine import APPLICATION_NAME, database_reason, mask_url, sqlite_file
from studio.errors import (
    DatabaseError,
    EmptyDatabaseError,
    ForeignDatabaseError,
    NotADatabaseError,
    SchemaBehindError,
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


#: The key of the PostgreSQL advisory lock held while a studio creates or upgrades a
#: shared schema ("MPSCHEMA" in ASCII): a second studio waits, then reads the result.
SCHEMA_LOCK = 0x4D50534348454D41


def upgrade(engine: Engine, *, new: bool = False, shared: bool = False) -> SchemaState:
    """Bring the schema to this studio's head; refuse a newer one.

    An SQLite file holding no table at all is refused unless ``new`` (the file
    :mod:`studio.db.first_run` builds): only a missing file starts a new installation.
    A database server's empty database is a new installation (its administrator made it
    for the studio). A database server's older schema is upgraded only when ``shared``
    (``db upgrade``): the studios of other administrators run on it, and a studio
    starting must not change it under them.

    Returns:
        The state after the upgrade.

    Raises:
        EmptyDatabaseError: an existing SQLite file with no table in it.
        SchemaTooNewError: the database carries a revision this studio does not know.
        SchemaBehindError: a database server's schema is older and ``shared`` is false.
        DatabaseError: the database cannot be opened (with the reason).
    """
    if engine.dialect.name == "postgresql":
        return _upgrade_server(engine, shared=shared)
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


def _upgrade_server(engine: Engine, *, shared: bool) -> SchemaState:
    """A PostgreSQL schema, created or upgraded under an advisory lock so that studios
    starting at once on an empty database build it once (the others wait, then read it).
    The lock is a session lock on a connection outside any transaction, so the server's
    idle-in-transaction timeout never ends it during a long migration."""
    state = schema_state(engine)
    if state.at_head:  # the common case: no lock, one query
        return state
    try:
        guard = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    except (OperationalError, SADatabaseError) as exc:
        raise _translate(engine, exc) from None
    try:
        # Wait for another studio's upgrade however long it takes (the session's lock
        # and statement timeouts are for administrators' changes, not for this).
        guard.execute(text("SET lock_timeout = 0"))
        guard.execute(text("SET statement_timeout = 0"))
        guard.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK})
        try:
            return _upgrade_locked(engine, shared=shared)
        finally:
            guard.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK})
    except (OperationalError, SADatabaseError) as exc:
        raise _translate(engine, exc) from None
    finally:
        guard.invalidate()  # its settings changed: never back to the pool
        guard.close()


def _upgrade_locked(engine: Engine, *, shared: bool) -> SchemaState:
    """The schema read again (another studio may have built it meanwhile), then built
    or upgraded if this studio may; the caller holds the schema lock."""
    state = schema_state(engine)
    if state.current is not None and state.current not in revisions.KNOWN:
        raise SchemaTooNewError(state.current, state.head)
    if state.at_head:
        return state
    if state.current is not None and not shared:
        raise SchemaBehindError(state.current, state.head)
    from alembic import command  # start-up

    command.upgrade(alembic_config(engine), "head")
    return schema_state(engine)


def other_studios(engine: Engine) -> list[str]:
    """The other studios connected to a shared database, as ``address since time``
    lines (PostgreSQL: its sessions named MachPanel Studio); nothing on SQLite."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT coalesce(host(client_addr), 'local'), backend_start "
                "FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name = :name AND pid <> pg_backend_pid() "
                "ORDER BY backend_start"
            ),
            {"name": APPLICATION_NAME},
        ).all()
    return [f"{address} since {started:%Y-%m-%d %H:%M:%S %Z}" for address, started in rows]
