"""The main window: tree, breadcrumb, menus, remembered state, database status."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QPushButton, QTableView, QTreeWidget
from pytestqt.qtbot import QtBot

from studio.db.revisions import HEAD
from tests.support.gui import wait_idle
from ui.app import build_main_window
from ui.main_window import MainWindow
from ui.pages.info_page import COMING


def _click_tree(qtbot: QtBot, window: MainWindow, title: str) -> None:
    tree = window.findChild(QTreeWidget, "navigationTree")
    assert tree is not None
    items = tree.findItems(title, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    assert len(items) == 1, title
    rect = tree.visualItemRect(items[0])
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _breadcrumb(window: MainWindow) -> str:
    label = window.findChild(QLabel, "breadcrumb")
    assert label is not None
    return label.accessibleDescription()


def test_tree_mirrors_both_branches(window: MainWindow) -> None:
    tree = window.navigation
    tops = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert [item.text(0) for item in tops if item] == ["Configuration Studio", "Control Panel"]
    studio_branch = tops[0]
    assert studio_branch is not None
    branch = [studio_branch.child(i) for i in range(studio_branch.childCount())]
    assert [item.text(0) for item in branch if item] == [
        "Control Panel Website",
        "Database",
        "Provisioning Service",
        "Remote Servers",
        "Prerequisites Check",
    ]


def test_clicking_the_tree_shows_the_page_and_its_path(qtbot: QtBot, window: MainWindow) -> None:
    _click_tree(qtbot, window, "Reseller Settings")
    assert window.navigation.current_key() == "reseller-settings"
    assert window.current_page().objectName() == "page-sign-in"  # provider credentials first
    assert _breadcrumb(window) == "Home » System Configuration » Reseller Settings"
    _click_tree(qtbot, window, "Reseller Customers")
    assert _breadcrumb(window) == "Home » Customer Manager » Customers » Reseller Customers"
    _click_tree(qtbot, window, "Control Panel Website")
    assert _breadcrumb(window) == "Configure > Control Panel Website"


def test_breadcrumb_ancestors_are_links(qtbot: QtBot, window: MainWindow) -> None:
    window.show_page("reseller-settings")
    assert '<a href="page:system-configuration">' in window.breadcrumb.text()
    window.breadcrumb.linkActivated.emit("page:system-configuration")
    assert window.navigation.current_key() == "system-configuration"
    assert _breadcrumb(window) == "Home » System Configuration"


def test_menus_have_mnemonics_and_open_pages(qtbot: QtBot, window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Configure", "Control &Panel", "&Help"]
    configure = window.findChild(QMenu, "menuConfigure")
    assert configure is not None
    database = window.findChild(QAction, "action-database")
    assert database is not None
    assert database in configure.actions()
    database.trigger()
    assert window.current_page().objectName() == "page-database"
    assert _breadcrumb(window) == "Configure > Database"
    exit_action = window.findChild(QAction, "actionExit")
    assert exit_action is not None
    assert exit_action.shortcut().toString() == "Ctrl+Q"


def test_pages_still_to_come_say_what_they_will_hold(window: MainWindow) -> None:
    for key, text in COMING.items():
        page = window.page(key)
        description = page.findChild(QLabel, "pageDescription")
        assert description is not None
        assert description.text() == text
        assert page.findChildren(QTableView) == []


def test_status_bar_names_the_database(window: MainWindow) -> None:
    status = window.findChild(QLabel, "statusDatabase")
    assert status is not None
    assert status.text() == f"Database: sqlite, schema {HEAD}"


def test_last_page_and_geometry_are_remembered(
    qtbot: QtBot, window: MainWindow, data_dir: Path
) -> None:
    window.show_page("reseller-customers")
    window.resize(701, 457)
    window.close()
    again = build_main_window(data_dir, embedded_provisioning=False)
    qtbot.addWidget(again)
    assert again.navigation.current_key() == "reseller-customers"
    assert (again.size().width(), again.size().height()) == (701, 457)
    assert (data_dir / "settings.ini").is_file()


def test_an_unusable_database_is_shown_not_raised(qtbot: QtBot, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    win = build_main_window(blocker / "studio", embedded_provisioning=False)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.studioFailed, timeout=10_000) as failed:
        win.show()
    assert "cannot be created" in failed.args[0]
    wait_idle(qtbot, win)
    status = win.findChild(QLabel, "statusDatabase")
    assert status is not None and status.text() == "Database: not available"
    error = win.page("database").findChild(QLabel, "databaseError")
    assert error is not None and not error.isHidden()
    assert error.text().startswith("The database could not be opened: data folder")
    state = win.page("website").findChild(QLabel, "websiteState")
    assert state is not None and state.text().startswith("The settings cannot be loaded")


def test_a_failed_open_can_be_retried(qtbot: QtBot, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    win = build_main_window(blocker / "studio", embedded_provisioning=False)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.studioFailed, timeout=10_000):
        win.show()
    wait_idle(qtbot, win)
    blocker.unlink()
    blocker.mkdir()
    win.show_page("database")
    refresh = win.page("database").findChild(QPushButton, "databaseRefresh")
    assert refresh is not None and refresh.isEnabled()
    with qtbot.waitSignal(win.studioOpened, timeout=10_000):
        qtbot.mouseClick(refresh, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)
    status = win.findChild(QLabel, "statusDatabase")
    assert status is not None and status.text() == f"Database: sqlite, schema {HEAD}"
    error = win.page("database").findChild(QLabel, "databaseError")
    assert error is not None and error.isHidden()
