"""The opened studio: data folder, logs, database engine at the current schema.

:func:`open_studio` is the one way in for the GUI, the CLI and the tests, so they all
see the same folder and the same schema rules.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from studio.db.engine import (
    LOCKED_BY_ANOTHER,
    create_studio_engine,
    database_reason,
    mask_url,
    sqlite_file,
)
from studio.db.first_run import create_database_file
from studio.db.migrate import SchemaState, upgrade
from studio.errors import DatabaseError
from studio.logs import configure_logging
from studio.paths import ensure_data_dir, resolve_data_dir, resolve_database_url
from studio.security.keyring_store import SecretStore

if TYPE_CHECKING:
    from studio.provisioning.embedded import EmbeddedProvisioning

log = logging.getLogger(__name__)


@dataclass
class Studio:
    """An open studio. Services take it as their first argument."""

    data_dir: Path
    database_url: str
    engine: Engine
    schema: SchemaState
    secrets: SecretStore = field(default_factory=SecretStore)
    #: The embedded provisioning stubs, once started (``services.provisioning``).
    embedded: EmbeddedProvisioning | None = None
    #: With no OS keyring, may secrets typed in be kept in memory for this run? The
    #: window says yes (it can ask again next time); the command line says no (its
    #: process ends at once, so the secret would be lost unnoticed).
    session_secrets: bool = False
    _sessions: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def masked_url(self) -> str:
        """The database URL as it may be shown (password masked)."""
        return mask_url(self.database_url)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises.

        Database failures (locked, gone, full) surface as :class:`DatabaseError` with the
        reason, never as a driver traceback.
        """
        try:
            with self._sessions() as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            reason = database_reason(exc)
            if reason == LOCKED_BY_ANOTHER:  # nothing was refused: try again
                raise DatabaseError(reason) from exc
            raise DatabaseError(f"the database refused the change: {reason}") from exc

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()


def open_studio(
    data_dir: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    *,
    upgrade_shared: bool = False,
) -> Studio:
    """Open (creating if needed) the data folder and the database at the current schema.

    A shared database (a server) is created when empty but upgraded only when
    ``upgrade_shared`` (``db upgrade``), never as a side effect of starting.

    Raises:
        DataFolderError: the folder cannot be created or written.
        DatabaseError: the database cannot be opened, is not a database or is too new.
    """
    folder = ensure_data_dir(resolve_data_dir(data_dir))
    configure_logging(folder)
    url = resolve_database_url(folder, database_url)
    database_file = sqlite_file(url)
    if database_file is not None and not database_file.exists():
        # Only a missing file is a new installation; it appears whole or not at all.
        create_database_file(url, database_file)
    engine = create_studio_engine(url)
    try:
        state = upgrade(engine, shared=upgrade_shared)
    except BaseException:
        engine.dispose()
        raise
    log.info("opened %s at schema %s", mask_url(url), state.current)
    return Studio(data_dir=folder, database_url=url, engine=engine, schema=state)
