"""A new installation's SQLite file: built beside its final name, then moved into place.

Only a missing database file starts a new installation; an empty one is refused
(:class:`studio.errors.EmptyDatabaseError`). So the new file must never be seen empty
or half-built under its real name: a first run killed mid-way (or a full disk) would
otherwise leave a file that every later start refuses. The schema is built in a
temporary file in the same folder, in rollback-journal mode (one file, nothing beside
it), and linked to its name only once complete. A second studio's first run racing
this one finds the name taken and simply opens that file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from studio.db.engine import create_studio_engine, parse_url
from studio.db.migrate import upgrade
from studio.errors import DatabaseError


def create_database_file(url: str, path: Path) -> None:
    """Build the database of a new installation at ``path`` (which does not exist).

    Raises:
        DatabaseError: the file or its schema could not be made (nothing is left behind).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot be created ({exc.strerror or exc})") from None
    os.close(handle)  # mkstemp made it owner-only (0600); SQLite keeps that mode
    temp = Path(name)
    temp_url = parse_url(url).set(database=str(temp)).render_as_string(hide_password=False)
    try:
        engine = create_studio_engine(temp_url, new=True)
        try:
            upgrade(engine, new=True)
            with engine.connect() as connection:  # back to one file, WAL folded in
                connection.exec_driver_sql("PRAGMA journal_mode = DELETE")
        finally:
            engine.dispose()
        try:
            os.link(temp, path)  # never replaces a file another first run put there
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(temp, path)
    finally:
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm"), Path(f"{temp}-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
