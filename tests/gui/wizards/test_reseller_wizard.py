"""The New / Edit Reseller wizard, driven as an administrator does."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QTextBrowser,
    QWizard,
)
from pytestqt.qtbot import QtBot

from studio.domain.actors import Actor, Role
from studio.domain.reseller_settings_rules import ResellerTypeInput
from studio.services.reseller_settings import get_reseller_settings, save_reseller_settings
from studio.services.resellers import (
    get_reseller,
    update_reseller,
)
from tests.gui.pages.test_reseller_customers_page import (
    _next,
    _open_on_personal,
    _open_wizard,
    _page,
    _reload,
    _seed,
    _type,
)
from tests.support.gui import wait_idle
from tests.support.resellers import PASSWORD
from ui.main_window import MainWindow
from ui.wizards.reseller_wizard import ResellerWizard


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
