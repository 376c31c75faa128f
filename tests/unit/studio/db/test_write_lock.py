"""The in-process write lock: writers queue instead of meeting SQLite's busy handler."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from studio.db.write_lock import SerialisedWrites, lock_for


def _connect(path: Path) -> sqlite3.Connection:
    # busy_timeout 0 (after connect: sqlite3 sets it from timeout, which the lock waits):
    # without the lock, a second writer would fail at once.
    connection = sqlite3.connect(path, factory=SerialisedWrites, timeout=5, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout = 0")
    return connection


def _table(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER, who TEXT)")


def test_threads_writing_at_once_all_commit(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    _table(path)
    errors: list[BaseException] = []

    def write(who: str) -> None:
        connection = _connect(path)
        try:
            for n in range(200):
                connection.execute("INSERT INTO t VALUES (?, ?)", (n, who))
                connection.execute("UPDATE t SET n = n WHERE who = ? AND n = ?", (who, n))
                connection.commit()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with sqlite3.connect(path) as connection:
        counts = dict(connection.execute("SELECT who, count(*) FROM t GROUP BY who").fetchall())
    assert counts == {"w0": 200, "w1": 200, "w2": 200, "w3": 200}
    assert not lock_for(str(path)).locked()


def test_held_from_first_write_until_commit_rollback_or_close(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    _table(path)
    lock = lock_for(str(path))
    connection = _connect(path)
    connection.execute("SELECT count(*) FROM t").fetchall()
    assert not lock.locked()  # reading takes nothing
    for end in ("commit", "rollback", "close"):
        if end == "close":
            connection = _connect(path)
        connection.execute("INSERT INTO t VALUES (1, 'x')")
        assert lock.locked()
        connection.execute("INSERT INTO t VALUES (2, 'x')")  # same transaction: still one
        getattr(connection, end)()
        assert not lock.locked(), end


def test_one_lock_per_file_whatever_the_spelling(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    spelled = str(tmp_path / "sub" / ".." / "db.sqlite")
    assert lock_for(spelled) is lock_for(str(tmp_path / "db.sqlite"))
    assert lock_for(str(tmp_path / "other.sqlite")) is not lock_for(spelled)


def test_a_lock_not_given_back_stops_nobody_for_longer_than_the_timeout(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    _table(path)
    lock = lock_for(str(path))
    lock.acquire()  # as if a writer of this process hung holding it
    try:
        connection = sqlite3.connect(path, factory=SerialisedWrites, timeout=0.2)
        started = time.monotonic()
        connection.execute("INSERT INTO t VALUES (1, 'late')")  # waited 0.2 s, then went on
        assert 0.15 <= time.monotonic() - started < 2.0  # it did wait for the lock
        connection.commit()
        connection.close()
    finally:
        lock.release()
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT who FROM t").fetchall() == [("late",)]
