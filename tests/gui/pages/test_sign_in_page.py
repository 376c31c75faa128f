"""Log in with the provider credentials: first run, sign in, wrong password, sign out."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from studio.domain.actors import Actor
from studio.services.audit_log import AuditFilter, list_audit_events
from studio.services.sign_in import SIGN_IN_FAILED, SYSTEM
from tests.support.gui import PASSWORD, child, first_run, wait_idle
from tests.support.memory_keyring import MemoryKeyring
from ui.main_window import MainWindow


def test_first_run_creates_the_administrator_and_opens_the_page(
    qtbot: QtBot, window: MainWindow
) -> None:
    first_run(qtbot, window)
    assert window.current_page().objectName() == "page-home"
    assert child(window, QLabel, "statusUser").text() == (
        "Control Panel: ops.admin (provider-administrator)"
    )
    assert window.provider is not None and window.provider.name == "ops.admin"


def test_sign_out_then_in_again_and_a_wrong_password(qtbot: QtBot, window: MainWindow) -> None:
    first_run(qtbot, window)
    window.show_page("audit-log")
    wait_idle(qtbot, window)
    child(window, QAction, "actionSignOut").trigger()
    assert window.provider is None
    assert window.current_page().objectName() == "page-sign-in"
    wait_idle(qtbot, window)
    assert child(window, QLabel, "signInIntro").text().startswith("Log in with the provider")
    qtbot.keyClicks(child(window, QLineEdit, "signInUsername"), "ops.admin")
    qtbot.keyClicks(child(window, QLineEdit, "signInPassword"), "not the password at all")
    qtbot.mouseClick(child(window, QPushButton, "signInButton"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert child(window, QLabel, "signInError").text() == SIGN_IN_FAILED
    assert window.provider is None
    qtbot.keyClicks(child(window, QLineEdit, "signInPassword"), PASSWORD)
    qtbot.keyClick(child(window, QLineEdit, "signInPassword"), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.provider is not None, timeout=10_000)
    assert window.current_page().objectName() == "page-audit-log"
    assert window.current_page().actor.name == "ops.admin"
    assert window.studio is not None and window.provider is not None
    events = list_audit_events(window.studio, window.provider, AuditFilter(entity="user"))
    assert events[-1].action == "user.create"
    assert events[-1].actor.startswith("First run (")


def _sign_in(qtbot: QtBot, window: MainWindow, remember: bool) -> None:
    from PySide6.QtWidgets import QCheckBox

    window.show_page("home")
    wait_idle(qtbot, window)
    qtbot.keyClicks(child(window, QLineEdit, "signInUsername"), "ops.admin")
    qtbot.keyClicks(child(window, QLineEdit, "signInPassword"), PASSWORD)
    child(window, QCheckBox, "signInRemember").setChecked(remember)
    qtbot.mouseClick(child(window, QPushButton, "signInButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.provider is not None, timeout=10_000)


def test_remember_me_keeps_the_password_in_the_keyring_only(
    qtbot: QtBot, window: MainWindow, data_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    from studio.security.keyring_store import KEYRING_SERVICE
    from ui.app import build_main_window

    first_run(qtbot, window)
    child(window, QAction, "actionSignOut").trigger()
    _sign_in(qtbot, window, remember=True)
    entry = (KEYRING_SERVICE, "provider-password/ops.admin")
    assert memory_keyring.secrets[entry] == PASSWORD
    window.close()
    window.shutdown()
    settings = (data_dir / "settings.ini").read_text()
    assert "ops.admin" in settings and PASSWORD not in settings

    again = build_main_window(data_dir, embedded_provisioning=False)
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.studioOpened, timeout=10_000):
        again.show()
    again.show_page("home")
    qtbot.waitUntil(lambda: again.provider is not None, timeout=10_000)  # no typing
    assert again.provider is not None and again.provider.name == "ops.admin"
    child(again, QAction, "actionSignOut").trigger()
    wait_idle(qtbot, again)
    assert entry not in memory_keyring.secrets  # Sign Out forgets it
    again.close()
    again.shutdown()


def test_without_a_keyring_remember_me_is_disabled(qtbot: QtBot, window: MainWindow) -> None:
    import keyring
    from keyring.backends import fail
    from PySide6.QtWidgets import QCheckBox

    first_run(qtbot, window)
    keyring.set_keyring(fail.Keyring())
    child(window, QAction, "actionSignOut").trigger()
    wait_idle(qtbot, window)
    remember = child(window, QCheckBox, "signInRemember")
    assert not remember.isEnabled()
    assert remember.text() == "Remember me is unavailable: no OS keyring on this computer"


def test_secrets_audit_of_a_full_flow(
    qtbot: QtBot, window: MainWindow, data_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    """Create the administrator, sign in with Remember me, store a server token: none of
    these secrets may be found in the database, a log file or the settings."""
    from studio.domain.server_rules import RemoteServerInput
    from studio.services.servers import add_remote_server

    first_run(qtbot, window)
    child(window, QAction, "actionSignOut").trigger()
    _sign_in(qtbot, window, remember=True)
    token = "remote-server-token-0123456789"
    assert window.studio is not None and window.provider is not None
    add_remote_server(
        window.studio,
        window.provider,
        RemoteServerInput("SQL01", "10.0.0.5", "8443", ("mssql",), token),
    )
    window.close()
    window.shutdown()
    assert PASSWORD in memory_keyring.secrets.values() and token in memory_keyring.secrets.values()
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"studio.db", "settings.ini", "studio.log"}
    for path in files:
        content = path.read_bytes()
        for secret in (PASSWORD, token):
            assert secret.encode() not in content, f"a secret is in {path}"


def test_idle_lock_asks_again_and_keeps_open_work(qtbot: QtBot, window: MainWindow) -> None:
    first_run(qtbot, window)
    window.show_page("website")
    host = child(window, QLineEdit, "websiteHost")
    host.setText("typed-but-not-saved.example")
    window.idle_timeout_ms = 100
    window._start_idle_watch()
    qtbot.waitUntil(lambda: window.locked, timeout=5000)
    assert window.current_page().objectName() == "page-sign-in"
    assert window.current_page().title_label.text() == "Locked"
    username = child(window, QLineEdit, "signInUsername")
    assert username.text() == "ops.admin" and not username.isEnabled()
    window.show_page("database")  # every page waits while locked
    assert window.current_page().objectName() == "page-sign-in"
    password = child(window, QLineEdit, "signInPassword")
    qtbot.keyClicks(password, "not the password at all")
    qtbot.keyClick(password, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert window.locked and child(window, QLabel, "signInError").text() == SIGN_IN_FAILED
    window.idle_timeout_ms = 60_000
    qtbot.keyClicks(password, PASSWORD)
    qtbot.keyClick(password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked, timeout=10_000)
    assert window.current_page().objectName() == "page-database"
    window.show_page("website")
    assert host.text() == "typed-but-not-saved.example"  # open work kept
    assert window.idle_watcher.timer.isActive()


def test_a_stale_remembered_password_is_tried_once_then_forgotten(
    qtbot: QtBot, window: MainWindow, memory_keyring: MemoryKeyring
) -> None:
    from studio.security.keyring_store import KEYRING_SERVICE
    from studio.services.sign_in import authenticate

    first_run(qtbot, window)
    child(window, QAction, "actionSignOut").trigger()
    wait_idle(qtbot, window)  # Sign Out forgets in the background: let it finish first
    entry = (KEYRING_SERVICE, "provider-password/ops.admin")
    memory_keyring.secrets[entry] = "an old password, changed since"
    window.settings.setValue("signIn/rememberedUser", "ops.admin")
    for key in ("home", "audit-log", "home", "customers", "home", "access-control", "home"):
        window.show_page(key)
        wait_idle(qtbot, window)
    assert window.provider is None
    assert entry not in memory_keyring.secrets
    assert window.settings.value("signIn/rememberedUser") is None
    assert window.studio is not None
    assert authenticate(window.studio, "ops.admin", PASSWORD)  # one failure, not locked


def test_a_keychain_that_refuses_does_not_block_a_good_sign_in(
    qtbot: QtBot, window: MainWindow, memory_keyring: MemoryKeyring
) -> None:
    from keyring.errors import KeyringError
    from PySide6.QtWidgets import QCheckBox

    first_run(qtbot, window)
    child(window, QAction, "actionSignOut").trigger()

    def refuse(*_args: object) -> None:
        raise KeyringError("the keychain is locked")

    memory_keyring.set_password = refuse  # type: ignore[method-assign,assignment]
    _sign_in(qtbot, window, remember=True)
    assert window.provider is not None
    remember = child(window, QCheckBox, "signInRemember")
    assert not remember.isEnabled()
    assert remember.text() == "Remember me is unavailable: the OS keyring refused"


def test_the_idle_lock_closes_dialogs_and_disables_save(qtbot: QtBot, window: MainWindow) -> None:
    first_run(qtbot, window)
    window.show_page("website")
    child(window, QLineEdit, "websitePort").setText("8081")
    about = window.show_about()
    qtbot.waitExposed(about)
    assert child(window, QAction, "actionSave").isEnabled()
    window.lock()
    assert not about.isVisible()
    assert not child(window, QAction, "actionSave").isEnabled()


def test_a_locked_account_reads_like_a_wrong_password_until_the_right_one(
    qtbot: QtBot, window: MainWindow
) -> None:
    first_run(qtbot, window)
    child(window, QAction, "actionSignOut").trigger()
    wait_idle(qtbot, window)
    username = child(window, QLineEdit, "signInUsername")
    password = child(window, QLineEdit, "signInPassword")
    error = child(window, QLabel, "signInError")

    def attempt(name: str, secret: str) -> str:
        username.clear()
        password.clear()
        qtbot.keyClicks(username, name)
        qtbot.keyClicks(password, secret)
        qtbot.mouseClick(child(window, QPushButton, "signInButton"), Qt.MouseButton.LeftButton)
        wait_idle(qtbot, window)
        return str(error.text())

    said = [attempt(name, "a wrong guess") for name in ["ops.admin"] * 6 + ["no.such.user"] * 6]
    assert said == [SIGN_IN_FAILED] * 12
    assert attempt("ops.admin", PASSWORD).startswith(
        "This account is locked after too many failed sign-ins; try again after "
    )
    assert window.provider is None
    assert window.studio is not None
    events = list_audit_events(
        window.studio, Actor.local_administrator(), AuditFilter(entity="sign_in")
    )
    assert len(events) == 13
    assert {e.actor for e in events} == {SYSTEM.name}
    assert all(" from gui refused: " in e.summary for e in events)
