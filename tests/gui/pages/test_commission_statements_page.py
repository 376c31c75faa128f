"""Home » Customer Manager » Commission Statements: every reseller's statement."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from studio.db.models import Subscription
from studio.domain.actors import Actor
from studio.services.customer_sales import SaleInput, subscribe_customer
from studio.services.customers import create_customer
from studio.services.offerings import set_reseller_offerings
from tests.gui.reseller_panel.test_window import _w
from tests.support.gui import wait_idle
from tests.support.panel import (
    active_subscription,
    customer,
    mail_small_offering,
    make_reseller,
    sign_in,
)
from ui.main_window import MainWindow


def test_the_provider_sees_every_resellers_statement(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from tests.support.gui import first_run

    first_run(qtbot, window)
    studio = window.studio
    assert studio is not None
    admin = Actor.local_administrator()
    sellers = [make_reseller(studio, admin, n, type="commission") for n in (1, 2)]
    active_subscription(studio, sellers[0].id)
    offering = mail_small_offering(studio, admin)
    set_reseller_offerings(studio, admin, sellers[0].id, [(offering.id, "20")], dt.date(2026, 1, 1))
    actor = sign_in(studio, "reseller1")
    buyer = create_customer(studio, actor, customer())
    sold = subscribe_customer(studio, actor, SaleInput(buyer.id, offering_id=offering.id))
    with studio.unit_of_work() as session:
        session.execute(
            update(Subscription)
            .where(Subscription.id == sold.id)
            .values(created_at=dt.datetime(2026, 3, 2, 12).astimezone(), status="active")
        )
    window.show_page("commission-statements")
    wait_idle(qtbot, window)
    page = window.current_page()
    period = _w(page, QLineEdit, "statementsPeriod")
    qtbot.keyClicks(period, "2026-13")
    qtbot.mouseClick(_w(page, QPushButton, "statementsShow"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert _w(page, QLabel, "statementsPeriodError").text() == (
        "must be a month (2026-11) or a quarter (2026-Q4)"
    )
    assert _w(page, QLabel, "statementsState").text() == (
        "No statement: correct the fields marked above."
    )
    period.clear()
    qtbot.keyClicks(period, "2026-Q1")
    qtbot.mouseClick(_w(page, QPushButton, "statementsShow"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    totals = _w(page, QWidget, "statementsTotals").model()
    assert [[totals.index(r, c).data() for c in range(6)] for r in range(2)] == [
        ["Engines 1 Ltd", "2026-Q1", "1", "9.99", "2.00", "USD"],
        ["Engines 2 Ltd", "2026-Q1", "0", "0.00", "0.00", "USD"],
    ]
    assert _w(page, QLabel, "statementsState").text() == (
        "2 Commission Based reseller(s), 2026-Q1: commission 2.00"
    )
    lines = _w(page, QWidget, "statementsLines").model()
    assert lines.rowCount() == 1 and lines.index(0, 6).data() == "2.00"
    target = tmp_path / "q1.csv"
    page.export_to(target)  # type: ignore[attr-defined]
    wait_idle(qtbot, window)
    assert target.read_text(encoding="utf-8").splitlines()[-1].endswith(",9.99,,2.00")
