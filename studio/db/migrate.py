"""Alembic migrations, run from code: at start-up, by ``db upgrade`` and by the self-test.

The migration scripts live in ``studio/db/migrations`` (also bundled into the frozen
build). Before upgrading, the current revision is compared with the revisions this
studio knows: a database from a newer studio is refused and left untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError

from studio.db.engine import mask_url, sqlite_file
from studio.errors import DatabaseError, NotADatabaseError, SchemaTooNewError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class SchemaState:
    """Where a database's schema stands against what this studio knows."""

    current: str | None
    head: str

    @property
    def at_head(self) -> bool:
        """True when no migration is pending."""
        return self.current == self.head


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes["engine"] = engine
    return config


def _script_directory(engine: Engine) -> ScriptDirectory:
    return ScriptDirectory.from_config(_alembic_config(engine))


def _translate(engine: Engine, exc: Exception) -> DatabaseError:
    path = sqlite_file(engine.url)
    text = str(exc).lower()
    if path is not None and ("not a database" in text or "file is encrypted" in text):
        return NotADatabaseError(path)
    return DatabaseError(f"cannot open the database {mask_url(engine.url)}: {exc}")


def schema_state(engine: Engine) -> SchemaState:
    """Read the database's revision and this studio's head, changing nothing."""
    head = _script_directory(engine).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise DatabaseError("no migrations are bundled with this studio")
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except (OperationalError, SADatabaseError) as exc:
        raise _translate(engine, exc) from None
    return SchemaState(current=current, head=head)


def upgrade(engine: Engine) -> SchemaState:
    """Bring the schema to this studio's head; refuse a newer one.

    Returns:
        The state after the upgrade.

    Raises:
        SchemaTooNewError: the database carries a revision this studio does not know.
        DatabaseError: the database cannot be opened (with the reason).
    """
    state = schema_state(engine)
    if state.current is not None:
        known = {rev.revision for rev in _script_directory(engine).walk_revisions()}
        if state.current not in known:
            raise SchemaTooNewError(state.current, state.head)
    if state.at_head:
        return state
    try:
        command.upgrade(_alembic_config(engine), "head")
    except (OperationalError, SADatabaseError) as exc:
        raise _translate(engine, exc) from None
    return schema_state(engine)
