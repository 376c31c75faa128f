"""Quota across the hierarchy, read from the database: what the customers of a reseller
subscription hold, and whether a sale fits, under the reseller subscription's lock.

Used by every path that sells or re-sells (a customer's sale, Retry of a failed sale)
and by the usage views. The arithmetic is :mod:`studio.domain.quota_rules`; this module
reads what it needs and takes the lock that keeps two sales from both fitting.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from studio.db.models import Reseller, Subscription
from studio.domain.catalog import CATALOG
from studio.domain.job_rules import LIVE_STATUSES
from studio.domain.quota_rules import held_totals, sale_quota_errors


def held(session: Session, parent_id: int, service: str) -> tuple[dict[str, int], int]:
    """What the live customer subscriptions drawing on ``parent_id`` hold, per quota
    (the sum of a pooled quota, the largest of a size per item), and how many
    customers hold it: one query."""
    rows = session.execute(
        select(Subscription.customer_id, Subscription.quotas).where(
            Subscription.parent_id == parent_id, Subscription.status.in_(LIVE_STATUSES)
        )
    ).all()
    totals = held_totals(CATALOG[service], (quotas for _customer, quotas in rows))
    return totals, len({customer_id for customer_id, _quotas in rows})


def allocated(session: Session, parent_id: int, service: str) -> dict[str, int]:
    """What the customers drawing on ``parent_id`` hold, per quota (see :func:`held`)."""
    return held(session, parent_id, service)[0]


def lock_parent(session: Session, parent_id: int) -> Subscription:
    """The reseller subscription ``parent_id``, after a write to its row: until the
    transaction ends no other sale (or retry) drawing on it can run its quota check,
    in this process or another (SQLite's write lock; a row lock elsewhere)."""
    session.execute(
        update(Subscription)
        .where(Subscription.id == parent_id)
        .values(updated_at=Subscription.updated_at)
        .execution_options(synchronize_session=False)
    )
    parent = session.get(Subscription, parent_id, populate_existing=True)
    assert parent is not None  # the foreign key
    return parent


def quota_errors(
    session: Session, reseller: Reseller, parent: Subscription, quotas: dict[str, int], what: str
) -> dict[str, str]:
    """What would exceed ``parent`` if a customer took ``quotas`` on top of what the
    others hold (call :func:`lock_parent` first): ``quota.<name>`` naming the quota, the
    limit and what is left. Overselling, where allowed, lifts the pooled limits only."""
    return sale_quota_errors(
        CATALOG[parent.service],
        parent.id,
        limits=parent.quotas,
        held=allocated(session, parent.id, parent.service),
        wanted=quotas,
        what=what,
        oversell_allowed=reseller.oversell_allowed,
    )
