"""Use case of ``Configure > Database``: describe the database the studio works on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.context import Studio
from studio.db.engine import sqlite_file
from studio.db.migrate import schema_state
from studio.domain.actors import Actor, Permission


@dataclass(frozen=True)
class DatabaseInfo:
    """What the Database page and ``db status`` show. The URL is already masked."""

    url: str
    backend: str
    revision: str | None
    head: str
    file: Path | None
    file_size: int | None

    @property
    def at_head(self) -> bool:
        """True when no migration is pending."""
        return self.revision == self.head


def describe_database(studio: Studio, actor: Actor) -> DatabaseInfo:
    """Read the schema revision and, for SQLite, the file's location and size (with WAL)."""
    actor.require(Permission.VIEW_CONFIGURATION)
    state = schema_state(studio.engine)
    path = sqlite_file(studio.engine.url)
    size: int | None = None
    if path is not None:
        size = sum(
            p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
        )
    return DatabaseInfo(
        url=studio.masked_url,
        backend=studio.engine.url.get_backend_name(),
        revision=state.current,
        head=state.head,
        file=path,
        file_size=size,
    )
