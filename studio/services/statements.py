"""Use case of ``Statements``: a Commission Based reseller's commission for a period.

A reseller sees its own statements; a provider sees every reseller's. The arithmetic is
:mod:`studio.domain.statement_rules`; this module reads the sales, each with the price and the
commission in force when it was sold (kept on its subscription by the sale).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.context import Studio
from studio.csvfile import write_csv_atomically
from studio.db.models import EndCustomer, Reseller, ServiceOffering, Subscription
from studio.domain.actors import Actor, Permission, Role
from studio.domain.catalog import CATALOG
from studio.domain.reseller_rules import full_name
from studio.domain.statement_rules import (
    CSV_COLUMNS,
    Period,
    Sale,
    Statement,
    build_statement,
    csv_rows,
    current_period,
    parse_period,
)
from studio.errors import FieldError
from studio.services.reseller_panel import panel_reseller
from studio.services.reseller_settings import type_settings

#: A sale is a subscription that was provisioned: active, suspended since, or removed
#: since. One still pending is not yet a sale (its job may fail); a failed or cancelled
#: one never was.
SOLD = ("active", "suspended", "removed")


def _period(text: str, cycle: str) -> Period:
    """The period typed, or the current one of the payout cycle (local days)."""
    return parse_period(text) if text.strip() else current_period(dt.date.today(), cycle)


def _name(reseller: Reseller) -> str:
    return reseller.company_name or full_name(reseller.first_name, reseller.last_name)


def sales(session: Session, reseller_id: int, period: Period) -> list[Sale]:
    """The reseller's sales of assigned offerings made in ``period`` (days in this
    computer's time zone, as everywhere the studio shows dates)."""
    start = dt.datetime.combine(period.start, dt.time()).astimezone()
    end = dt.datetime.combine(period.end, dt.time()).astimezone()
    rows = session.execute(
        select(Subscription, EndCustomer, ServiceOffering)
        .join(EndCustomer, EndCustomer.id == Subscription.customer_id)
        .join(ServiceOffering, ServiceOffering.id == Subscription.offering_id)
        .where(
            Subscription.reseller_id == reseller_id,
            Subscription.status.in_(SOLD),
            Subscription.created_at >= start,
            Subscription.created_at < end,
        )
        .order_by(Subscription.created_at)
    ).all()
    # Price, cycle and commission are the sale's own, kept when it was made.
    return [
        Sale(
            sub.created_at.astimezone().date(),
            full_name(customer.first_name, customer.last_name),
            offering.name,
            CATALOG[offering.service].title if offering.service in CATALOG else "",
            sub.billing_cycle or offering.billing_cycle,
            sub.price_cents or 0,
            sub.commission_bp or 0,
        )
        for sub, customer, offering in rows
    ]


def commission_statement(
    studio: Studio, actor: Actor, reseller_id: int | None = None, period: str = ""
) -> Statement:
    """The statement of ``reseller_id`` (a reseller: its own, the default) for
    ``period`` (``2026-11`` or ``2026-Q4``; default: the current payout period).

    Raises:
        PermissionDenied: a reseller asking for another's, or staff without the right.
        FieldError: ``period``; ``reseller`` unknown or Subscription Based.
    """
    with studio.unit_of_work() as session:
        if actor.role is Role.RESELLER:
            own = panel_reseller(session, actor)
            if reseller_id is not None and reseller_id != own.id:
                raise FieldError.single("reseller", "you can see only your own statements")
            reseller: Reseller | None = own
        else:
            actor.require(Permission.VIEW_RESELLERS)
            if reseller_id is None:
                raise FieldError.single("reseller", "is required")
            reseller = session.get(Reseller, reseller_id)
            if reseller is None:
                raise FieldError.single("reseller", f"reseller {reseller_id} does not exist")
        assert reseller is not None
        if reseller.type != "commission":
            raise FieldError.single(
                "reseller", f"{reseller.username} is Subscription Based: it earns no commission"
            )
        settings = type_settings(session, "commission")
        chosen = _period(period, settings.payout_cycle)
        name = _name(reseller)
        return build_statement(name, chosen, settings.currency, sales(session, reseller.id, chosen))


def all_statements(studio: Studio, actor: Actor, period: str = "") -> list[tuple[int, Statement]]:
    """Every Commission Based reseller's statement for ``period`` (default: the current
    payout period), the largest commission first, then by name: the provider's view."""
    actor.require(Permission.VIEW_RESELLERS)
    with studio.unit_of_work() as session:
        settings = type_settings(session, "commission")
        chosen = _period(period, settings.payout_cycle)
        resellers = session.scalars(
            select(Reseller).where(Reseller.type == "commission").order_by(Reseller.username_key)
        ).all()
        found = [
            (
                r.id,
                build_statement(
                    _name(r),
                    chosen,
                    settings.currency,
                    sales(session, r.id, chosen),
                ),
            )
            for r in resellers
        ]
        return sorted(found, key=lambda pair: (-pair[1].total_commission, pair[1].reseller))


def write_statement_csv(path: Path, statement: Statement) -> int:
    """Write a statement already computed to ``path`` as CSV (the columns of
    :data:`studio.domain.statement_rules.CSV_COLUMNS`, a total row last), atomically; the rows."""

    rows = [[row[c] for c in CSV_COLUMNS] for row in csv_rows(statement)]
    return write_csv_atomically(path, CSV_COLUMNS, rows)
