"""Services: a new offering checked beside its fields."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from tests.support.gui import first_run, wait_idle
from ui.main_window import MainWindow
from ui.pages.services_page import ServicesPage


def _save_button(dialog: object) -> object:
    box = dialog.findChild(QDialogButtonBox)  # type: ignore[attr-defined]
    assert box is not None
    return box.button(QDialogButtonBox.StandardButton.Save)


def test_a_new_offering_is_checked_beside_its_fields(qtbot: QtBot, window: MainWindow) -> None:
    first_run(qtbot, window)
    window.show_page("services")
    wait_idle(qtbot, window)
    page = window.current_page()
    assert isinstance(page, ServicesPage)
    assert page.catalog.item(0, 0).text() == "Hosted Exchange"  # type: ignore[union-attr]
    qtbot.mouseClick(page.offerings.new, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.name, "Exchange 25")
    qtbot.keyClicks(dialog.price, "9.999")
    dialog.quotas["mailboxes"].setValue(25)
    qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert dialog.fields.error_text("price") == "may have at most two decimals"
    dialog.price.clear()
    qtbot.keyClicks(dialog.price, "9.99")
    qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert not dialog.isVisible()
    assert [(o.name, o.price_cents, o.quotas["mailboxes"]) for o in page.offerings.model.rows] == [
        ("Exchange 25", 999, 25)
    ]
    assert page.state.text() == "Saved Exchange 25."
