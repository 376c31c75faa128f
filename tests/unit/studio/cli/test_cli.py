"""The command line: its commands, its exit codes and its ``field: message`` errors."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from studio import CONTROL_SERVER_BUILD, __version__
from studio.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main
from studio.db.revisions import HEAD
from studio.paths import database_path
from tests.support.cli import run

REPO = Path(__file__).resolve().parents[4]


def test_version_names_the_build(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("--version")
    assert code == EXIT_OK
    assert capsys.readouterr().out.strip() == (
        f"machpanel-studio {__version__} (Control Server build {CONTROL_SERVER_BUILD})"
    )


def test_unknown_arguments_exit_2_naming_the_argument(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("--no-such-option")
    assert code == EXIT_USAGE
    assert "--no-such-option" in capsys.readouterr().err
    code, _ = run("website", "set", "--protocol", "gopher")
    assert code == EXIT_USAGE
    assert "argument --protocol" in capsys.readouterr().err


def test_a_bad_database_url_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("--database-url", "nonsense", "db", "status")
    assert code == EXIT_USAGE
    assert capsys.readouterr().err.startswith("database-url: 'nonsense' is not a SQLAlchemy URL")


def test_self_test_takes_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--self-test", "website", "show")[0] == EXIT_USAGE
    assert "argument --self-test: takes no command" in capsys.readouterr().err


def test_website_set_without_options_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("website", "set")[0] == EXIT_USAGE
    assert capsys.readouterr().err.startswith("website set: nothing to change: give one of")
    assert json.loads(run("website", "show", "--json")[1])["configured"] is False


def test_a_locked_database_is_reported_not_traced(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from studio.db import engine as engine_module

    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 100)
    run("db", "upgrade")
    blocker = sqlite3.connect(database_path(data_dir), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        code, _ = run("website", "set", "--port", "8080")
    finally:
        blocker.rollback()
        blocker.close()
    assert code == EXIT_FAILURE
    err = capsys.readouterr().err
    assert err.startswith("error: the database refused the change: database is locked")
    assert "Traceback" not in err


def test_db_upgrade_creates_the_database_in_the_data_folder(data_dir: Path) -> None:
    code, out = run("db", "upgrade")
    assert code == EXIT_OK
    assert f"schema {HEAD}" in out
    assert database_path(data_dir).is_file()


def test_data_dir_argument_overrides_the_environment(tmp_path: Path, data_dir: Path) -> None:
    other = tmp_path / "other"
    assert run("--data-dir", str(other), "db", "upgrade")[0] == EXIT_OK
    assert database_path(other).is_file()
    assert not data_dir.exists()


def test_db_status_json(data_dir: Path) -> None:
    code, out = run("db", "status", "--json")
    assert code == EXIT_OK
    status = json.loads(out)
    assert status["revision"] == status["head"] == HEAD
    assert status["at_head"] is True
    assert status["file"] == str(database_path(data_dir))
    assert status["file_size"] > 0


def test_website_set_and_show_round_trip() -> None:
    code, _ = run("website", "set", "--host", "cp.example.com", "--port", "8443")
    assert code == EXIT_OK
    code, out = run("website", "show", "--json")
    shown = json.loads(out)
    assert shown["url"] == "http://cp.example.com:8443/"
    assert shown["configured"] is True
    assert shown["updated_by"].startswith("Local Administrator (")


def test_invalid_values_print_field_and_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("website", "set", "--port", "70000", "--host", "bad_host")
    assert code == EXIT_USAGE
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("host: 'bad_host' is not a host name")
    assert err[1] == "port: must be between 1 and 65535"
    code, out = run("website", "show", "--json")
    assert json.loads(out)["configured"] is False


def test_demo_is_idempotent() -> None:
    code, first = run("demo")
    assert code == EXIT_OK
    assert "added Control Panel Website: http://localhost:8080/machpanel" in first
    assert "added 3 demo subscriptions provisioned on the embedded stubs" in first
    assert "added 1 failed provisioning job" in first
    jobs = json.loads(run("jobs", "list", "--json")[1])
    assert sorted(j["state"] for j in jobs) == ["failed"] + ["succeeded"] * 7  # 3 + 4 sales
    assert "added 2 Customer Products Plans and 3 end customers" in first
    before = json.loads(run("website", "show", "--json")[1])
    code, second = run("demo")
    assert code == EXIT_OK
    assert "nothing changed" in second
    assert json.loads(run("website", "show", "--json")[1]) == before


def test_demo_keeps_what_the_administrator_configured() -> None:
    run("website", "set", "--port", "9090")
    run("demo")
    assert json.loads(run("website", "show", "--json")[1])["port"] == 9090


def test_unusable_data_folder_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _ = run("--data-dir", str(blocker / "studio"), "db", "upgrade")
    assert code == EXIT_FAILURE
    err = capsys.readouterr().err
    assert err.startswith("data-dir: data folder ")
    assert "Traceback" not in err


def test_not_a_database_is_a_clear_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir.mkdir(parents=True)
    database_path(data_dir).write_text("hello")
    code, _ = run("db", "status")
    assert code == EXIT_FAILURE
    assert f"{database_path(data_dir)} is not a MachPanel Studio database" in (
        capsys.readouterr().err
    )
    assert database_path(data_dir).read_text() == "hello"


def test_commands_other_than_the_gui_never_import_qt(data_dir: Path) -> None:
    code = (
        "import sys; from studio.cli import main; "
        "rc = main(['website', 'show', '--json']); "
        "assert rc == 0; "
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_studio_package_has_no_qt_and_no_ui_import() -> None:
    offenders = []
    for path in (REPO / "studio").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(
                n.split(".")[0] in {"PySide6", "PyQt6", "PyQt5", "shiboken6", "ui"} for n in names
            ):
                offenders.append(str(path))
    assert offenders == []


def test_the_core_alone_opens_no_window(capsys: pytest.CaptureFixture[str]) -> None:
    """``python -m studio`` (no window given) refuses to run without a command."""
    assert main([]) == EXIT_USAGE
    assert "give a command; the window opens from machpanel-studio" in capsys.readouterr().err


@pytest.mark.slow
def test_self_test_passes_from_the_console_script(data_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ui", "--self-test"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = done.stdout.strip()
    assert line.startswith("self-test passed: studio ")
    assert f"schema {HEAD}" in line


@pytest.mark.slow
def test_self_test_fails_with_the_reason(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = subprocess.run(
        [sys.executable, "-m", "ui", "--data-dir", str(blocker / "d"), "--self-test"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout.startswith("self-test failed: database: data folder ")
