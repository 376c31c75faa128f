"""Subscribe As Reseller, driven with the embedded stubs running."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QTableWidget, QWizard
from pytestqt.qtbot import QtBot

from studio.domain.actors import Actor
from studio.provisioning.client import ProvisioningClient
from studio.services.resellers import create_reseller
from studio.services.subscriptions import (
    list_subscriptions,
)
from tests.support.gui import first_run, wait_idle
from tests.support.resellers import sample_reseller
from ui.main_window import MainWindow
from ui.pages.reseller_customers_page import ResellerCustomersPage


def _reseller(window: MainWindow, n: int = 1, kind: str = "subscription") -> int:
    assert window.studio is not None
    data = sample_reseller(n, type=kind)
    return create_reseller(
        window.studio, Actor.local_administrator(), data, require_password=False
    ).id


def _customers(qtbot: QtBot, window: MainWindow) -> ResellerCustomersPage:
    window.show_page("reseller-customers")
    wait_idle(qtbot, window)
    page = window.current_page()
    assert isinstance(page, ResellerCustomersPage)
    return page


def test_subscribe_as_reseller_until_the_subscription_is_active(
    qtbot: QtBot, provisioned_window: MainWindow
) -> None:
    window = provisioned_window
    first_run(qtbot, window)
    commission = _reseller(window, 1, "commission")
    prepaid = _reseller(window, 2)
    page = _customers(qtbot, window)
    page.select_reseller(commission)
    assert not page.subscribe_button.isEnabled()
    assert "Commission Based resellers sell your offerings" in page.subscribe_button.toolTip()
    page.select_reseller(prepaid)
    assert page.subscribe_button.isEnabled()
    qtbot.mouseClick(page.subscribe_button, Qt.MouseButton.LeftButton)
    wizard = page.subscribe_wizard
    assert wizard is not None and wizard.isVisible()
    assert wizard.service_page.key() == "exchange"
    wizard.service_page.quotas["mailboxes"].setValue(25)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert next_button is not None
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    servers = wizard.server_page
    qtbot.waitUntil(servers.isComplete, timeout=10_000)
    assert servers.server() == "EXCH01"
    assert servers.state.text() == "1 of 1 servers hosting Hosted Exchange are ready."
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    summary = wizard.findChild(QLabel, "subscribeSummary")
    assert summary is not None and "Mailboxes 25 mailboxes" in summary.text()
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit is not None and commit.text() == "Subscribe"
    qtbot.mouseClick(commit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == 3, timeout=10_000)
    progress = wizard.progress_page
    qtbot.waitUntil(lambda: progress.final_state == "succeeded", timeout=20_000)
    assert progress.bar.value() == 100
    assert progress.state.text() == "The subscription is active."
    assert window.studio is not None
    [sub] = list_subscriptions(window.studio, Actor.local_administrator(), prepaid)
    assert sub.status == "active" and sub.quotas["mailboxes"] == 25
    qtbot.waitUntil(lambda: window.jobs_status.text() == "", timeout=5000)
    wizard.accept()
    page.refresh()
    wait_idle(qtbot, window)
    row = page.model.view_row_of(prepaid)
    assert page.model.row_at(row).subscriptions == 1
    page._open_details(page.model.index(row, 1))
    wait_idle(qtbot, window)
    dialog = page.details_dialog
    assert dialog is not None
    table = dialog.findChild(QTableWidget, "resellerDetailsSubscriptions")
    assert table is not None and table.rowCount() == 1
    cells = [table.item(0, c).text() for c in range(4)]  # type: ignore[union-attr]
    assert cells == ["Hosted Exchange", "EXCH01", "25 mailboxes, 500 MB each", "active"]
    dialog.close()

    # Suspending the reseller lists what it affects, then suspends it on the server.
    page.select_reseller(prepaid)
    qtbot.mouseClick(page.status_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    box = page.box
    assert box is not None and "• Hosted Exchange on EXCH01" in box.text()
    confirm = box.findChild(QPushButton, "resellerConfirm")
    qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)

    def status() -> str:
        assert window.studio is not None
        return list_subscriptions(window.studio, Actor.local_administrator(), prepaid)[0].status

    qtbot.waitUntil(lambda: status() == "suspended", timeout=20_000)
    assert window.studio is not None and window.studio.embedded is not None
    exch = window.studio.embedded.endpoint("EXCH01")
    assert exch.url and exch.token
    with ProvisioningClient(exch.url, exch.token) as client:
        assert [r["suspended"] for r in client.resources()] == [True]  # on the server too
