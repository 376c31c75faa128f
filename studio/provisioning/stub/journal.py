"""The stub's durable state: an append-only journal of JSON lines.

Each change (a job submitted, finished or cancelled) is one line, written and fsynced
before the client gets its answer. A line is either whole or ignored: a stub killed in
the middle of a write leaves at most a torn last line, which :func:`replay` skips. This
avoids rewriting the whole state on every change, which made 1,000 jobs quadratic.
On start the journal is compacted (rewritten through a temporary file and
``os.replace``) so it does not grow without end.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any


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
    """Appends entries durably; thread-safe."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._handle = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = path.open("a", encoding="utf-8")

    def append(self, entry: dict[str, Any]) -> None:
        """Write one entry and make it durable before returning."""
        if self._handle is None:
            return
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        with self._lock:
            self._handle.write(line)
            self._handle.flush()
            os.fsync(self._handle.fileno())

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
            self._handle = self.path.open("a", encoding="utf-8")

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None
