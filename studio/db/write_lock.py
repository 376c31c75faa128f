"""One writer at a time per SQLite file within this process, queued on a Python lock.

SQLite allows one write transaction per file. When a second thread's connection wants
to write meanwhile, SQLite's busy handler makes it *sleep* (1, 2, 5, 10 … 100 ms) and
try again, however soon the first one commits. With the job runner, the window and a
few subscribing threads writing small transactions, threads spent most of their time
asleep there (py-spy over ``benchmarks/subscriptions.py``: 79 % of the subscribing
threads' time).

Here each connection takes the file's lock just before the statement that starts its
write transaction (the ``sqlite3`` module begins one at the first INSERT, UPDATE,
DELETE or REPLACE) and gives it back once that transaction is committed, rolled back
or the connection closed, so the next writer starts the moment the last one ends.
Other processes (a CLI beside the window) still meet SQLite's busy timeout. A lock not
obtained within that same timeout is not waited for further: the statement then goes
to SQLite, which answers as it would have without this lock.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any, Self

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def lock_for(path: str) -> threading.Lock:
    """The one lock of a database file in this process (by its resolved path)."""
    key = str(Path(path).resolve())
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


class _Cursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        _before(self.connection, sql)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> Self:
        _before(self.connection, sql)
        return super().executemany(sql, seq_of_parameters)


def _before(connection: sqlite3.Connection, sql: str) -> None:
    if (
        isinstance(connection, SerialisedWrites)
        and not connection.in_transaction
        and sql.lstrip()[:7].upper().startswith(_WRITES)
    ):
        connection.take_write_lock()


class SerialisedWrites(sqlite3.Connection):
    """A ``sqlite3`` connection that queues for its file's write lock (the
    ``factory`` of :func:`sqlite3.connect`)."""

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._lock = lock_for(database)
        self._wait_s = float(kwargs.get("timeout", 5.0))
        self._holding = False

    def cursor(self, factory: Any = _Cursor) -> Any:
        return super().cursor(factory)

    # sqlite3's shortcuts make their cursor without calling cursor(): through ours.
    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor().execute(sql, parameters)  # type: ignore[no-any-return]

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> sqlite3.Cursor:
        return self.cursor().executemany(sql, seq_of_parameters)  # type: ignore[no-any-return]

    def take_write_lock(self) -> None:
        """Wait for the other writers of this process (see the module's docstring)."""
        if not self._holding:
            self._holding = self._lock.acquire(timeout=self._wait_s)

    def _give_back(self) -> None:
        if self._holding:
            self._holding = False
            self._lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            if not self.in_transaction:
                self._give_back()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            if not self.in_transaction:
                self._give_back()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._give_back()
