"""Home » Customer Manager » Quota Over Usage, and overselling."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from studio.domain.actors import Actor
from studio.services.customer_sales import SaleInput, subscribe_customer
from studio.services.customers import create_customer
from tests.gui.reseller_panel.test_window import _w
from tests.support.gui import wait_idle
from tests.support.panel import active_subscription, customer, make_reseller, sign_in
from ui.main_window import MainWindow


def test_quota_over_usage_and_overselling(qtbot: QtBot, window: MainWindow) -> None:
    from tests.support.gui import first_run

    first_run(qtbot, window)
    studio = window.studio
    assert studio is not None
    admin = Actor.local_administrator()
    made = make_reseller(studio, admin)
    sub_id = active_subscription(studio, made.id)  # 10 mailboxes
    actor = sign_in(studio, "reseller1")
    from studio.services.customer_plans import PlanInput, create_plan

    plan = create_plan(
        studio, actor, PlanInput("Six", sub_id, {"mailboxes": "6", "mailbox_size_mb": "512"}, "9")
    )
    first, second = (create_customer(studio, actor, customer(n)) for n in (1, 2))
    subscribe_customer(studio, actor, SaleInput(first.id, plan_id=plan.id))
    window.show_page("quota-usage")
    wait_idle(qtbot, window)
    page = window.current_page()
    assert window.breadcrumb.path_text == "Home » Customer Manager » Quota Over Usage"
    table = _w(page, QWidget, "quotaUsageTable")
    model = table.model()
    assert model.rowCount() == 2  # mailboxes and mailbox size of subscription #sub_id
    assert [model.index(0, c).data() for c in range(7)] == [
        "reseller1",
        "no",
        f"#{sub_id} Hosted Exchange on EXCH01, 1 customer(s)",
        "Mailboxes",
        "6 mailboxes",
        "10 mailboxes",
        "",
    ]
    table.selectRow(0)
    button = _w(page, QPushButton, "quotaOversell")
    assert button.text() == "&Allow Overselling"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert _w(page, QLabel, "quotaState").text() == "reseller1 may now oversell"
    subscribe_customer(studio, actor, SaleInput(second.id, plan_id=plan.id))  # 12 of 10
    qtbot.mouseClick(_w(page, QPushButton, "quotaRefresh"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert model.rowCount() == 2
    _w(page, QCheckBox, "quotaOnlyOver").setChecked(True)
    wait_idle(qtbot, window)
    assert model.rowCount() == 1
    assert [model.index(0, c).data() for c in (1, 4, 5, 6)] == [
        "allowed",
        "12 mailboxes",
        "10 mailboxes",
        "2",
    ]
    assert _w(page, QLabel, "quotaState").text() == "1 quota(s) exceeded"
