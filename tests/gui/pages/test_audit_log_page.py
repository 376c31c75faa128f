"""Home » System Configuration » Audit Log, as an administrator uses it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from tests.support.gui import wait_idle
from ui.main_window import MainWindow


def _save_port(qtbot: QtBot, window: MainWindow, port: str) -> None:
    window.show_page("website")
    edit = window.findChild(QLineEdit, "websitePort")
    assert edit is not None
    edit.setText(port)
    save = window.findChild(QPushButton, "websiteSave")
    assert save is not None
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)


def test_changes_appear_and_can_be_filtered_and_exported(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    _save_port(qtbot, window, "8080")
    _save_port(qtbot, window, "9090")
    window.show_page("audit-log")
    assert window.breadcrumb.path_text == "Home » System Configuration » Audit Log"
    page = window.page("audit-log")
    wait_idle(qtbot, window)
    table = page.findChild(QTableView, "auditTable")
    assert table is not None
    model = table.model()
    assert model.rowCount() == 2
    assert model.index(0, 2).data() == "website.update"
    assert model.index(0, 4).data() == "port: 8080 \u2192 9090"
    count = page.findChild(QLabel, "auditCount")
    assert count is not None and count.text() == "2 events shown"

    entity = page.findChild(QComboBox, "auditEntity")
    assert entity is not None
    assert entity.findData("remote_server") == -1  # only entities that occur are offered
    entity.setCurrentIndex(entity.findData("website_settings"))
    wait_idle(qtbot, window)
    assert model.rowCount() == 2

    until = page.findChild(QDateEdit, "auditUntil")
    since = page.findChild(QDateEdit, "auditSince")
    assert until is not None and since is not None
    today = dt.date.today()
    since.setDate(QDate(today.year, today.month, today.day))
    yesterday = today - dt.timedelta(days=1)
    until.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    error = page.findChild(QLabel, "auditUntilError")
    assert error is not None and error.text() == "must not be before the From date"
    until.setDate(QDate(today.year, today.month, today.day))
    wait_idle(qtbot, window)
    assert not error.isVisible()
    assert model.rowCount() == 2

    export = page.findChild(QPushButton, "auditExport")
    assert export is not None
    qtbot.mouseClick(export, Qt.MouseButton.LeftButton)
    dialog = page.findChild(QFileDialog, "auditExportDialog")
    assert dialog is not None
    target = tmp_path / "exported.csv"
    dialog.fileSelected.emit(str(target))
    dialog.reject()
    wait_idle(qtbot, window)
    assert target.read_text(encoding="utf-8").count("\n") == 3
    assert window.statusBar().currentMessage() == f"Exported 2 audit events to {target}"


def test_a_line_says_whether_the_hash_chain_holds(qtbot: QtBot, window: MainWindow) -> None:
    _save_port(qtbot, window, "8080")
    _save_port(qtbot, window, "9090")
    window.show_page("audit-log")
    page = window.page("audit-log")
    wait_idle(qtbot, window)
    chain = page.findChild(QLabel, "auditChain")
    assert chain is not None and chain.text() == "Hash chain: ok: 2 rows"

    studio = window.session.studio
    assert studio is not None
    with studio.engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET summary = 'nothing' WHERE id = 1"))
    refresh = page.findChild(QPushButton, "auditRefresh")
    assert refresh is not None
    qtbot.mouseClick(refresh, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert chain.text() == (
        "Hash chain broken: row #1 was changed after it was written "
        "(its hash does not match its content); 0 rows before it are intact"
    )
