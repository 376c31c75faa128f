"""Create the SQLAlchemy engine, with the SQLite settings the studio relies on.

Every SQLite connection gets foreign keys on (SQLite's default is off), a busy timeout
and ``synchronous=NORMAL``: connection settings that change nothing in the file. WAL,
which *is* written into the file, is switched on by :func:`studio.db.migrate.upgrade`
only after the file has been recognised as ours, so a refused file stays byte-for-byte
as it was.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from studio.db import urls
from studio.db.write_lock import SerialisedWrites
from studio.errors import DatabaseError, EmptyDatabaseError, FieldError, NotADatabaseError

BUSY_TIMEOUT_MS = 5000
_SQLITE_MAGIC = b"SQLite format 3\x00"


def parse_url(url: str) -> URL:
    """Parse a SQLAlchemy URL, or raise :class:`FieldError` naming ``database-url``."""
    try:
        return make_url(url)
    except ArgumentError:
        message = f"{urls.mask_url(url)!r} is not a SQLAlchemy URL (e.g. sqlite:///path/studio.db)"
        raise FieldError.single("database-url", message) from None


def mask_url(url: str | URL) -> str:
    """The URL as it may be shown: any password replaced by ``***``."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    return urls.mask_url(url)


def sqlite_file(url: str | URL) -> Path | None:
    """The file behind an SQLite URL, or ``None`` for in-memory and other databases."""
    parsed = url if isinstance(url, URL) else parse_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        return None
    return Path(database)


def check_sqlite_file(path: Path, *, new: bool = False) -> None:
    """Refuse a file that exists but is not SQLite, before SQLite touches it.

    Only a missing file may become a new database; ``new`` is for the file that
    :mod:`studio.db.first_run` has just made, empty, to build one in.

    Raises:
        EmptyDatabaseError: the file exists and is empty (and is not ``new``).
        NotADatabaseError: the file is non-empty and lacks the SQLite header.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not header and not new:
        raise EmptyDatabaseError(path)
    if header and header != _SQLITE_MAGIC:
        raise NotADatabaseError(path)


#: What SQLite's terse messages mean to an administrator, added after them.
_PLAIN_REASONS = {
    "disk i/o error": "is the disk full, or the drive holding the database gone?",
    "database or disk is full": "free some disk space, then try again",
    "database is locked": "another program holds it; close it or try again",
    "readonly database": "the database file or its folder is read-only",
}


def database_reason(exc: BaseException) -> str:
    """A database failure in one line: the driver's own message, without SQLAlchemy's
    statement and its "Background on this error at: https://sqlalche.me/…" link, and
    with what SQLite's terse messages mean (a full disk reads ``disk I/O error``)."""
    orig = getattr(exc, "orig", None) or exc
    if getattr(orig, "sqlstate", None) == "55P03":  # PostgreSQL's lock_not_available
        return LOCKED_BY_ANOTHER
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    reason = lines[0] if lines else type(orig).__name__
    reason = re.sub(r"\s*\(Background on this error at: [^)]*\)", "", reason)
    lowered = reason.lower()
    for marker, meaning in _PLAIN_REASONS.items():
        if marker in lowered:
            return f"{reason} ({meaning})"
    return reason


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


#: How long a PostgreSQL statement waits for a row another administrator's transaction
#: holds before it is refused (SQLite's busy timeout is the same 5 s).
LOCK_TIMEOUT_MS = 5000
#: A statement running longer than this is cancelled (no studio query comes close).
STATEMENT_TIMEOUT_MS = 60_000
#: A transaction left open and idle this long (a studio frozen mid-way) is ended by the
#: server, so that its locks do not hold every other administrator up.
IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000
#: How long connecting to a database server may take.
CONNECT_TIMEOUT_S = 5
#: How a studio's connections are named on a database server (``pg_stat_activity``).
APPLICATION_NAME = "MachPanel Studio"
#: What an administrator is told when a row stays locked past the lock timeout.
LOCKED_BY_ANOTHER = "another administrator is changing the same records; try again"


def _server_options() -> dict[str, Any]:
    """Connection settings for a database server (PostgreSQL): timeouts that turn a wait
    behind another session into a clear refusal, and a check of each pooled connection
    before use (the server may have restarted)."""
    settings = (
        f"-c lock_timeout={LOCK_TIMEOUT_MS} -c statement_timeout={STATEMENT_TIMEOUT_MS} "
        f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_TIMEOUT_MS}"
    )
    return {
        "pool_pre_ping": True,
        "connect_args": {
            "options": settings,
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": APPLICATION_NAME,
        },
    }


def create_studio_engine(url: str, *, new: bool = False) -> Engine:
    """An engine for ``url``; SQLite files are checked and tuned, others used as given.

    ``new``: the SQLite file was just made empty to build a new installation in.
    """
    parsed = parse_url(url)
    path = sqlite_file(parsed)
    if path is not None:
        check_sqlite_file(path, new=new)
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite" and path is None:
        # One shared connection, or each pool thread would see its own empty database.
        options = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    elif path is not None:
        # Threads of this process queue for the file's one write transaction instead of
        # sleeping in SQLite's busy handler (studio.db.write_lock says why).
        options = {"connect_args": {"factory": SerialisedWrites}}
    elif parsed.get_backend_name() == "postgresql":
        options = _server_options()
    try:
        engine = create_engine(parsed, **options)
    except (ArgumentError, ImportError) as exc:
        message = f"cannot use {mask_url(parsed)}: {exc}"
        raise FieldError.single("database-url", message) from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
    return engine
