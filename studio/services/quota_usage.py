"""Quota usage: what each reseller subscription holds and what its customers hold of it
(the reseller panel's My Subscriptions bars, ``usage``), and the provider's Quota Over
Usage report (``over-usage``). Read-only; the sale-time check is
:mod:`studio.services.quota_checks`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.context import Studio
from studio.db.models import Reseller, Subscription
from studio.domain.actors import Actor, Permission
from studio.domain.catalog import CATALOG
from studio.domain.job_rules import LIVE_STATUSES
from studio.services.quota_checks import held
from studio.services.reseller_panel import panel_reseller


@dataclass(frozen=True)
class QuotaUsage:
    """One quota of a reseller subscription: what it holds, what customers hold."""

    name: str
    label: str
    unit: str
    limit: int
    allocated: int
    #: False for a size per item: ``allocated`` is then the largest any customer has.
    pooled: bool = True

    @property
    def over(self) -> int:
        """By how much customers hold more than the subscription (overselling)."""
        return max(self.allocated - self.limit, 0)

    @property
    def left(self) -> int:
        """What is left to sell."""
        return max(self.limit - self.allocated, 0)


@dataclass(frozen=True)
class SubscriptionUsage:
    """A reseller's own subscription, with its quotas' usage by its customers."""

    id: int
    service: str
    server: str
    status: str
    quotas: tuple[QuotaUsage, ...]
    customers: int


def usage_of(session: Session, sub: Subscription) -> SubscriptionUsage:
    """One subscription's usage (the panel's bars, the over-usage report)."""
    held_now, customers = held(session, sub.id, sub.service)
    quotas = tuple(
        QuotaUsage(
            q.name,
            q.label,
            q.unit,
            int(sub.quotas.get(q.name, 0)),
            held_now.get(q.name, 0),
            q.pooled,
        )
        for q in CATALOG[sub.service].quotas
    )
    return SubscriptionUsage(sub.id, sub.service, sub.server, sub.status, quotas, customers)


def my_subscriptions(studio: Studio, actor: Actor) -> list[SubscriptionUsage]:
    """The reseller's own subscriptions, each quota with what its customers hold."""
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor)
        subs = session.scalars(
            select(Subscription)
            .where(Subscription.reseller_id == reseller.id, Subscription.customer_id.is_(None))
            .order_by(Subscription.id)
        )
        return [usage_of(session, sub) for sub in subs]


@dataclass(frozen=True)
class QuotaReportRow:
    """One reseller subscription in the provider's Quota Over Usage view."""

    reseller_id: int
    username: str
    oversell_allowed: bool
    usage: SubscriptionUsage

    @property
    def over(self) -> bool:
        """Whether any quota is exceeded."""
        return any(q.over for q in self.usage.quotas)


def quota_report(studio: Studio, actor: Actor) -> list[QuotaReportRow]:
    """Every live subscription of a Subscription Based reseller, with what its
    customers hold and whether the reseller may oversell (the provider's view)."""
    actor.require(Permission.VIEW_RESELLERS)
    with studio.unit_of_work() as session:
        parents = session.execute(
            select(Subscription, Reseller.username, Reseller.oversell_allowed)
            .join(Reseller, Reseller.id == Subscription.reseller_id)
            .where(
                Subscription.customer_id.is_(None),
                Subscription.status.in_(LIVE_STATUSES),
                Reseller.type == "subscription",
            )
            .order_by(Reseller.username_key, Subscription.id)
        ).all()
        return [
            QuotaReportRow(sub.reseller_id, username, oversell, usage_of(session, sub))
            for sub, username, oversell in parents
        ]


def over_usage(studio: Studio, actor: Actor) -> list[tuple[str, SubscriptionUsage]]:
    """Quota Over Usage: every reseller subscription whose customers hold more than it
    (possible only where the provider allowed overselling), with its reseller's name."""
    return [(row.username, row.usage) for row in quota_report(studio, actor) if row.over]
