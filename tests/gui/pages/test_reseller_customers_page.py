"""Reseller Customers, driven as an administrator does."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QTextBrowser,
    QWizard,
)
from pytestqt.qtbot import QtBot

from studio.domain.actors import Actor, Role
from studio.services.reseller_list import list_resellers
from studio.services.resellers import create_reseller, get_reseller
from tests.support.gui import first_run, wait_idle
from tests.support.resellers import sample_reseller
from ui.main_window import MainWindow
from ui.pages.reseller_customers_page import ResellerCustomersPage
from ui.wizards.reseller_wizard import ResellerWizard


def _page(qtbot: QtBot, window: MainWindow) -> ResellerCustomersPage:
    first_run(qtbot, window)
    window.show_page("reseller-customers")
    wait_idle(qtbot, window)
    page = window.current_page()
    assert isinstance(page, ResellerCustomersPage)
    return page


def _seed(window: MainWindow, *numbers: int, **changes: object) -> list[int]:
    assert window.studio is not None
    admin = Actor.local_administrator()
    return [
        create_reseller(
            window.studio, admin, sample_reseller(n, **changes), require_password=False
        ).id
        for n in numbers
    ]


def _reload(qtbot: QtBot, window: MainWindow, page: ResellerCustomersPage) -> None:
    page.refresh()
    wait_idle(qtbot, window)


def _type(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Type ``text``; QTest has keys only for ASCII, so other scripts arrive as an input
    method would deliver them: inserted at the cursor."""
    edit.clear()
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:
        edit.insert(text)


def _next(wizard: ResellerWizard) -> QAbstractButton:
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button is not None
    return button


def _open_wizard(qtbot: QtBot, window: MainWindow, page: ResellerCustomersPage) -> ResellerWizard:
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    wizard = page.wizard
    assert wizard is not None
    qtbot.waitUntil(wizard.isVisible)
    return wizard


def _open_on_personal(
    qtbot: QtBot, window: MainWindow, page: ResellerCustomersPage
) -> ResellerWizard:
    """New Reseller, Subscription Based, on the login and personal details page."""
    wizard = _open_wizard(qtbot, window, page)
    wizard.type_page.buttons["subscription"].setChecked(True)
    qtbot.mouseClick(_next(wizard), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == 1
    return wizard


def test_search_filters_sort_and_count(qtbot: QtBot, window: MainWindow) -> None:
    page = _page(qtbot, window)
    _seed(window, 1, 2)
    _seed(window, 3, type="commission", company=replace(sample_reseller().company, name="Zeta"))
    _reload(qtbot, window, page)
    assert page.count.text() == "3 of 3 shown"
    qtbot.keyClicks(page.search, "ENGINES")
    assert page.count.text() == "2 of 3 shown"
    page.search.clear()
    page.type_filter.setCurrentIndex(page.type_filter.findData("commission"))
    assert page.count.text() == "1 of 3 shown"
    assert page.model.row_at(0).company == "Zeta"
    page.type_filter.setCurrentIndex(0)
    page.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert [page.model.row_at(i).company for i in range(3)] == [
        "Zeta",
        "Engines 2 Ltd",
        "Engines 1 Ltd",
    ]
    page.status_filter.setCurrentIndex(page.status_filter.findData("suspended"))
    assert page.count.text() == "0 of 3 shown"
    assert not page.export_button.isEnabled()


def _confirm(qtbot: QtBot, page: ResellerCustomersPage) -> None:
    box = page.box
    assert box is not None and box.isVisible()
    confirm = box.findChild(QPushButton, "resellerConfirm")
    qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)


def test_suspend_activate_and_delete(qtbot: QtBot, window: MainWindow) -> None:
    page = _page(qtbot, window)
    (first,) = _seed(window, 1)
    _reload(qtbot, window, page)
    page.select_reseller(first)
    assert page.status_button.text() == "&Suspend"
    qtbot.mouseClick(page.status_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)  # the question lists the subscriptions it affects: read first
    _confirm(qtbot, page)
    wait_idle(qtbot, window)
    assert page.selected_row() is not None and page.selected_row().status == "suspended"  # type: ignore[union-attr]
    assert window.studio is not None
    admin = Actor.local_administrator()
    assert get_reseller(window.studio, admin, first).status == "suspended"
    assert page.status_button.text() == "&Activate"
    qtbot.mouseClick(page.status_button, Qt.MouseButton.LeftButton)  # no question to activate
    wait_idle(qtbot, window)
    assert page.model.row_at(0).status == "active"
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert "stay in the audit log" in page.box.text()  # type: ignore[union-attr]
    _confirm(qtbot, page)
    wait_idle(qtbot, window)
    assert page.count.text() == "0 of 0 shown"
    assert list_resellers(window.studio, admin) == []


def test_details_show_every_tab_and_the_history(qtbot: QtBot, window: MainWindow) -> None:
    page = _page(qtbot, window)
    (rid,) = _seed(window, 1)
    _reload(qtbot, window, page)
    row = page.model.view_row_of(rid)
    page._open_details(page.model.index(row, 1))
    wait_idle(qtbot, window)
    dialog = page.details_dialog
    assert dialog is not None and dialog.isVisible()
    tabs = dialog.findChild(QTabWidget, "resellerDetailsTabs")
    assert tabs is not None
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Personal",
        "Company",
        "Signatures",
        "Subscriptions",
        "History",
    ]
    signatures = dialog.findChild(QTextBrowser, "resellerDetailsSignatures")
    assert signatures is not None
    assert "Billing team" in signatures.toPlainText()
    history = dialog.findChild(QTableWidget, "resellerDetailsHistory")
    assert history is not None
    first_event = history.item(0, 2)
    assert first_event is not None and first_event.text() == "create"
    dialog.close()


def test_export_then_import_reports_by_line(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    page = _page(qtbot, window)
    _seed(window, 1, 2)
    _reload(qtbot, window, page)
    qtbot.keyClicks(page.search, "engines 2")
    target = tmp_path / "shown.csv"
    page.export_to(target)
    wait_idle(qtbot, window)
    assert page.state.text() == f"Exported 1 resellers to {target}."
    with target.open(encoding="utf-8-sig", newline="") as handle:
        assert [r["username"] for r in csv.DictReader(handle)] == ["reseller2"]
    page.import_from(target)  # the same reseller again: refused, nothing written
    wait_idle(qtbot, window)
    report = page.box
    assert report is not None and report.objectName() == "resellerImportReport"
    assert "line 2, username: is already used by another reseller" in report.detailedText()
    assert page.state.text().startswith("Nothing was imported: 2 problems on 1 lines")
    report.close()
    assert window.studio is not None
    assert len(list_resellers(window.studio, Actor.local_administrator())) == 2


def test_staff_see_resellers_but_cannot_change_them(qtbot: QtBot, window: MainWindow) -> None:
    page = _page(qtbot, window)
    staff = ResellerCustomersPage(page.spec, page.runner, Actor("sam", Role.PROVIDER_STAFF))
    qtbot.addWidget(staff)
    _seed(window, 1)
    assert window.studio is not None
    staff.set_studio(window.studio)
    wait_idle(qtbot, window)
    staff.select_reseller(staff.model.row_at(0).id)
    assert staff.count.text() == "1 of 1 shown"
    changing = (
        staff.new_button,
        staff.edit_button,
        staff.status_button,
        staff.delete_button,
        staff.import_button,
        staff.subscribe_button,
        staff.offerings_button,
    )
    assert [b.objectName() for b in changing if b.isEnabled()] == []
    assert staff.export_button.isEnabled()  # reading is allowed
    assert "may view resellers but not change them" in staff.new_button.toolTip()


def test_the_idle_lock_hides_a_half_filled_wizard_and_unlocking_brings_it_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtWidgets import QMessageBox as Box

    page = _page(qtbot, window)
    wizard = _open_on_personal(qtbot, window, page)
    _type(qtbot, wizard.personal.first_name, "Ada")
    window.lock()
    assert not wizard.isVisible()
    assert not [b for b in wizard.findChildren(Box) if b.isVisible()]  # no "Discard?"
    from tests.support.gui import PASSWORD as ADMIN_PASSWORD

    password = window.findChild(QLineEdit, "signInPassword")
    assert password is not None
    qtbot.keyClicks(password, ADMIN_PASSWORD)
    qtbot.keyClick(password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked, timeout=10_000)
    assert wizard.isVisible() and wizard.currentId() == 1
    assert wizard.personal.first_name.text() == "Ada"
