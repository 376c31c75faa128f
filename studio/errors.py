"""Typed errors shared by the services, the CLI and the GUI.

Every error a user can cause names what is wrong: a :class:`FieldError` names the field,
the others name the path or the URL. The CLI prints them as ``field: message`` and the
GUI shows them beside the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path


class StudioError(Exception):
    """Base of every error the studio reports to a user rather than as a traceback.

    ``prefix`` is what the command line prints before the message (``error: …``); an
    error about one thing the user chose names that thing instead (``data-dir: …``,
    ``database: …``), so that a script can tell which one to fix.
    """

    prefix = "error"


class FieldError(StudioError):
    """One or more input fields are invalid.

    Args:
        errors: field name → message, in the order the form shows the fields.
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        if not errors:
            raise ValueError("FieldError needs at least one field")
        self.errors: dict[str, str] = dict(errors)
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.errors.items()))

    @classmethod
    def single(cls, field: str, message: str) -> FieldError:
        """The common case: one field, one message."""
        return cls({field: message})

    def lines(self) -> Iterable[str]:
        """``field: message`` lines, as the command line prints them."""
        return (f"{field}: {msg}" for field, msg in self.errors.items())


class NotFoundError(StudioError):
    """An id that names nothing (any more): the value given is wrong, like a field's.

    The command line prints it as ``error: …`` and exits 2, as for any wrong value;
    the GUI shows it where the id was chosen (someone else may have deleted the row).
    """


class DataFolderError(StudioError):
    """The data folder cannot be created or written."""

    prefix = "data-dir"

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"data folder {path}: {reason}")


class DatabaseError(StudioError):
    """The database cannot be opened or used; nothing was changed."""


class NotADatabaseError(DatabaseError):
    """The database file exists but is not an SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"{path} is not a MachPanel Studio database (not an SQLite file); "
            "it was left untouched. Move it away or choose another --data-dir."
        )


class EmptyDatabaseError(DatabaseError):
    """The database file exists but holds nothing: not a new installation.

    Only a *missing* file starts a new installation. An empty one is what a failed
    copy, a full disk or a truncating tool leaves behind where a database was; making
    it a fresh installation would silently lose every record and reopen the first-run
    path (``admin create`` with no one signed in).
    """

    prefix = "database"

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"{path} is empty, not a MachPanel Studio database; move it away or restore a backup"
        )


class ForeignDatabaseError(DatabaseError):
    """The database holds another program's tables and no studio schema."""

    def __init__(self, url: str, tables: list[str]) -> None:
        self.tables = tables
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        super().__init__(
            f"{url} holds tables of another program ({shown}) and no MachPanel Studio "
            "schema; it was left untouched. Choose another --data-dir or --database-url."
        )


class SchemaBehindError(DatabaseError):
    """A shared database's schema is older than this studio's: only ``db upgrade`` (an
    administrator's deliberate step) changes it, never a studio starting."""

    def __init__(self, revision: str, head: str) -> None:
        self.revision = revision
        self.head = head
        super().__init__(
            f"the shared database is at schema revision {revision!r} and this studio needs "
            f"{head!r}; an administrator upgrades it with `machpanel-studio db upgrade` "
            "once the other studios are closed. Nothing was changed."
        )


class SchemaTooNewError(DatabaseError):
    """The database was written by a newer studio than this one."""

    def __init__(self, revision: str, known_head: str) -> None:
        self.revision = revision
        self.known_head = known_head
        super().__init__(
            f"the database is at schema revision {revision!r}, which this studio does not know "
            f"(it knows up to {known_head!r}): it was written by a newer studio. "
            "Nothing was changed; run a newer studio."
        )


class ConflictError(StudioError):
    """Someone saved the record (a reseller, a customer) after it was opened; nothing
    was written."""

    def __init__(self, name: str, changed_by: str, changed_at: dt.datetime) -> None:
        self.changed_by = changed_by
        self.changed_at = changed_at
        local = changed_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        super().__init__(
            f"{name} was changed by {changed_by} at {local} after you opened it; "
            "nothing was saved. Reload to see their changes, then edit again."
        )
