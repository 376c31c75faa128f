"""Reseller details: an add-on added to a subscription, with the embedded stubs running."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from studio.domain.actors import Actor
from studio.services.subscriptions import (
    SubscribeInput,
    list_subscriptions,
    subscribe_reseller,
)
from tests.gui.wizards.test_subscribe_wizard import _customers, _reseller
from tests.support.gui import first_run, wait_idle
from ui.main_window import MainWindow


def test_an_addon_is_added_from_the_details(qtbot: QtBot, provisioned_window: MainWindow) -> None:
    from studio.services.jobs import get_job
    from studio.services.offerings import OfferingInput, save_offering

    window = provisioned_window
    first_run(qtbot, window)
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
