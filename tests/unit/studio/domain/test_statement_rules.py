"""Commission statement arithmetic, without a database: periods, and the commission
of each line in Decimal, rounded half up.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from studio.domain.statement_rules import Sale, commission_line, parse_period
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
        (1000, 0, "0.00"),
        (1, 10000, "0.01"),
        (99999999, 3333, "333300.00"),  # 999,999.99 x 33.33 % = 333,299.9967
    ],
)
def test_commission_is_exact_and_rounds_half_up(cents: int, bp: int, commission: str) -> None:
    line = commission_line(Sale(dt.date(2026, 1, 1), "c", "o", "s", "monthly", cents, bp))
    assert line.commission == Decimal(commission)
    assert isinstance(line.amount, Decimal) and line.amount == Decimal(cents) / 100
