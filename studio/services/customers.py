"""Use cases of the reseller panel's ``Customers``: a reseller's end customers.

Create, edit, list, and suspend, activate or delete a customer; a status change writes
the jobs that make the customer's subscriptions follow it in the same transaction. What
customers buy is :mod:`studio.services.customer_sales`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from studio.context import Studio
from studio.db import audit
from studio.db.models import (
    CustomerPlan,
    EndCustomer,
    ProvisioningJob,
    ServiceOffering,
    Subscription,
    utcnow,
)
from studio.db.records import address_columns
from studio.domain.actors import Actor
from studio.domain.catalog import CATALOG
from studio.domain.customer_rules import STATUSES, CustomerInput, check_customer
from studio.domain.job_rules import LIVE_STATUSES, UNFINISHED_JOB_STATES
from studio.domain.reseller_rules import Address, full_name
from studio.errors import ConflictError, FieldError
from studio.services.reseller_panel import panel_reseller


@dataclass(frozen=True)
class CustomerView:
    """An end customer as listed and edited."""

    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    address: Address
    company_name: str
    status: str
    subscriptions: int
    version: int
    created_at: dt.datetime

    @property
    def name(self) -> str:
        """First and last name."""
        return full_name(self.first_name, self.last_name)

    def as_input(self) -> CustomerInput:
        """Back to form values (Edit)."""
        return CustomerInput(
            self.first_name,
            self.last_name,
            self.email,
            self.phone,
            self.address,
            self.company_name,
        )


def _live_counts(session: Session, customer_ids: list[int]) -> dict[int, int]:
    """Customer id → its live subscriptions, in one query for a whole list."""
    rows = session.execute(
        select(Subscription.customer_id, func.count())
        .where(Subscription.customer_id.in_(customer_ids), Subscription.status.in_(LIVE_STATUSES))
        .group_by(Subscription.customer_id)
    )
    return {cid: int(n) for cid, n in rows if cid is not None}


def _view(session: Session, row: EndCustomer, live: int | None = None) -> CustomerView:
    """The customer as listed; ``live`` when the list counted them all at once."""
    if live is None:
        live = _live_counts(session, [row.id]).get(row.id, 0)
    return CustomerView(
        row.id,
        row.first_name,
        row.last_name,
        row.email,
        row.phone,
        row.address,
        row.company_name,
        row.status,
        live,
        row.version,
        row.created_at,
    )


def _values(data: CustomerInput) -> dict[str, str]:
    """The customer's columns (the address's named as the reseller rules name them)."""
    return {
        "first_name": data.first_name,
        "last_name": data.last_name,
        "email": data.email,
        "phone": data.phone,
        **address_columns(data.address),
        "company_name": data.company_name,
    }


def _checked(
    session: Session, reseller_id: int, data: CustomerInput, own_id: int | None
) -> CustomerInput:
    clean, errors = check_customer(data)
    if "email" not in errors:
        clash = session.scalar(
            select(EndCustomer.id).where(
                EndCustomer.reseller_id == reseller_id,
                EndCustomer.email_key == clean.email.casefold(),
            )
        )
        if clash is not None and clash != own_id:
            deleted = session.get(EndCustomer, clash)
            errors["email"] = (
                "is the e-mail of a customer you deleted (kept for your statements)"
                if deleted is not None and deleted.status == "deleted"
                else "is already the e-mail of another of your customers"
            )
    if errors:
        raise FieldError(errors)
    return clean


def create_customer(studio: Studio, actor: Actor, data: CustomerInput) -> CustomerView:
    """A new end customer of the actor's reseller."""
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor, changing=True)
        clean = _checked(session, reseller.id, data, None)
        values = _values(clean)
        row = EndCustomer(
            reseller_id=reseller.id,
            email_key=clean.email.casefold(),
            updated_by=actor.name,
            **values,
        )
        session.add(row)
        _flush_customer(session, full_name(clean.first_name, clean.last_name))
        audit.record(
            session,
            actor,
            action="customer.create",
            entity="end_customer",
            entity_id=row.id,
            changes=audit.diff({}, values),
            summary=f"{full_name(clean.first_name, clean.last_name)} for {reseller.username}",
        )
        return _view(session, row)


def own_customer(session: Session, reseller_id: int, customer_id: int) -> EndCustomer:
    row = session.get(EndCustomer, customer_id)
    if row is None or row.reseller_id != reseller_id:
        raise FieldError.single("customer", f"#{customer_id} is not one of your customers")
    return row


def update_customer(
    studio: Studio, actor: Actor, customer_id: int, data: CustomerInput, version: int
) -> CustomerView:
    """Save an edit made on the customer as read at ``version``.

    Raises:
        ConflictError: someone saved it since (nothing is overwritten).
    """
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor, changing=True)
        row = own_customer(session, reseller.id, customer_id)
        if row.status == "deleted":
            raise FieldError.single("customer", "is deleted")
        if row.version != version:
            raise ConflictError(
                full_name(row.first_name, row.last_name), row.updated_by, row.updated_at
            )
        clean = _checked(session, reseller.id, data, row.id)
        new = _values(clean)
        old = {name: getattr(row, name) for name in new}
        changes = audit.diff(old, new)
        if changes:
            for name, value in new.items():
                setattr(row, name, value)
            row.email_key, row.updated_by = clean.email.casefold(), actor.name
            audit.record(
                session,
                actor,
                action="customer.update",
                entity="end_customer",
                entity_id=row.id,
                changes=changes,
                summary=full_name(clean.first_name, clean.last_name),
            )
            _flush_customer(session, full_name(old["first_name"], old["last_name"]))
        return _view(session, row)


def _flush_customer(session: Session, name: str) -> None:
    """Write now, turning the two races a form can lose into what the form shows: an
    edit saved by someone else since it was read (version), and an e-mail another
    customer took meanwhile (the unique index)."""
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(name, "someone else", utcnow()) from None
    except IntegrityError:
        raise FieldError.single(
            "email", "is already the e-mail of another of your customers"
        ) from None


def list_customers(
    studio: Studio, actor: Actor, *, include_deleted: bool = False
) -> list[CustomerView]:
    """The reseller's customers, by name."""
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor)
        stmt = select(EndCustomer).where(EndCustomer.reseller_id == reseller.id)
        if not include_deleted:
            stmt = stmt.where(EndCustomer.status != "deleted")
        rows = session.scalars(stmt.order_by(EndCustomer.last_name, EndCustomer.first_name)).all()
        live = _live_counts(session, [row.id for row in rows])
        return [_view(session, row, live.get(row.id, 0)) for row in rows]


def get_customer(studio: Studio, actor: Actor, customer_id: int) -> CustomerView:
    """One of the reseller's customers."""
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor)
        return _view(session, own_customer(session, reseller.id, customer_id))


# -- suspend, activate, delete --------------------------------------------------------


#: Subscriptions with a job under way: they follow their customer when it ends.
_BUSY = select(ProvisioningJob.subscription_id).where(
    ProvisioningJob.state.in_(UNFINISHED_JOB_STATES)
)

#: Customer status → (audit verb, the job its subscriptions get, from which statuses).
_STATUS_CHANGES = {
    "suspended": ("suspend", "suspend", ("active",)),
    "active": ("activate", "resume", ("suspended",)),
    "deleted": ("delete", "deprovision", ("active", "suspended")),
}


def status_effects(studio: Studio, actor: Actor, customer_id: int, status: str) -> list[str]:
    """What suspending, activating or deleting the customer does to its subscriptions,
    one line each, for the confirmation shown before it is done."""
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor)
        customer = own_customer(session, reseller.id, customer_id)
        subs = session.scalars(
            select(Subscription)
            .where(Subscription.customer_id == customer.id, Subscription.status.in_(LIVE_STATUSES))
            .order_by(Subscription.id)
        ).all()
        _action, operation, from_statuses = _STATUS_CHANGES[status]
        return [  # a pending one is listed too: it follows once provisioned
            f"{operation} subscription #{s.id}: {sold_as(session, s)} on {s.server} ({s.status})"
            for s in subs
            if s.status in from_statuses or s.status == "pending"
        ]


def set_customer_status(
    studio: Studio, actor: Actor, customer_id: int, status: str
) -> CustomerView:
    """Suspend (``suspended``), activate (``active``) or delete (``deleted``) a customer;
    its subscriptions follow through provisioning jobs written in the same transaction.

    A deleted customer is kept (its sales stay on statements) and its resources are
    deprovisioned. A subscription with a job still under way follows when that job
    ends (the job runner sees to it).
    """
    if status not in STATUSES:
        raise FieldError.single("status", f"must be one of {', '.join(STATUSES)}")
    with studio.unit_of_work() as session:
        reseller = panel_reseller(session, actor, changing=True)
        customer = own_customer(session, reseller.id, customer_id)
        if customer.status == "deleted":
            raise FieldError.single("customer", "is deleted")
        if customer.status == status:
            return _view(session, customer)
        action, operation, from_statuses = _STATUS_CHANGES[status]
        subs = session.scalars(
            select(Subscription).where(
                Subscription.customer_id == customer.id,
                Subscription.status.in_(from_statuses),
                Subscription.resource_id.is_not(None),
                Subscription.id.not_in(_BUSY),
            )
        ).all()
        for sub in subs:  # the reseller is active (panel_reseller, changing=True)
            session.add(ProvisioningJob.on_resource(sub, operation, actor.name))
        jobs = len(subs)
        audit.record(
            session,
            actor,
            action=f"customer.{action}",
            entity="end_customer",
            entity_id=customer.id,
            changes={"status": [customer.status, status]},
            summary=f"{full_name(customer.first_name, customer.last_name)}: {jobs} "
            f"{operation} job(s)",
        )
        customer.status, customer.updated_by = status, actor.name
        session.flush()
        return _view(session, customer)


def sold_as(session: Session, sub: Subscription) -> str:
    if sub.plan_id is not None:
        plan = session.get(CustomerPlan, sub.plan_id)
        return f"plan {plan.name}" if plan else f"plan #{sub.plan_id}"
    if sub.offering_id is not None:
        offering = session.get(ServiceOffering, sub.offering_id)
        return f"offering {offering.name}" if offering else f"offering #{sub.offering_id}"
    return CATALOG[sub.service].title
