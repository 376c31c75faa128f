"""A Commission Based reseller's statement in its panel, and its CSV."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from studio.db.models import Subscription
from studio.domain.actors import Actor
from studio.services.customer_sales import SaleInput, subscribe_customer
from studio.services.customers import create_customer
from studio.services.offerings import set_reseller_offerings
from tests.gui.reseller_panel.test_window import _idle, _w
from tests.support.panel import (
    active_subscription,
    customer,
    mail_small_offering,
    make_reseller,
    sign_in,
)
from ui.main_window import MainWindow
from ui.reseller_panel.plans_page import PlansPage
from ui.reseller_panel.statements_page import StatementsPage
from ui.reseller_panel.window import ResellerPanelWindow


def test_a_commission_resellers_statement_and_its_csv(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    studio = window.studio
    assert studio is not None
    admin = Actor.local_administrator()
    made = make_reseller(studio, admin, type="commission")
    active_subscription(studio, made.id)
    offering = mail_small_offering(studio, admin)
    set_reseller_offerings(studio, admin, made.id, [(offering.id, "12.5")], dt.date(2026, 1, 1))
    actor = sign_in(studio, "reseller1")
    buyer = create_customer(studio, actor, customer())
    for day in (3, 17):
        sold = subscribe_customer(studio, actor, SaleInput(buyer.id, offering_id=offering.id))
        with studio.unit_of_work() as session:
            session.execute(
                update(Subscription)
                .where(Subscription.id == sold.id)
                .values(created_at=dt.datetime(2026, 2, day, 12).astimezone(), status="active")
            )
    panel = ResellerPanelWindow(window.runner, studio, actor, window.jobs)
    qtbot.addWidget(panel)
    panel.show()
    panel.start()
    qtbot.waitUntil(lambda: panel.ready, timeout=10_000)
    _idle(qtbot, panel)
    plans = panel.show_page("plans")
    assert isinstance(plans, PlansPage)
    assert plans.offerings.rows[0].commission_text == "12.50"
    assert not _w(plans, QPushButton, "planNewButton").isVisible()
    statements = panel.show_page("statements")
    assert isinstance(statements, StatementsPage)
    qtbot.keyClicks(_w(statements, QLineEdit, "statementPeriod"), "2026-02")
    qtbot.mouseClick(_w(statements, QPushButton, "statementShowButton"), Qt.MouseButton.LeftButton)
    _idle(qtbot, panel)
    assert _w(statements, QLabel, "statementTotals").text() == (
        "2026-02: 2 sale(s), 19.98 USD sold, commission 2.50 USD"
    )
    target = tmp_path / "feb.csv"
    statements.export_to(target)
    _idle(qtbot, panel)
    with target.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["commission"] for r in rows] == ["1.25", "1.25", "2.50"]
    panel.close()
