"""Reseller Customers and the New Reseller wizard, driven as an administrator does."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QTextBrowser,
    QWizard,
)
from pytestqt.qtbot import QtBot

from studio.actors import Actor, Role
from studio.reseller_settings import ResellerTypeInput
from studio.services.reseller_settings import get_reseller_settings, save_reseller_settings
from studio.services.resellers import (
    create_reseller,
    get_reseller,
    list_resellers,
    update_reseller,
)
from tests.gui.conftest import wait_idle
from tests.gui.test_sign_in import _first_run
from tests.support.resellers import PASSWORD, sample_reseller
from ui.main_window import MainWindow
from ui.pages.reseller_customers_page import ResellerCustomersPage
from ui.wizards.reseller_wizard import ResellerWizard


def _page(qtbot: QtBot, window: MainWindow) -> ResellerCustomersPage:
    _first_run(qtbot, window)
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


def _fill_personal(qtbot: QtBot, wizard: ResellerWizard, username: str = "acme.hosting") -> None:
    p = wizard.personal
    _type(qtbot, p.username, username)
    _type(qtbot, p.password, PASSWORD)
    _type(qtbot, p.confirmation, PASSWORD)
    _type(qtbot, p.first_name, "Zoë")
    _type(qtbot, p.last_name, "王小明")
    _type(qtbot, p.email, "zoe@acme.example")
    _type(qtbot, p.address.edits["line1"], "1 Harbour Street")
    _type(qtbot, p.address.edits["city"], "Manchester")
    p.address.country.set_code("GB")
    _type(qtbot, p.phone, "0161 496 0000")


def test_new_reseller_from_type_to_add_reseller(qtbot: QtBot, window: MainWindow) -> None:
    page = _page(qtbot, window)
    assert page.count.text() == "0 of 0 shown"
    wizard = _open_wizard(qtbot, window, page)
    assert not _next(wizard).isEnabled()  # no type chosen yet
    wizard.type_page.buttons["commission"].setChecked(True)
    assert _next(wizard).isEnabled()
    qtbot.mouseClick(_next(wizard), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == 1
    assert not _next(wizard).isEnabled()
    p = wizard.personal
    _type(qtbot, p.email, "not-an-address")
    error = wizard.findChild(QLabel, "resellerEmailError")
    assert error is not None and error.isVisible()
    assert error.text() == "An email address must have an @-sign."
    first_name_error = wizard.findChild(QLabel, "resellerFirstNameError")
    assert first_name_error is not None and first_name_error.text() == ""  # untouched: quiet
    _fill_personal(qtbot, wizard)
    assert not error.isVisible()
    assert _next(wizard).isEnabled()
    qtbot.mouseClick(_next(wizard), Qt.MouseButton.LeftButton)  # checks the database first
    qtbot.waitUntil(lambda: wizard.currentId() == 2, timeout=5000)

    c = wizard.company
    assert not _next(wizard).isEnabled()  # company name is required
    _type(qtbot, c.name, "Acme <b>Hosting</b>")
    qtbot.mouseClick(c.same_as_personal, Qt.MouseButton.LeftButton)
    assert c.address.edits["city"].text() == "Manchester"
    editor = c.departments
    assert [d.name for d in editor.value()] == ["Billing", "Sales", "Support"]
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    editor.rename(3, "Abuse")
    editor.list.setCurrentRow(0)
    _type(qtbot, editor.email, "billing@acme.example")
    editor.signature.setPlainText("Kind regards,\n<Billing> team")
    preview = editor.preview.toPlainText()
    assert "<Billing> team" in preview and "Acme <b>Hosting</b>" in preview
    editor.list.setCurrentRow(1)
    _type(qtbot, editor.email, "sales@")
    assert not _next(wizard).isEnabled()
    assert editor.fields.error_text("email") == "There must be something after the @-sign."
    editor.email.clear()
    assert _next(wizard).isEnabled()
    qtbot.mouseClick(_next(wizard), Qt.MouseButton.LeftButton)

    summary = wizard.findChild(QTextBrowser, "resellerWizardSummary")
    assert summary is not None
    text = summary.toPlainText()
    assert "Commission Based" in text and "+44 161 496 0000" in text
    assert "United Kingdom" in text and "Billing, Sales, Support, Abuse" in text
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish is not None and finish.text() == "Add Reseller"
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=10_000)
    wait_idle(qtbot, window)
    assert page.count.text() == "1 of 1 shown"
    row = page.selected_row()
    assert row is not None and (row.name, row.company) == ("Zoë 王小明", "Acme <b>Hosting</b>")
    assert window.studio is not None
    stored = get_reseller(window.studio, Actor.local_administrator(), row.id)
    assert stored.data.phone == "+441614960000"
    assert stored.data.company.departments[0].signature == "Kind regards,\n<Billing> team"
    assert stored.data.company.departments[3].name == "Abuse"
    assert stored.has_password and stored.data.type == "commission"


def test_a_used_username_is_named_beside_the_field(qtbot: QtBot, window: MainWindow) -> None:
    page = _page(qtbot, window)
    _seed(window, 1)
    _reload(qtbot, window, page)
    wizard = _open_on_personal(qtbot, window, page)
    _fill_personal(qtbot, wizard, username="RESELLER1")
    qtbot.mouseClick(_next(wizard), Qt.MouseButton.LeftButton)
    error = wizard.findChild(QLabel, "resellerUsernameError")
    assert error is not None
    qtbot.waitUntil(lambda: error.text() == "is already used by another reseller", timeout=5000)
    assert wizard.currentId() == 1
    assert not _next(wizard).isEnabled()
    _type(qtbot, wizard.personal.username, "someone.else")
    assert _next(wizard).isEnabled()


def test_cancel_with_typed_input_asks_first(qtbot: QtBot, window: MainWindow) -> None:
    page = _page(qtbot, window)
    wizard = _open_on_personal(qtbot, window, page)
    _type(qtbot, wizard.personal.first_name, "Ada")
    wizard.reject()
    box = wizard.findChild(QMessageBox, "resellerWizardDiscard")
    assert box is not None and box.isVisible()
    cancel = box.button(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert wizard.isVisible()
    wizard.reject()
    box = wizard.discard_box
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible())


def test_no_enabled_type_offers_reseller_settings(qtbot: QtBot, window: MainWindow) -> None:
    page = _page(qtbot, window)
    assert window.studio is not None
    admin = Actor.local_administrator()
    inputs: list[ResellerTypeInput] = [
        replace(t.as_input(), enabled=False)
        for t in get_reseller_settings(window.studio, admin).values()
    ]
    save_reseller_settings(window.studio, admin, inputs)
    _reload(qtbot, window, page)
    wizard = _open_wizard(qtbot, window, page)
    assert wizard.type_page.none_label.isVisible()
    assert not _next(wizard).isEnabled()
    qtbot.mouseClick(wizard.type_page.open_settings, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    wait_idle(qtbot, window)
    assert window.current_page().objectName() == "page-reseller-settings"


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


def test_a_concurrent_edit_is_refused_and_offers_reload(qtbot: QtBot, window: MainWindow) -> None:
    page = _page(qtbot, window)
    (rid,) = _seed(window, 1)
    _reload(qtbot, window, page)
    page.select_reseller(rid)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.wizard is not None and page.wizard.isVisible(), timeout=5000)
    wizard = page.wizard
    assert wizard is not None and wizard.windowTitle() == "Edit Reseller"
    assert wizard.personal.first_name.text() == "Ada"
    assert wizard.personal.phone.text() == "+44 20 7946 0958"
    # Meanwhile, someone else saves the same reseller.
    assert window.studio is not None
    other = Actor("mallory", Role.PROVIDER_ADMINISTRATOR)
    current = get_reseller(window.studio, other, rid)
    update_reseller(
        window.studio, other, rid, replace(current.data, first_name="Augusta"), current.version
    )
    _type(qtbot, wizard.personal.last_name, "King")
    wizard.setStartId(0)
    for _ in range(2):
        qtbot.mouseClick(_next(wizard), Qt.MouseButton.LeftButton)
        wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: wizard.currentId() == 2, timeout=5000)
    qtbot.mouseClick(_next(wizard), Qt.MouseButton.LeftButton)
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish is not None and finish.text() == "Save Changes"
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    state = wizard.summary.state.text()
    assert "changed by mallory" in state and "nothing was saved" in state
    assert wizard.summary.reload_button.isVisible()
    qtbot.mouseClick(wizard.summary.reload_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert wizard.personal.first_name.text() == "Augusta"
    assert wizard.personal.last_name.text() == "Lovelace1"
    assert get_reseller(window.studio, other, rid).data.last_name == "Lovelace1"


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
    with target.open(encoding="utf-8", newline="") as handle:
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


def test_add_and_subscribe_service_continues_into_subscribe_as_reseller(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = _page(qtbot, window)
    wizard = _open_on_personal(qtbot, window, page)
    _fill_personal(qtbot, wizard)
    qtbot.mouseClick(_next(wizard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == 2, timeout=5000)
    _type(qtbot, wizard.company.name, "Acme Hosting")
    add_and_subscribe = wizard.button(QWizard.WizardButton.CustomButton1)
    assert add_and_subscribe is not None and not add_and_subscribe.isVisible()
    qtbot.mouseClick(_next(wizard), Qt.MouseButton.LeftButton)
    assert add_and_subscribe.isVisible()
    assert add_and_subscribe.text() == "Add and Subscribe Service"
    qtbot.mouseClick(add_and_subscribe, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.subscribe_wizard is not None, timeout=10_000)
    assert not wizard.isVisible()
    subscribe = page.subscribe_wizard
    assert subscribe is not None and subscribe.isVisible()
    assert subscribe.windowTitle() == "Subscribe As Reseller: Acme Hosting"
    subscribe.reject()


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
    from tests.gui.test_sign_in import PASSWORD as ADMIN_PASSWORD

    password = window.findChild(QLineEdit, "signInPassword")
    assert password is not None
    qtbot.keyClicks(password, ADMIN_PASSWORD)
    qtbot.keyClick(password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked, timeout=10_000)
    assert wizard.isVisible() and wizard.currentId() == 1
    assert wizard.personal.first_name.text() == "Ada"
