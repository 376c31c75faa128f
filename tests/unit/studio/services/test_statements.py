"""Commission statements: hand-computed Decimal expectations, periods, who sees what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import update

from studio.context import Studio
from studio.db.models import Subscription
from studio.domain.actors import Actor
from studio.domain.statement_rules import csv_rows
from studio.errors import FieldError
from studio.services import customer_sales, customers
from studio.services.customer_sales import SaleInput
from studio.services.offerings import OfferingInput, save_offering, set_reseller_offerings
from studio.services.statements import commission_statement
from tests.support.panel import active_subscription, customer, make_reseller, sign_in


def _offering(studio: Studio, admin: Actor, name: str, price: str, cycle: str) -> int:
    view = save_offering(
        studio,
        admin,
        OfferingInput(
            name, "exchange", "customer", {"mailboxes": "5", "mailbox_size_mb": "512"}, price, cycle
        ),
    )
    return view.id


def _dated(studio: Studio, sub_id: int, when: dt.datetime, status: str = "active") -> None:
    """As if sold at ``when`` and provisioned (or ended ``status``) since."""
    with studio.unit_of_work() as session:
        session.execute(
            update(Subscription)
            .where(Subscription.id == sub_id)
            .values(created_at=when, status=status)
        )


def _local(*args: int) -> dt.datetime:
    """A moment in this computer's time zone, where statements count days."""
    return dt.datetime(*args).astimezone()  # type: ignore[arg-type]


def test_a_statement_by_hand(studio: Studio, admin: Actor) -> None:
    made = make_reseller(studio, admin, type="commission")
    active_subscription(studio, made.id)  # a Remote Server hosting Exchange
    small = _offering(studio, admin, "Mail Small", "9.99", "monthly")
    large = _offering(studio, admin, "Mail Large", "24.50", "quarterly")
    set_reseller_offerings(
        studio, admin, made.id, [(small, "12.5"), (large, "12.50")], dt.date(2026, 1, 1)
    )
    actor = sign_in(studio, "reseller1")
    buyer = customers.create_customer(studio, actor, customer())

    def sell(offering_id: int, when: dt.datetime, status: str = "active") -> None:
        sold = customer_sales.subscribe_customer(
            studio, actor, SaleInput(buyer.id, offering_id=offering_id)
        )
        _dated(studio, sold.id, when, status)

    sell(small, _local(2026, 2, 10, 9, 0))  # 9.99 x 12.5 % = 1.24875 -> 1.25
    sell(large, _local(2026, 2, 14, 23, 59))  # 24.50 x 12.5 % = 3.0625 -> 3.06
    sell(large, _local(2026, 2, 20, 12, 0), "failed")  # never a sale
    sell(large, _local(2026, 2, 21, 12, 0), "pending")  # not yet a sale
    set_reseller_offerings(
        studio, admin, made.id, [(small, "15"), (large, "12.5")], dt.date(2026, 2, 15)
    )
    sell(small, _local(2026, 2, 15, 0, 0))  # 9.99 x 15 % = 1.4985 -> 1.50
    sell(small, _local(2026, 3, 1, 0, 0))  # March: 1.50
    # Later: another price and another commission change nothing already sold.
    save_offering(
        studio,
        admin,
        OfferingInput(
            "Mail Small",
            "exchange",
            "customer",
            {"mailboxes": "5", "mailbox_size_mb": "512"},
            "12.00",
            "monthly",
        ),
        small,
    )
    set_reseller_offerings(studio, admin, made.id, [(small, "30"), (large, "30")])

    february = commission_statement(studio, actor, period="2026-02")
    assert [
        (
            str(line.sale.sold_on),
            line.sale.offering,
            str(line.amount),
            str(line.percent),
            str(line.commission),
        )
        for line in february.lines
    ] == [
        ("2026-02-10", "Mail Small", "9.99", "12.50", "1.25"),
        ("2026-02-14", "Mail Large", "24.50", "12.50", "3.06"),
        ("2026-02-15", "Mail Small", "9.99", "15.00", "1.50"),
    ]
    assert (february.total_sales, february.total_commission) == (
        Decimal("44.48"),
        Decimal("5.81"),
    )
    quarter = commission_statement(studio, admin, made.id, "2026-Q1")  # the provider's view
    assert (quarter.total_sales, quarter.total_commission) == (Decimal("54.47"), Decimal("7.31"))
    rows = csv_rows(quarter)
    assert rows[-1] == {
        "date": "",
        "customer": "",
        "offering": "Total 2026-Q1 (USD)",
        "service": "",
        "billing_cycle": "",
        "amount": "54.47",
        "commission_percent": "",
        "commission": "7.31",
    }
    assert rows[0]["customer"] == "Grace Hopper1" and rows[1]["billing_cycle"] == "quarterly"


def test_subscription_based_resellers_have_no_statement(studio: Studio, admin: Actor) -> None:
    made = make_reseller(studio, admin)
    with pytest.raises(FieldError) as caught:
        commission_statement(studio, admin, made.id, "2026-11")
    assert caught.value.errors == {
        "reseller": "reseller1 is Subscription Based: it earns no commission"
    }
