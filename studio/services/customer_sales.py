"""A reseller's sales to its end customers, and the subscriptions a customer holds.

A sale is a customer subscription and its provisioning job, written in one transaction
with the price and commission in force that day and the audit record, and carried out
by the same job runner as the reseller's own subscriptions, on the Remote Server of the
reseller subscription it draws on (Subscription Based) or one hosting the offering's
service (Commission Based).

**Quota across the hierarchy.** What a reseller's customers hold together never exceeds
the reseller's subscription, unless the provider allowed overselling for that reseller.
The check (:mod:`studio.services.quota_checks`) runs inside the sale's transaction
*after* a write to the reseller subscription's row, which takes SQLite's one write lock
(a row lock elsewhere): two sales at once, from two threads or two processes, are
checked one after the other, and the second sees the first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studio.context import Studio
from studio.crash_points import crash_point
from studio.db import audit
from studio.db.models import (
    CustomerPlan,
    EndCustomer,
    ProvisioningJob,
    RemoteServer,
    Reseller,
    ServiceOffering,
    Subscription,
)
from studio.domain.actors import Actor
from studio.domain.catalog import CATALOG
from studio.domain.job_rules import new_idempotency_key
from studio.domain.reseller_rules import full_name
from studio.errors import FieldError
from studio.services.customers import own_customer, sold_as
from studio.services.offerings import reseller_offerings_in
from studio.services.quota_checks import lock_parent, quota_errors
from studio.services.reseller_panel import panel_reseller


@dataclass(frozen=True)
class SaleInput:
    """Subscribe a customer: to one of the reseller's plans (Subscription Based) or to
    an offering assigned to it (Commission Based; ``server`` optional)."""

    customer_id: int
    plan_id: int | None = None
    offering_id: int | None = None
    server: str = ""


@dataclass(frozen=True)
class CustomerSubscriptionView:
    """A customer's subscription, with its current job."""

    id: int
    customer_id: int
    customer: str
    service: str
    server: str
    sold_as: str
    quotas: dict[str, int]
    status: str
    price_cents: int | None
    billing_cycle: str | None
    job_id: int | None
    job_state: str | None
    created_at: dt.datetime


def subscribe_customer(studio: Studio, actor: Actor, data: SaleInput) -> CustomerSubscriptionView:
    """Sell a plan (or an assigned offering) to a customer: its subscription and job in
    one transaction, the quota checked against what the other customers hold.

    Raises:
        FieldError: ``customer``, ``plan``, ``offering``, ``server``, or
            ``quota.<name>`` naming the quota, the limit and what is left.
    """
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor, changing=True)
        customer = own_customer(session, reseller.id, data.customer_id)
        if customer.status != "active":
            raise FieldError.single("customer", f"is {customer.status}: activate it first")
        if reseller.type == "subscription":
            sub = _sell_plan(session, reseller, customer, data)
        else:
            sub = _sell_offering(session, reseller, customer, data)
        session.add(sub)
        session.flush()
        job = ProvisioningJob(
            subscription_id=sub.id,
            operation="provision",
            idempotency_key=new_idempotency_key(),
            server=sub.server,
            service=sub.service,
            parameters={
                "name": full_name(customer.first_name, customer.last_name)[:120],
                **sub.quotas,
            },
            state="pending",
            requested_by=actor.name,
        )
        session.add(job)
        session.flush()
        what = sold_as(session, sub)
        audit.record(
            session,
            actor,
            action="customer.subscribe",
            entity="end_customer",
            entity_id=customer.id,
            changes={
                "sold_as": [None, what],
                **{f"quota.{k}": [None, v] for k, v in sub.quotas.items()},
            },
            summary=f"{what} for {full_name(customer.first_name, customer.last_name)} "
            f"on {sub.server}, job {job.id} pending",
        )
        result = _subscription_view(session, sub, customer, job)
    crash_point("sale.written")
    return result


def _sell_plan(
    session: Session, reseller: Reseller, customer: EndCustomer, data: SaleInput
) -> Subscription:
    if data.plan_id is None:
        raise FieldError.single("plan", "is required: choose one of your plans")
    plan = session.get(CustomerPlan, data.plan_id)
    if plan is None or plan.reseller_id != reseller.id:
        raise FieldError.single("plan", f"#{data.plan_id} is not one of your plans")
    if not plan.enabled:
        raise FieldError.single("plan", f"{plan.name} is disabled")
    parent = lock_parent(session, plan.subscription_id)
    if parent.status != "active":
        raise FieldError.single(
            "plan", f"{plan.name} draws on subscription #{parent.id}, which is {parent.status}"
        )
    quotas = {k: int(v) for k, v in plan.quotas.items()}
    errors = quota_errors(session, reseller, parent, quotas, plan.name)
    if errors:
        raise FieldError(errors)
    return Subscription(
        reseller_id=reseller.id,
        customer_id=customer.id,
        parent_id=parent.id,
        plan_id=plan.id,
        service=parent.service,
        server=parent.server,
        quotas=quotas,
        status="pending",
        price_cents=plan.price_cents,
        billing_cycle=plan.billing_cycle,
    )


def _sell_offering(
    session: Session, reseller: Reseller, customer: EndCustomer, data: SaleInput
) -> Subscription:
    if data.offering_id is None:
        raise FieldError.single("offering", "is required: choose an offering assigned to you")
    assigned = {a.offering.id: a for a in reseller_offerings_in(session, reseller.id)}
    choice = assigned.get(data.offering_id)
    if choice is None:
        raise FieldError.single("offering", f"#{data.offering_id} is not assigned to you today")
    offering = session.get(ServiceOffering, data.offering_id)
    assert offering is not None
    if not offering.enabled:
        raise FieldError.single("offering", f"{offering.name} is no longer offered")
    hosts = [
        server
        for server in session.scalars(select(RemoteServer).order_by(RemoteServer.name))
        if offering.service in server.services
    ]
    wanted = data.server.strip().upper()
    chosen = next((s for s in hosts if s.name.upper() == wanted), None) if wanted else None
    if wanted and chosen is None:
        title = CATALOG[offering.service].title
        raise FieldError.single(
            "server", f"no Remote Server called {data.server.strip()!r} hosts {title}"
        )
    if chosen is None:
        if not hosts:
            raise FieldError.single(
                "server", f"no Remote Server hosts {CATALOG[offering.service].title}"
            )
        chosen = hosts[0]
    return Subscription(
        reseller_id=reseller.id,
        customer_id=customer.id,
        offering_id=offering.id,
        service=offering.service,
        server=chosen.name,
        quotas={k: int(v) for k, v in offering.quotas.items()},
        status="pending",
        price_cents=offering.price_cents,
        billing_cycle=offering.billing_cycle,
        commission_bp=choice.commission_bp,  # the statement's: in force when sold
    )


def _subscription_view(
    session: Session, sub: Subscription, customer: EndCustomer, job: ProvisioningJob | None
) -> CustomerSubscriptionView:
    return CustomerSubscriptionView(
        sub.id,
        customer.id,
        full_name(customer.first_name, customer.last_name),
        sub.service,
        sub.server,
        sold_as(session, sub),
        {k: int(v) for k, v in sub.quotas.items()},
        sub.status,
        sub.price_cents,
        sub.billing_cycle,
        job.id if job else None,
        job.state if job else None,
        sub.created_at,
    )


def customer_subscriptions(
    studio: Studio, actor: Actor, customer_id: int | None = None
) -> list[CustomerSubscriptionView]:
    """The subscriptions of one customer, or of all the reseller's customers."""
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor)
        stmt = (
            select(Subscription, EndCustomer)
            .join(EndCustomer, EndCustomer.id == Subscription.customer_id)
            .where(Subscription.reseller_id == reseller.id)
            .order_by(Subscription.id)
        )
        if customer_id is not None:
            own_customer(session, reseller.id, customer_id)
            stmt = stmt.where(Subscription.customer_id == customer_id)
        rows = session.execute(stmt).all()
        latest = select(func.max(ProvisioningJob.id)).group_by(ProvisioningJob.subscription_id)
        jobs = {
            job.subscription_id: job
            for job in session.scalars(
                select(ProvisioningJob).where(
                    ProvisioningJob.subscription_id.in_([sub.id for sub, _c in rows]),
                    ProvisioningJob.id.in_(latest),
                )
            )
        }  # each subscription's latest job, in one query
        return [
            _subscription_view(session, sub, customer, jobs.get(sub.id)) for sub, customer in rows
        ]
