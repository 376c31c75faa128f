"""The Reseller Customers list: every reseller as a small row, its search text, and the
counts Reseller Settings shows.

100,000 resellers are read in one query into tuples, which the page filters and sorts in
memory; a reseller's own live subscriptions are counted in one query for the whole list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studio.context import Studio
from studio.db.models import (
    Reseller,
    Subscription,
)
from studio.domain.actors import Actor, Permission
from studio.domain.job_rules import LIVE_STATUSES
from studio.domain.reseller_rules import (
    full_name,
)
from studio.domain.reseller_settings_rules import TYPES


class ResellerRow(NamedTuple):
    """One line of the Reseller Customers table (a tuple: 100,000 of them stay small).

    ``subscriptions`` counts the reseller's subscriptions that are active or on their
    way (pending); failed and cancelled ones are not counted.
    """

    id: int
    name: str
    company: str
    email: str
    username: str
    type: str
    status: str
    created_at: dt.datetime
    subscriptions: int


def list_resellers(studio: Studio, actor: Actor) -> list[ResellerRow]:
    """Every reseller, by id: the table filters and sorts them in memory."""
    actor.require(Permission.VIEW_RESELLERS)
    columns = (
        Reseller.id,
        Reseller.first_name,
        Reseller.last_name,
        Reseller.company_name,
        Reseller.email,
        Reseller.username,
        Reseller.type,
        Reseller.status,
        Reseller.created_at,
    )
    with studio.unit_of_work() as session:
        counts = live_subscription_counts(session)
        result = session.execute(select(*columns).order_by(Reseller.id))
        return [
            ResellerRow(
                rid,
                full_name(first, last),
                company,
                email,
                user,
                kind,
                status,
                at,
                counts.get(rid, 0),
            )
            for rid, first, last, company, email, user, kind, status, at in result
        ]


def live_subscription_counts(session: Session, reseller_id: int | None = None) -> dict[int, int]:
    """Reseller id → its own subscriptions active or pending (one query for the whole
    list); its end customers' are the reseller panel's to show."""
    stmt = (
        select(Subscription.reseller_id, func.count())
        .where(Subscription.status.in_(LIVE_STATUSES), Subscription.customer_id.is_(None))
        .group_by(Subscription.reseller_id)
    )
    if reseller_id is not None:
        stmt = stmt.where(Subscription.reseller_id == reseller_id)
    return {rid: int(count) for rid, count in session.execute(stmt)}


def search_text(row: ResellerRow) -> str:
    """What the search box looks in: name, company, e-mail, username, case-folded."""
    return f"{row.name}\n{row.company}\n{row.email}\n{row.username}".casefold()


def filter_rows(rows: Iterable[ResellerRow], search: str) -> list[ResellerRow]:
    """The rows whose name, company, e-mail or username contain ``search`` (any case)."""
    needle = search.strip().casefold()
    if not needle:
        return list(rows)
    return [row for row in rows if needle in search_text(row)]


def count_by_type(studio: Studio, actor: Actor) -> dict[str, int]:
    """How many resellers each type has (Reseller Settings says so before disabling)."""
    actor.require(Permission.VIEW_CONFIGURATION)
    with studio.unit_of_work() as session:
        counts: dict[str, int] = {
            kind: count
            for kind, count in session.execute(
                select(Reseller.type, func.count()).group_by(Reseller.type)
            )
        }
    return {kind: int(counts.get(kind, 0)) for kind in TYPES}
