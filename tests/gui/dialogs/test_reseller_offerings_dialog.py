"""A Commission Based reseller's Service Offerings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QTableWidget
from pytestqt.qtbot import QtBot

from studio.domain.actors import Actor
from studio.services.offerings import OfferingInput, reseller_offerings, save_offering
from studio.services.resellers import create_reseller
from tests.gui.dialogs.test_offering_dialog import _save_button
from tests.support.gui import first_run, wait_idle
from tests.support.resellers import sample_reseller
from ui.main_window import MainWindow
from ui.pages.reseller_customers_page import ResellerCustomersPage


def test_service_offerings_of_a_commission_based_reseller(qtbot: QtBot, window: MainWindow) -> None:
    first_run(qtbot, window)
    assert window.studio is not None
    admin = Actor.local_administrator()
    offering = save_offering(
        window.studio,
        admin,
        OfferingInput(
            "Exchange 10",
            "exchange",
            "customer",
            {"mailboxes": "10", "mailbox_size_mb": "1024"},
            "5",
        ),
    )
    seller = create_reseller(
        window.studio, admin, sample_reseller(1, type="commission"), require_password=False
    )
    prepaid = create_reseller(window.studio, admin, sample_reseller(2), require_password=False)
    window.show_page("reseller-customers")
    wait_idle(qtbot, window)
    page = window.current_page()
    assert isinstance(page, ResellerCustomersPage)
    page.select_reseller(prepaid.id)
    assert not page.offerings_button.isEnabled()
    assert "service offerings are for Commission Based resellers" in page.offerings_button.toolTip()
    page.select_reseller(seller.id)
    qtbot.mouseClick(page.offerings_button, Qt.MouseButton.LeftButton)
    dialog = page.offerings_dialog
    assert dialog is not None
    wait_idle(qtbot, window)
    assert dialog.table.rowCount() == 1
    dialog.check(offering.id)
    commission = dialog.findChild(QLineEdit, f"resellerOfferingCommission_{offering.id}")
    assert commission is not None and commission.placeholderText() == "10.00 (default)"
    qtbot.keyClicks(commission, "101")
    qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert dialog.state.text() == "Not saved: Exchange 10: commission must be between 0 and 100"
    commission.clear()
    qtbot.keyClicks(commission, "12.5")
    qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert not dialog.isVisible()
    [assigned] = reseller_offerings(window.studio, admin, seller.id)
    assert assigned.commission_bp == 1250
    row = page.model.view_row_of(seller.id)
    page._open_details(page.model.index(row, 1))
    wait_idle(qtbot, window)
    details = page.details_dialog
    assert details is not None
    table = details.findChild(QTableWidget, "resellerDetailsOfferings")
    assert table is not None
    assert [table.item(0, c).text() for c in (0, 2)] == ["Exchange 10", "12.50"]  # type: ignore[union-attr]
    details.close()
