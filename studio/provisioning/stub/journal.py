"""The stub's durable state: an append-only journal of JSON lines.

Each change (a job submitted, finished or cancelled) is one line. A line is either
whole or ignored: a stub killed in the middle of a write leaves at most a torn last
line, which :func:`replay` skips. This avoids rewriting the whole state on every change,
which made 1,000 jobs quadratic.

Durability by group commit: :meth:`Journal.append` only writes; :meth:`Journal.sync`
makes everything written so far durable, and concurrent callers share one ``fsync``.
The server calls ``sync`` before every answer, so nothing is answered that a crash
could take back (fsyncing each line under the engine lock capped the stub at 90 jobs/s).
On start the journal is compacted (rewritten through a temporary file and
``os.replace``) so it does not grow without end.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO


def replay(path: Path) -> Iterator[dict[str, Any]]:
    """The journal's entries, oldest first; a torn or corrupt line is skipped."""
    try:
        handle = path.open("r", encoding="utf-8")
    except FileNotFoundError:
        return
    with handle:
        for line in handle:
            if not line.endswith("\n"):
                break  # torn last write
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict):
                yield entry


class Journal:
    """Appends entries, made durable by :meth:`sync`; thread-safe."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Condition()
        self._handle: TextIO | None = None
        self._written = 0  # lines written (flushed to the OS)
        self._synced = 0  # lines known durable
        self._syncing = False
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = path.open("a", encoding="utf-8")

    def append(self, entry: dict[str, Any]) -> None:
        """Write one entry (durable after the next :meth:`sync`)."""
        if self._handle is None:
            return
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        with self._lock:
            self._handle.write(line)
            self._handle.flush()
            self._written += 1

    def sync(self) -> None:
        """Return once every entry written so far is on disk (one fsync for many callers)."""
        with self._lock:
            target = self._written
            while self._synced < target and self._handle is not None:
                if self._syncing:
                    self._lock.wait()
                    continue
                self._syncing = True
                goal, fd = self._written, self._handle.fileno()
                self._lock.release()
                try:
                    os.fsync(fd)
                finally:
                    self._lock.acquire()
                    self._syncing = False
                    self._synced = max(self._synced, goal)
                    self._lock.notify_all()

    def compact(self, entries: list[dict[str, Any]]) -> None:
        """Replace the journal with ``entries`` atomically (temporary file + rename)."""
        if self.path is None:
            return
        with self._lock:
            tmp = self.path.with_name(self.path.name + ".tmp")
            with tmp.open("w", encoding="utf-8") as out:
                for entry in entries:
                    out.write(json.dumps(entry, separators=(",", ":")) + "\n")
                out.flush()
                os.fsync(out.fileno())
            if self._handle is not None:
                self._handle.close()
            os.replace(tmp, self.path)
            _fsync_folder(self.path.parent)  # the rename itself must survive a power loss
            self._handle = self.path.open("a", encoding="utf-8")
            self._written = self._synced = 0

    def close(self) -> None:
        """Make everything durable and close the file."""
        self.sync()
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory fsync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
