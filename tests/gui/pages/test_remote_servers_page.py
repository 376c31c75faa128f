"""Configure > Remote Servers, with real stub processes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTreeWidget,
)
from pytestqt.qtbot import QtBot

from tests.support.gui import wait_idle
from tests.support.stall_meter import StallMeter
from tests.support.stub_process import StubProcess, stub
from ui.dialogs.remote_server_dialog import RemoteServerDialog
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow


def _find(parent: object, cls: type, name: str):  # type: ignore[no-untyped-def]
    widget = parent.findChild(cls, name)  # type: ignore[attr-defined]
    assert widget is not None, name
    return widget


def _table_rows(window: MainWindow) -> dict[str, list[str]]:
    table = _find(window.page("remote-servers"), QTableView, "remoteServersTable")
    model = table.model()
    return {
        model.index(r, 0).data(): [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    }


@pytest.fixture
def old_build_stub() -> Iterator[StubProcess]:
    process = stub(name="OLD01", build="8.1.2", services=("dns",))
    yield process
    process.kill()


def test_embedded_servers_are_listed_running(qtbot: QtBot, provisioned_window: MainWindow) -> None:
    window = provisioned_window
    status = _find(window, QLabel, "statusProvisioning")
    assert status.text() == "Provisioning: 2 of 2 Remote Servers ready"
    window.show_page("remote-servers")
    qtbot.waitUntil(lambda: set(_table_rows(window)) == {"EXCH01", "WEB01"}, timeout=10_000)
    rows = _table_rows(window)
    assert rows["EXCH01"][2] == "Hosted Exchange, SharePoint"
    assert rows["EXCH01"][3:5] == ["running", "8.2.0"]
    assert rows["WEB01"][1].startswith("embedded (http://127.0.0.1:")
    table = _find(window.page("remote-servers"), QTableView, "remoteServersTable")
    table.selectRow(0)
    assert not _find(window, QPushButton, "remoteServersEdit").isEnabled()
    assert not _find(window, QPushButton, "remoteServersRemove").isEnabled()


def test_adding_a_server_on_another_build_shows_the_mismatch(
    qtbot: QtBot, provisioned_window: MainWindow, old_build_stub: StubProcess
) -> None:
    window = provisioned_window
    window.show_page("remote-servers")
    page = window.page("remote-servers")
    wait_idle(qtbot, window)
    qtbot.mouseClick(_find(page, QPushButton, "remoteServersAdd"), Qt.MouseButton.LeftButton)
    dialog = page.findChild(RemoteServerDialog, "remoteServerDialog")
    assert dialog is not None
    save = _find(dialog, QPushButton, "serverSave")
    assert not save.isEnabled()
    qtbot.keyClicks(_find(dialog, QLineEdit, "serverName"), "old01")
    qtbot.keyClicks(_find(dialog, QLineEdit, "serverHost"), "127.0.0.1")
    qtbot.keyClicks(_find(dialog, QLineEdit, "serverPort"), "99999")
    assert _find(dialog, QLabel, "serverPortError").text() == "must be between 1 and 65535"
    port = _find(dialog, QLineEdit, "serverPort")
    port.clear()
    qtbot.keyClicks(port, str(old_build_stub.port))
    _find(dialog, QCheckBox, "serverService-dns").setChecked(True)
    qtbot.keyClicks(_find(dialog, QLineEdit, "serverToken"), old_build_stub.token)
    assert save.isEnabled()
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "OLD01" in _table_rows(window), timeout=10_000)
    qtbot.waitUntil(lambda: _table_rows(window)["OLD01"][3] == "build mismatch", timeout=10_000)
    assert _table_rows(window)["OLD01"][4] == "8.1.2"
    status = _find(window, QLabel, "statusProvisioning")
    assert status.text() == "Provisioning: 2 of 3 Remote Servers ready"
    window.show_page("prerequisites")
    summary = _find(window.page("prerequisites"), QLabel, "prerequisitesSummary")
    assert summary.text().startswith("Prerequisites fail on OLD01")
    tree = _find(window.page("prerequisites"), QTreeWidget, "prerequisitesTree")
    old = next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if "OLD01" in tree.topLevelItem(i).text(0)
    )
    assert old is not None
    assert old.child(0).text(1) == "OLD01 is on build 8.1.2, the Control Server on 8.2.0"

    # and remove it again, answering the confirmation
    window.show_page("remote-servers")
    table = _find(page, QTableView, "remoteServersTable")
    row = next(
        r for r in range(table.model().rowCount()) if table.model().index(r, 0).data() == "OLD01"
    )
    table.selectRow(row)
    qtbot.mouseClick(_find(page, QPushButton, "remoteServersRemove"), Qt.MouseButton.LeftButton)
    box = page.findChild(QMessageBox, "removeServerDialog")
    assert box is not None
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "OLD01" not in _table_rows(window), timeout=10_000)


def test_a_hanging_server_does_not_freeze_the_window(
    qtbot: QtBot, provisioned_window: MainWindow
) -> None:
    window = provisioned_window
    assert window.studio is not None and window.studio.embedded is not None
    web = window.studio.embedded.running["WEB01"]
    with StubProcess(args=[], state=None, token=web.token, url=web.url).client() as client:
        client.set_faults(mode="hang")
    meter = StallMeter().start()
    window.monitor.check_now()
    qtbot.waitUntil(lambda: not window.monitor.running, timeout=10_000)
    meter.stop()
    assert meter.ticks > 20
    # No gap of 0.5 s between 10 ms ticks: the check waited 2 s for WEB01; the window never did.
    assert meter.max_stall_ms + meter.interval_ms < 500
    window.show_page("remote-servers")
    qtbot.waitUntil(
        lambda: _table_rows(window).get("WEB01", [""] * 4)[3] == "not answering", timeout=10_000
    )
    with StubProcess(args=[], state=None, token=web.token, url=web.url).client() as client:
        client.set_faults(mode="normal")
