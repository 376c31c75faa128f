"""Home » Provisioning Jobs: a failed job retried, with the embedded stubs running."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from studio.domain.actors import Actor
from studio.provisioning.client import ProvisioningClient
from studio.services.subscriptions import (
    SubscribeInput,
    list_subscriptions,
    subscribe_reseller,
)
from tests.gui.wizards.test_subscribe_wizard import _reseller
from tests.support.gui import first_run, wait_idle
from ui.main_window import MainWindow
from ui.pages.provisioning_jobs_page import ProvisioningJobsPage


def test_a_failed_job_is_retried_from_the_jobs_page(
    qtbot: QtBot, provisioned_window: MainWindow
) -> None:
    window = provisioned_window
    first_run(qtbot, window)
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
