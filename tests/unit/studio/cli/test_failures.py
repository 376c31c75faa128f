"""One line for every failure, with the exit codes of docs/cli.md: database errors
without SQLAlchemy's statement and link, a full disk said plainly, no keyring as the
environment's failure, and a log folder that cannot be written."""

from __future__ import annotations

import io
import sqlite3
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy.exc import OperationalError

from studio.cli import EXIT_FAILURE, EXIT_OK, main
from studio.context import Studio
from studio.db.engine import database_reason
from studio.logs import LOG_FILE
from studio.paths import log_dir


def _sqlalchemy_error(message: str) -> OperationalError:
    return OperationalError(
        "INSERT INTO audit_event VALUES (?)", (1,), sqlite3.OperationalError(message)
    )


def test_a_database_reason_is_the_drivers_message_in_one_line() -> None:
    error = _sqlalchemy_error("no such table: audit_event")
    assert "sqlalche.me" in str(error) and "\n" in str(error)  # what used to be printed
    assert database_reason(error) == "no such table: audit_event"


@pytest.mark.parametrize(
    ("message", "meaning"),
    [
        ("disk I/O error", "is the disk full, or the drive holding the database gone?"),
        ("database or disk is full", "free some disk space, then try again"),
        ("attempt to write a readonly database", "the database file or its folder is read-only"),
    ],
)
def test_terse_sqlite_messages_say_what_they_mean(message: str, meaning: str) -> None:
    assert database_reason(_sqlalchemy_error(message)) == f"{message} ({meaning})"


def test_a_failing_change_prints_one_line(
    studio: Studio, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from studio.db import audit

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise _sqlalchemy_error("disk I/O error")

    monkeypatch.setattr(audit, "record", full_disk)
    code = main(["website", "set", "--port", "8080"], out=io.StringIO())
    assert code == EXIT_FAILURE
    assert capsys.readouterr().err == (
        "error: the database refused the change: disk I/O error "
        "(is the disk full, or the drive holding the database gone?)\n"
    )


def test_no_keyring_is_the_environments_failure(
    studio: Studio, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-token-of-enough-length-1234\n"))
    argv = ["server", "add", "--name", "EXCH01", "--host", "10.0.0.5", "--port", "8443"]
    code = main([*argv, "--services", "exchange", "--token-stdin"], out=io.StringIO())
    assert code == EXIT_FAILURE
    err = capsys.readouterr().err
    assert err.startswith("error: the secret was not stored: no OS keyring")
    assert err.count("\n") == 1


def test_a_log_that_cannot_be_written_is_said_once_and_the_studio_runs_on(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (log_dir(data_dir) / LOG_FILE).mkdir(parents=True)  # where the file should be
    out = io.StringIO()
    assert main(["website", "show", "--json"], out=out) == EXIT_OK
    assert '"configured": false' in out.getvalue()
    err = capsys.readouterr().err
    assert err.startswith(f"log: cannot write {log_dir(data_dir) / LOG_FILE} (")
    assert err.endswith("running without a log file\n")
    assert err.count("\n") == 1
