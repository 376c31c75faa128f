"""Only a missing database file starts a new installation; an empty one is refused."""

from __future__ import annotations

import io
import sqlite3
import sys
from pathlib import Path

import pytest

from studio.cli import EXIT_FAILURE, main
from studio.context import open_studio
from studio.db import first_run
from studio.db.revisions import HEAD
from studio.errors import DatabaseError, EmptyDatabaseError
from studio.paths import database_path
from tests.support.users import PASSWORD


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_missing_file_becomes_a_new_installation_at_head(data_dir: Path) -> None:
    studio = open_studio(data_dir)
    try:
        assert studio.schema.current == HEAD
    finally:
        studio.close()
    assert database_path(data_dir).stat().st_mode & 0o777 == 0o600
    assert _leftovers(data_dir) == []


def test_a_zero_length_file_is_refused_and_left_empty(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    target = database_path(data_dir)
    target.touch()
    with pytest.raises(EmptyDatabaseError) as caught:
        open_studio(data_dir)
    assert str(caught.value) == (
        f"{target} is empty, not a MachPanel Studio database; move it away or restore a backup"
    )
    assert target.stat().st_size == 0
    assert not Path(f"{target}-wal").exists()


def test_an_sqlite_file_without_any_table_is_refused_unchanged(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    target = database_path(data_dir)
    connection = sqlite3.connect(target)
    connection.execute("PRAGMA user_version = 1")  # writes the header, no table
    connection.commit()
    connection.close()
    before = target.read_bytes()
    with pytest.raises(EmptyDatabaseError):
        open_studio(data_dir)
    assert target.read_bytes() == before


def test_a_first_run_that_fails_leaves_no_file(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_upgrade(*_args: object, **_kwargs: object) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(first_run, "upgrade", broken_upgrade)
    with pytest.raises(DatabaseError, match="disk full"):
        open_studio(data_dir)
    assert not database_path(data_dir).exists()
    assert _leftovers(data_dir) == []
    monkeypatch.undo()
    open_studio(data_dir).close()  # the next start is a first run again
    assert database_path(data_dir).exists()


def test_an_empty_file_does_not_open_the_first_run_path(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir.mkdir(parents=True)
    database_path(data_dir).touch()
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{PASSWORD}\n{PASSWORD}\n"))
    argv = ["admin", "create", "--username", "eve", "--full-name", "Eve", "--email", "e@x.example"]
    assert main(argv, out=io.StringIO()) == EXIT_FAILURE
    err = capsys.readouterr().err
    assert err == (
        f"database: {database_path(data_dir)} is empty, not a MachPanel Studio database; "
        "move it away or restore a backup\n"
    )
    assert database_path(data_dir).stat().st_size == 0
