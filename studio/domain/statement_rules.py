"""Commission statement arithmetic (pure, no I/O). Money is ``Decimal``, never float.

A *sale* is an end customer's subscription to an offering assigned to a Commission
Based reseller, dated when it was made, at the offering's price then (kept on the
subscription) and with the commission in force that day. A provisioning failure or a
cancellation is not a sale. Each line's commission is ``amount * percent / 100``
rounded half up to the cent; the total is the sum of the rounded lines, so the lines
always add up to the total printed under them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from studio.errors import FieldError

CENT = Decimal("0.01")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
CSV_COLUMNS = (
    "date",
    "customer",
    "offering",
    "service",
    "billing_cycle",
    "amount",
    "commission_percent",
    "commission",
)


@dataclass(frozen=True)
class Period:
    """A payout period: ``start`` included, ``end`` excluded."""

    label: str
    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the period."""
        return self.start <= day < self.end


def _month_start(year: int, month: int) -> dt.date:
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def parse_period(text: str) -> Period:
    """``2026-11`` (a month) or ``2026-Q4`` (a quarter).

    Raises:
        FieldError: ``period`` in neither form, or a month outside 01-12.
    """
    value = text.strip()
    if match := _MONTH.match(value):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and year >= 1:
            return Period(value, _month_start(year, month), _month_start(year, month + 1))
    elif match := _QUARTER.match(value):
        year, quarter = int(match[1]), int(match[2])
        if year >= 1:
            first = 3 * quarter - 2
            return Period(
                f"{year}-Q{quarter}", _month_start(year, first), _month_start(year, first + 3)
            )
    raise FieldError.single("period", "must be a month (2026-11) or a quarter (2026-Q4)")


def current_period(today: dt.date, cycle: str) -> Period:
    """The period ``today`` falls in, for a ``monthly`` or ``quarterly`` payout cycle."""
    if cycle == "quarterly":
        return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    return parse_period(f"{today.year}-{today.month:02d}")


@dataclass(frozen=True)
class Sale:
    """One sale, as read from the database."""

    sold_on: dt.date
    customer: str
    offering: str
    service: str
    billing_cycle: str
    amount_cents: int
    commission_bp: int  # 1250 = 12.50 %


@dataclass(frozen=True)
class StatementLine:
    """A sale with its commission."""

    sale: Sale
    amount: Decimal
    percent: Decimal
    commission: Decimal


@dataclass(frozen=True)
class Statement:
    """A reseller's commission statement for one period."""

    reseller: str
    period: Period
    currency: str
    lines: tuple[StatementLine, ...]
    total_sales: Decimal
    total_commission: Decimal


def commission_line(sale: Sale) -> StatementLine:
    """The sale's amount and commission, exact to the cent."""
    amount = (Decimal(sale.amount_cents) / 100).quantize(CENT)
    percent = (Decimal(sale.commission_bp) / 100).quantize(CENT)
    commission = (amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return StatementLine(sale, amount, percent, commission)


def build_statement(
    reseller: str, period: Period, currency: str, sales: Iterable[Sale]
) -> Statement:
    """The statement of the sales made in ``period`` (others are ignored), by date."""
    lines = tuple(
        commission_line(sale)
        for sale in sorted(sales, key=lambda s: (s.sold_on, s.customer, s.offering))
        if period.contains(sale.sold_on)
    )
    return Statement(
        reseller,
        period,
        currency,
        lines,
        sum((line.amount for line in lines), Decimal("0.00")),
        sum((line.commission for line in lines), Decimal("0.00")),
    )


def csv_rows(statement: Statement) -> list[dict[str, str]]:
    """The statement as CSV rows (:data:`CSV_COLUMNS`), a total row last."""
    rows = [
        {
            "date": line.sale.sold_on.isoformat(),
            "customer": line.sale.customer,
            "offering": line.sale.offering,
            "service": line.sale.service,
            "billing_cycle": line.sale.billing_cycle,
            "amount": str(line.amount),
            "commission_percent": str(line.percent),
            "commission": str(line.commission),
        }
        for line in statement.lines
    ]
    rows.append(
        {
            "date": "",
            "customer": "",
            "offering": f"Total {statement.period.label} ({statement.currency})",
            "service": "",
            "billing_cycle": "",
            "amount": str(statement.total_sales),
            "commission_percent": "",
            "commission": str(statement.total_commission),
        }
    )
    return rows
