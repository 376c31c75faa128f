"""Commission statement arithmetic, without a database: periods, and the commission
of each line in Decimal, rounded half up.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from studio.domain.statement_rules import (
    CSV_COLUMNS,
    Sale,
    build_statement,
    commission_line,
    csv_rows,
    current_period,
    parse_period,
)
from studio.errors import FieldError


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2026-11", "2026-11", dt.date(2026, 11, 1), dt.date(2026, 12, 1)),
        ("2026-12", "2026-12", dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
        (" 2026-q4 ", "2026-Q4", dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
        ("2027-Q1", "2027-Q1", dt.date(2027, 1, 1), dt.date(2027, 4, 1)),
    ],
)
def test_periods(text: str, label: str, start: dt.date, end: dt.date) -> None:
    period = parse_period(text)
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q5", "November", "", "26-11"])
def test_bad_periods_name_the_field(text: str) -> None:
    with pytest.raises(FieldError) as caught:
        parse_period(text)
    assert caught.value.errors == {"period": "must be a month (2026-11) or a quarter (2026-Q4)"}


@pytest.mark.parametrize(
    ("cents", "bp", "commission"),
    [
        (999, 1250, "1.25"),  # 1.24875 rounds up
        (2450, 1250, "3.06"),  # 3.0625 rounds down
        (100, 1250, "0.13"),  # 0.125: half up, not to even
        (100, 1150, "0.12"),  # 0.115: half up
        (1, 5000, "0.01"),  # 0.005, exactly the half: up
        (1, 4999, "0.00"),  # 0.004999: just under the half: down
        (3, 5000, "0.02"),  # 0.015: half up, not to even (0.02 either way) ...
        (5, 5000, "0.03"),  # 0.025: ... and here to even would give 0.02
        (1000, 0, "0.00"),
        (1, 10000, "0.01"),
        (99999999, 3333, "333300.00"),  # 999,999.99 x 33.33 % = 333,299.9967
    ],
)
def test_commission_is_exact_and_rounds_half_up(cents: int, bp: int, commission: str) -> None:
    line = commission_line(Sale(dt.date(2026, 1, 1), "c", "o", "s", "monthly", cents, bp))
    assert line.commission == Decimal(commission)
    assert isinstance(line.amount, Decimal) and line.amount == Decimal(cents) / 100


@pytest.mark.parametrize(
    ("sold_on", "included"),
    [
        (dt.date(2026, 10, 31), False),  # the day before the first
        (dt.date(2026, 11, 1), True),  # the first day
        (dt.date(2026, 11, 30), True),  # the last day
        (dt.date(2026, 12, 1), False),  # the day after the last
    ],
)
def test_a_month_holds_its_first_and_last_day_only(sold_on: dt.date, included: bool) -> None:
    period = parse_period("2026-11")
    sale = Sale(sold_on, "c", "o", "s", "monthly", 1000, 1000)
    statement = build_statement("Acme", period, "EUR", [sale])
    assert period.contains(sold_on) is included
    assert len(statement.lines) == (1 if included else 0)
    assert statement.total_commission == (Decimal("1.00") if included else Decimal("0.00"))


@pytest.mark.parametrize(
    ("sold_on", "included"),
    [
        (dt.date(2026, 9, 30), False),
        (dt.date(2026, 10, 1), True),
        (dt.date(2026, 12, 31), True),
        (dt.date(2027, 1, 1), False),
    ],
)
def test_a_quarter_holds_its_first_and_last_day_only(sold_on: dt.date, included: bool) -> None:
    assert parse_period("2026-Q4").contains(sold_on) is included


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-01", dt.date(2026, 1, 1), dt.date(2026, 2, 1)),  # the first month
        ("0001-01", dt.date(1, 1, 1), dt.date(1, 2, 1)),  # the first year there is
        ("0001-Q1", dt.date(1, 1, 1), dt.date(1, 4, 1)),
    ],
)
def test_the_first_month_and_the_first_year_are_periods(
    text: str, start: dt.date, end: dt.date
) -> None:
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["0000-01", "0000-Q1"])
def test_year_zero_is_not_a_period(text: str) -> None:
    with pytest.raises(FieldError):
        parse_period(text)


@pytest.mark.parametrize(
    ("today", "cycle", "label"),
    [
        (dt.date(2026, 1, 1), "monthly", "2026-01"),
        (dt.date(2026, 12, 31), "monthly", "2026-12"),
        (dt.date(2026, 3, 31), "quarterly", "2026-Q1"),
        (dt.date(2026, 4, 1), "quarterly", "2026-Q2"),
        (dt.date(2026, 12, 31), "quarterly", "2026-Q4"),
    ],
)
def test_the_current_period_of_a_payout_cycle(today: dt.date, cycle: str, label: str) -> None:
    assert current_period(today, cycle).label == label


def _sale(day: int, customer: str, offering: str, cents: int = 1000, bp: int = 1250) -> Sale:
    return Sale(dt.date(2026, 11, day), customer, offering, "exchange", "monthly", cents, bp)


def test_a_statement_lists_its_sales_by_date_customer_and_offering() -> None:
    period = parse_period("2026-11")
    sales = [_sale(9, "Bea", "Mail"), _sale(2, "Cy", "Web"), _sale(9, "Al", "Web"),
             _sale(9, "Al", "Mail")]  # fmt: skip
    statement = build_statement("Acme", period, "EUR", sales)
    sold = [line.sale for line in statement.lines]
    assert [(s.sold_on.day, s.customer, s.offering) for s in sold] == [
        (2, "Cy", "Web"),
        (9, "Al", "Mail"),
        (9, "Al", "Web"),
        (9, "Bea", "Mail"),
    ]
    assert (statement.reseller, statement.period, statement.currency) == ("Acme", period, "EUR")
    assert statement.total_sales == Decimal("40.00")
    assert statement.total_commission == Decimal("5.00")


def test_an_empty_statement_totals_zero_in_cents() -> None:
    statement = build_statement("Acme", parse_period("2026-11"), "EUR", [])
    assert statement.lines == ()
    for total in (statement.total_sales, statement.total_commission):
        assert isinstance(total, Decimal) and str(total) == "0.00"


def test_a_line_keeps_its_sale_and_its_percent() -> None:
    sale = _sale(3, "Al", "Mail", cents=2450, bp=1250)
    line = commission_line(sale)
    assert (line.sale, line.amount, line.percent, line.commission) == (
        sale,
        Decimal("24.50"),
        Decimal("12.50"),
        Decimal("3.06"),
    )


def test_the_csv_rows_of_a_statement_end_with_its_total() -> None:
    statement = build_statement("Acme", parse_period("2026-11"), "EUR", [_sale(3, "Al", "Mail")])
    assert csv_rows(statement) == [
        {
            "date": "2026-11-03",
            "customer": "Al",
            "offering": "Mail",
            "service": "exchange",
            "billing_cycle": "monthly",
            "amount": "10.00",
            "commission_percent": "12.50",
            "commission": "1.25",
        },
        {
            "date": "",
            "customer": "",
            "offering": "Total 2026-11 (EUR)",
            "service": "",
            "billing_cycle": "",
            "amount": "10.00",
            "commission_percent": "",
            "commission": "1.25",
        },
    ]
    assert list(csv_rows(statement)[0]) == list(CSV_COLUMNS)
