"""Subscribe As Reseller and Provisioning Jobs, driven with the embedded stubs running."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QTableWidget, QWizard
from pytestqt.qtbot import QtBot

from studio.domain.actors import Actor
from studio.provisioning.client import ProvisioningClient
from studio.services.resellers import create_reseller
from studio.services.subscriptions import (
    SubscribeInput,
    list_subscriptions,
    subscribe_reseller,
)
from tests.gui.conftest import wait_idle
from tests.gui.test_sign_in import _first_run
from tests.support.resellers import sample_reseller
from ui.main_window import MainWindow
from ui.pages.provisioning_jobs_page import ProvisioningJobsPage
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
    _first_run(qtbot, window)
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


def test_an_addon_is_added_from_the_details(qtbot: QtBot, provisioned_window: MainWindow) -> None:
    from studio.services.jobs import get_job
    from studio.services.offerings import OfferingInput, save_offering

    window = provisioned_window
    _first_run(qtbot, window)
    studio = window.studio
    assert studio is not None
    admin = Actor.local_administrator()
    save_offering(
        studio,
        admin,
        OfferingInput("One more mailbox", "exchange", "", {"mailboxes": "1"}, "3.5"),
        addon=True,
    )
    reseller = _reseller(window)
    view = subscribe_reseller(
        studio,
        admin,
        SubscribeInput(
            reseller, "exchange", "EXCH01", {"mailboxes": "5", "mailbox_size_mb": "500"}
        ),
    )
    assert view.job is not None
    job_id = view.job.id
    window.jobs.wake()
    qtbot.waitUntil(lambda: get_job(studio, admin, job_id).state == "succeeded", timeout=20_000)
    page = _customers(qtbot, window)
    page._open_details(page.model.index(page.model.view_row_of(reseller), 1))
    wait_idle(qtbot, window)
    dialog = page.details_dialog
    assert dialog is not None
    assert dialog.addon_choice.count() == 1
    [sub] = list_subscriptions(studio, admin, reseller)
    assert dialog.addon_choice.itemText(0) == (
        f"One more mailbox (3.50 monthly) → subscription {sub.id} on EXCH01"
    )
    qtbot.mouseClick(dialog.addon_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    [sub] = list_subscriptions(studio, admin, reseller)
    assert sub.job is not None and sub.job.operation == "update"
    assert dialog.addon_state.text() == (f"Job {sub.job.id} pending: see Home » Provisioning Jobs.")
    qtbot.waitUntil(
        lambda: list_subscriptions(studio, admin, reseller)[0].quotas["mailboxes"] == 6,
        timeout=20_000,
    )
    dialog.close()


def test_a_failed_job_is_retried_from_the_jobs_page(
    qtbot: QtBot, provisioned_window: MainWindow
) -> None:
    window = provisioned_window
    _first_run(qtbot, window)
    assert window.studio is not None and window.studio.embedded is not None
    endpoint = window.studio.embedded.endpoint("EXCH01")
    assert endpoint.url and endpoint.token
    admin = Actor.local_administrator()
    with ProvisioningClient(endpoint.url, endpoint.token) as client:
        client.set_faults(fail_rate=1.0)
    reseller = _reseller(window)
    view = subscribe_reseller(
        window.studio,
        admin,
        SubscribeInput(
            reseller, "exchange", "EXCH01", {"mailboxes": "5", "mailbox_size_mb": "500"}
        ),
    )
    assert view.job is not None
    window.jobs.wake()
    window.show_page("provisioning-jobs")
    page = window.current_page()
    assert isinstance(page, ProvisioningJobsPage)

    def state() -> str:
        page.refresh()
        wait_idle(qtbot, window)
        return page.model.rows[0].state if page.model.rows else ""

    qtbot.waitUntil(lambda: state() == "failed", timeout=20_000)
    assert page.model.rows[0].error == (
        "Hosted Exchange on EXCH01 refused the provision: simulated failure (fault injection)"
    )
    page.select_job(view.job.id)
    assert page.retry_button.isEnabled() and not page.cancel_button.isEnabled()
    with ProvisioningClient(endpoint.url, endpoint.token) as client:
        client.set_faults(fail_rate=0.0)
    qtbot.mouseClick(page.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: state() == "succeeded", timeout=20_000)
    [sub] = list_subscriptions(window.studio, admin, reseller)
    assert sub.status == "active"
