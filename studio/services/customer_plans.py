"""Use cases of the reseller panel's ``Customer Products Plans`` and ``My Subscriptions``.

A Subscription Based reseller makes plans from its active subscriptions: each quota at
most what the subscription holds. How much of a subscription its customers hold in
total is checked at every sale (:mod:`studio.services.customers`); the usage view and
the Quota Over Usage report show it. A Commission Based reseller has no plans of its
own: it sells the provider offerings assigned to it, with their commission.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studio.context import Studio
from studio.db import audit
from studio.db.models import CustomerPlan, Reseller, Subscription
from studio.domain.actors import Actor
from studio.domain.catalog import BILLING_CYCLES, CATALOG
from studio.domain.job_rules import LIVE_STATUSES
from studio.domain.quota_rules import price_cents, quota_values
from studio.domain.validation import hundredths_text, text_value
from studio.errors import FieldError
from studio.services.offerings import AssignedOffering, reseller_offerings_in
from studio.services.reseller_panel import panel_reseller

MAX_PLAN_NAME = 80


@dataclass(frozen=True)
class PlanInput:
    """A Customer Products Plan as typed."""

    name: str
    subscription_id: int
    quotas: Mapping[str, str]
    price: str
    billing_cycle: str = "monthly"
    enabled: bool = True


@dataclass(frozen=True)
class PlanView:
    """A plan as listed, with how many live customer subscriptions use it."""

    id: int
    name: str
    service: str
    subscription_id: int
    server: str
    quotas: dict[str, int]
    price_cents: int
    billing_cycle: str
    enabled: bool
    in_use: int

    @property
    def price_text(self) -> str:
        """``12.50``."""
        return hundredths_text(self.price_cents)


def _view(session: Session, plan: CustomerPlan, in_use: int | None = None) -> PlanView:
    """The plan as listed; ``in_use`` when the list counted them all at once."""
    sub = session.get(Subscription, plan.subscription_id)
    if in_use is None:
        in_use = _in_use(session, [plan.id]).get(plan.id, 0)
    return PlanView(
        plan.id,
        plan.name,
        plan.service,
        plan.subscription_id,
        sub.server if sub else "",
        {k: int(v) for k, v in plan.quotas.items()},
        plan.price_cents,
        plan.billing_cycle,
        plan.enabled,
        in_use,
    )


def _in_use(session: Session, plan_ids: list[int]) -> dict[int, int]:
    """Plan id → live customer subscriptions sold from it, in one query."""
    rows = session.execute(
        select(Subscription.plan_id, func.count())
        .where(Subscription.plan_id.in_(plan_ids), Subscription.status.in_(LIVE_STATUSES))
        .group_by(Subscription.plan_id)
    )
    return {pid: int(n) for pid, n in rows if pid is not None}


def _subscription_based(reseller: Reseller) -> None:
    if reseller.type != "subscription":
        raise FieldError.single(
            "reseller",
            "is Commission Based: it sells the offerings assigned to it, not plans of its own",
        )


def _checked(
    session: Session, reseller: Reseller, data: PlanInput, plan_id: int | None
) -> tuple[str, Subscription, dict[str, int], int]:
    """Every rule of a plan, all errors at once."""
    errors: dict[str, str] = {}
    name, name_error = text_value(data.name, MAX_PLAN_NAME, required=True)
    if name_error:
        errors["name"] = name_error
    else:
        clash = session.scalar(
            select(CustomerPlan.id).where(
                CustomerPlan.reseller_id == reseller.id,
                CustomerPlan.name_key == name.casefold(),
            )
        )
        if clash is not None and clash != plan_id:
            errors["name"] = "is already the name of another of your plans"
    sub = session.get(Subscription, data.subscription_id)
    quotas: dict[str, int] = {}
    if sub is None or sub.reseller_id != reseller.id or sub.customer_id is not None:
        errors["subscription"] = f"#{data.subscription_id} is not one of your subscriptions"
    elif sub.status != "active":
        errors["subscription"] = f"#{sub.id} is {sub.status}: plans are made from active ones"
    else:
        quotas, quota_errors = quota_values(sub.service, data.quotas)
        errors.update(quota_errors)
        for key, value in quotas.items():
            limit = int(sub.quotas.get(key, 0))
            if value > limit and f"quota.{key}" not in errors:
                errors[f"quota.{key}"] = (
                    f"must be at most {limit:,} (what subscription #{sub.id} holds)"
                )
    cents, price_error = price_cents(data.price)
    if price_error:
        errors["price"] = price_error
    if data.billing_cycle not in BILLING_CYCLES:
        errors["billing_cycle"] = f"must be one of {', '.join(BILLING_CYCLES)}"
    if errors:
        raise FieldError(errors)
    assert sub is not None and cents is not None
    return name, sub, quotas, cents


def create_plan(studio: Studio, actor: Actor, data: PlanInput) -> PlanView:
    """A new plan from one of the reseller's active subscriptions."""
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor, changing=True)
        _subscription_based(reseller)
        name, sub, quotas, cents = _checked(session, reseller, data, None)
        plan = CustomerPlan(
            reseller_id=reseller.id,
            subscription_id=sub.id,
            name=name,
            name_key=name.casefold(),
            service=sub.service,
            quotas=quotas,
            price_cents=cents,
            billing_cycle=data.billing_cycle,
            enabled=data.enabled,
            updated_by=actor.name,
        )
        session.add(plan)
        session.flush()
        audit.record(
            session,
            actor,
            action="customer_plan.create",
            entity="reseller",
            entity_id=reseller.id,
            changes={
                "name": [None, name],
                "price": [None, hundredths_text(cents)],
                **{f"quota.{k}": [None, v] for k, v in quotas.items()},
            },
            summary=f"plan {name} ({CATALOG[sub.service].title}, from subscription #{sub.id})",
        )
        return _view(session, plan)


def _own_plan(session: Session, reseller: Reseller, plan_id: int) -> CustomerPlan:
    plan = session.get(CustomerPlan, plan_id)
    if plan is None or plan.reseller_id != reseller.id:
        raise FieldError.single("plan", f"#{plan_id} is not one of your plans")
    return plan


def update_plan(studio: Studio, actor: Actor, plan_id: int, data: PlanInput) -> PlanView:
    """Change a plan; customers already subscribed keep what they bought."""
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor, changing=True)
        _subscription_based(reseller)
        plan = _own_plan(session, reseller, plan_id)
        name, sub, quotas, cents = _checked(session, reseller, data, plan.id)
        if sub.id != plan.subscription_id and _sold(session, plan.id):
            raise FieldError.single(
                "subscription",
                f"{plan.name} was sold: it stays on subscription #{plan.subscription_id} "
                "(make a new plan for another)",
            )
        old = {
            "name": plan.name,
            "subscription": plan.subscription_id,
            "price": hundredths_text(plan.price_cents),
            "billing_cycle": plan.billing_cycle,
            "enabled": plan.enabled,
            **{f"quota.{k}": v for k, v in plan.quotas.items()},
        }
        plan.name, plan.name_key, plan.subscription_id = name, name.casefold(), sub.id
        plan.service, plan.quotas, plan.price_cents = sub.service, quotas, cents
        plan.billing_cycle, plan.enabled, plan.updated_by = (
            data.billing_cycle,
            data.enabled,
            actor.name,
        )
        new = {
            "name": name,
            "subscription": sub.id,
            "price": hundredths_text(cents),
            "billing_cycle": data.billing_cycle,
            "enabled": data.enabled,
            **{f"quota.{k}": v for k, v in quotas.items()},
        }
        changes = audit.diff(old, new)
        if changes:
            audit.record(
                session,
                actor,
                action="customer_plan.update",
                entity="reseller",
                entity_id=reseller.id,
                changes=changes,
                summary=f"plan {name}",
            )
        session.flush()
        return _view(session, plan)


def set_plan_enabled(studio: Studio, actor: Actor, plan_id: int, enabled: bool) -> PlanView:
    """Offer a plan again, or stop selling it (customers keep theirs)."""
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor, changing=True)
        plan = _own_plan(session, reseller, plan_id)
        if plan.enabled != enabled:
            audit.record(
                session,
                actor,
                action="customer_plan.enable" if enabled else "customer_plan.disable",
                entity="reseller",
                entity_id=reseller.id,
                changes={"enabled": [plan.enabled, enabled]},
                summary=f"plan {plan.name}",
            )
            plan.enabled, plan.updated_by = enabled, actor.name
            session.flush()
        return _view(session, plan)


def _sold(session: Session, plan_id: int) -> int:
    """How many times the plan was ever sold (whatever became of the sales)."""
    return session.scalar(select(func.count()).where(Subscription.plan_id == plan_id)) or 0


def delete_plan(studio: Studio, actor: Actor, plan_id: int) -> str:
    """Delete a plan no customer ever bought (a sold plan is disabled instead)."""
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor, changing=True)
        plan = _own_plan(session, reseller, plan_id)
        sold = _sold(session, plan.id)
        if sold:
            raise FieldError.single(
                "plan", f"{plan.name} was sold {sold} time(s): disable it instead of deleting"
            )
        name = plan.name
        audit.record(
            session,
            actor,
            action="customer_plan.delete",
            entity="reseller",
            entity_id=reseller.id,
            changes={"name": [name, None]},
            summary=f"plan {name}",
        )
        session.delete(plan)
        return name


def list_plans(studio: Studio, actor: Actor) -> list[PlanView]:
    """The reseller's plans, by name."""
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor)
        plans = session.scalars(
            select(CustomerPlan)
            .where(CustomerPlan.reseller_id == reseller.id)
            .order_by(CustomerPlan.name_key)
        ).all()
        in_use = _in_use(session, [plan.id for plan in plans])
        return [_view(session, plan, in_use.get(plan.id, 0)) for plan in plans]


def panel_offerings(studio: Studio, actor: Actor) -> list[AssignedOffering]:
    """What a Commission Based reseller sells today, with its commission."""
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor)
        return reseller_offerings_in(session, reseller.id)
