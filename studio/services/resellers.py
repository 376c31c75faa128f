"""Use cases of ``Home » Customer Manager » Customers » Reseller Customers``.

Create, edit, suspend, activate, delete, list, import and export resellers. Each change
is one transaction with its audit record; an edit names the version it was read at and
is refused if someone saved in between (:class:`ConflictError`), so nothing is
overwritten silently. Passwords are hashed before the transaction opens, so the
database is never held while argon2 works.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NoReturn

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from studio.context import Studio
from studio.db import audit
from studio.db.models import (
    AuditEvent,
    CustomerPlan,
    EndCustomer,
    ProvisioningJob,
    Reseller,
    ResellerOffering,
    Subscription,
    User,
)
from studio.db.records import reseller_audit_fields, reseller_columns, reseller_input
from studio.domain.actors import Actor, Permission
from studio.domain.job_rules import LIVE_STATUSES, UNFINISHED_JOB_STATES
from studio.domain.reseller_rules import (
    STATUSES,
    ResellerInput,
    full_name,
    normalise,
)
from studio.domain.reseller_settings_rules import disabled_type_error
from studio.errors import ConflictError, FieldError, NotFoundError, StudioError
from studio.security.passwords import hash_password
from studio.services.reseller_list import (
    live_subscription_counts,
)
from studio.services.reseller_settings import get_reseller_settings


@dataclass(frozen=True)
class HistoryEntry:
    """One audit event about a reseller, for its History tab."""

    at: dt.datetime
    actor: str
    action: str
    summary: str


@dataclass(frozen=True)
class ResellerDetails:
    """A reseller as Edit and the details dialog show it (never its password)."""

    id: int
    data: ResellerInput
    status: str
    version: int
    has_password: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str
    subscriptions: int
    history: tuple[HistoryEntry, ...]

    @property
    def name(self) -> str:
        """``First Last``."""
        return full_name(self.data.first_name, self.data.last_name)


class ResellerNotFound(NotFoundError):
    """The reseller does not exist (any more): someone may have deleted it."""

    def __init__(self, reseller_id: int) -> None:
        self.reseller_id = reseller_id
        super().__init__(f"reseller {reseller_id} does not exist (it may have been deleted)")


# -- rows ↔ input -----------------------------------------------------------------------


def _row(session: Session, reseller_id: int) -> Reseller:
    row = session.get(Reseller, reseller_id)
    if row is None:
        raise ResellerNotFound(reseller_id)
    return row


def _details(session: Session, row: Reseller) -> ResellerDetails:
    audit.write_pending(session)  # the history includes this transaction's own events
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "reseller", AuditEvent.entity_id == str(row.id))
        .order_by(AuditEvent.id)
    )
    return ResellerDetails(
        id=row.id,
        data=reseller_input(row),
        status=row.status,
        version=row.version,
        has_password=bool(row.password_hash),
        created_at=row.created_at,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        subscriptions=live_subscription_counts(session, row.id).get(row.id, 0),
        history=tuple(HistoryEntry(e.at, e.actor, e.action, e.summary) for e in events),
    )


# -- reads ------------------------------------------------------------------------------


def get_reseller(studio: Studio, actor: Actor, reseller_id: int) -> ResellerDetails:
    """One reseller with its history."""
    actor.require(Permission.VIEW_RESELLERS)
    with studio.unit_of_work() as session:
        return _details(session, _row(session, reseller_id))


def _taken(session: Session, username: str, email: str, exclude_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    others = select(Reseller.username_key, Reseller.email_key).where(
        or_(
            Reseller.username_key.in_({username.casefold(), email.casefold()}),
            Reseller.email_key.in_({username.casefold(), email.casefold()}),
        )
    )
    if exclude_id is not None:
        others = others.where(Reseller.id != exclude_id)
    for user_key, mail_key in session.execute(others):
        if username and username.casefold() in (user_key, mail_key):
            errors.setdefault("username", "is already used by another reseller")
        if email and email.casefold() in (user_key, mail_key):
            errors.setdefault("email", "is already used by another reseller")
    if username and session.scalar(
        select(func.count()).where(func.lower(User.username) == username.casefold())
    ):
        errors.setdefault("username", "is already used by a provider user")
    return errors


def availability_errors(
    studio: Studio, actor: Actor, username: str, email: str, exclude_id: int | None = None
) -> dict[str, str]:
    """``username`` / ``email`` already used (e-mail compared case-insensitively).

    The wizard asks this in ``validatePage``; create and update check again inside
    their transaction, and the unique indexes catch a race between the two.
    """
    actor.require(Permission.MANAGE_RESELLERS)
    with studio.unit_of_work() as session:
        return _taken(session, username.strip(), email.strip(), exclude_id)


# -- writes -----------------------------------------------------------------------------


def _type_errors(studio: Studio, actor: Actor, kind: str, previous: str | None) -> dict[str, str]:
    """A type that is disabled may be kept, never newly given."""
    error = disabled_type_error(get_reseller_settings(studio, actor), kind, previous)
    return {"type": error} if error else {}


def _flush_unique(session: Session) -> None:
    """Flush; a unique index refusing the row becomes the field it names."""
    try:
        session.flush()
    except IntegrityError as exc:
        text = str(exc.orig)
        field = "email" if "email_key" in text else "username"
        raise FieldError.single(field, "is already used by another reseller") from None


def create_reseller(
    studio: Studio, actor: Actor, data: ResellerInput, *, require_password: bool = True
) -> ResellerDetails:
    """Validate, then add the reseller and its audit record in one transaction.

    ``require_password`` is lifted only for resellers created to set a password later
    (like imported ones, they cannot sign in until then).

    Raises:
        FieldError: naming each invalid field, a disabled type, or a used username/e-mail.
    """
    actor.require(Permission.MANAGE_RESELLERS)
    clean = normalise(data, password_required=require_password)
    if errors := _type_errors(studio, actor, clean.type, None):
        raise FieldError(errors)
    password_hash = hash_password(clean.password) if clean.password else None
    with studio.unit_of_work() as session:
        if errors := _taken(session, clean.username, clean.email, None):
            raise FieldError(errors)
        row = Reseller(
            **reseller_columns(clean),
            status="active",
            password_hash=password_hash,
            updated_by=actor.name,
        )
        session.add(row)
        _flush_unique(session)
        audit.record(
            session,
            actor,
            action="reseller.create",
            entity="reseller",
            entity_id=row.id,
            changes=audit.diff({}, reseller_audit_fields(clean)),
            summary=f"{full_name(clean.first_name, clean.last_name)} ({clean.username}), "
            f"{clean.type}",
        )
        session.flush()
        return _details(session, row)


def _conflict_with(row: Reseller) -> ConflictError:
    return ConflictError(full_name(row.first_name, row.last_name), row.updated_by, row.updated_at)


def _check_version(row: Reseller, version: int) -> None:
    if row.version != version:
        raise _conflict_with(row)


def update_reseller(
    studio: Studio, actor: Actor, reseller_id: int, data: ResellerInput, version: int
) -> ResellerDetails:
    """Save an edit made to ``version``; a password given is set, ``None`` keeps it.

    Raises:
        ConflictError: someone saved in between (who and when); nothing written.
        ResellerNotFound: it was deleted meanwhile.
        FieldError: as for create.
    """
    actor.require(Permission.MANAGE_RESELLERS)
    clean = normalise(data)
    password_hash = hash_password(clean.password) if clean.password else None
    try:
        return _update(
            studio,
            actor,
            reseller_id=reseller_id,
            clean=clean,
            version=version,
            password_hash=password_hash,
        )
    except _Stale:
        _conflict(studio, reseller_id)


class _Stale(StudioError):
    """The row's version moved between our read and our write (a concurrent save)."""


def _update(
    studio: Studio,
    actor: Actor,
    *,
    reseller_id: int,
    clean: ResellerInput,
    version: int,
    password_hash: str | None,
) -> ResellerDetails:
    with studio.unit_of_work() as session:
        row = _row(session, reseller_id)
        _check_version(row, version)
        if errors := _type_errors(studio, actor, clean.type, row.type):
            raise FieldError(errors)
        if errors := _taken(session, clean.username, clean.email, reseller_id):
            raise FieldError(errors)
        before = reseller_audit_fields(reseller_input(row))
        changed = {n: v for n, v in reseller_columns(clean).items() if getattr(row, n) != v}
        if not changed and password_hash is None:
            return _details(session, row)  # nothing to save: the version stays
        for name, value in changed.items():
            setattr(row, name, value)
        changes = audit.diff(before, reseller_audit_fields(clean))
        if password_hash is not None:
            changes["password"] = [audit.MASK if row.password_hash else None, audit.MASK]
            row.password_hash = password_hash
        row.updated_by = actor.name
        try:
            _flush_unique(session)
        except StaleDataError:  # another studio committed between our read and write
            raise _Stale from None
        audit.record(
            session,
            actor,
            action="reseller.update",
            entity="reseller",
            entity_id=row.id,
            changes=changes,
            summary=f"{', '.join(sorted(changes))}",
        )
        session.flush()
        return _details(session, row)


def _conflict(studio: Studio, reseller_id: int) -> NoReturn:
    """Raise the conflict naming who saved last and when."""
    with studio.unit_of_work() as session:
        raise _conflict_with(_row(session, reseller_id))


def set_reseller_status(
    studio: Studio, actor: Actor, reseller_id: int, status: str
) -> ResellerDetails:
    """Suspend (``suspended``) or activate (``active``) a reseller."""
    actor.require(Permission.MANAGE_RESELLERS)
    if status not in STATUSES:
        raise FieldError.single("status", f"must be one of {', '.join(STATUSES)}")
    with studio.unit_of_work() as session:
        row = _row(session, reseller_id)
        if row.status != status:
            _status_jobs(session, actor, row.id, status)
            audit.record(
                session,
                actor,
                action="reseller.suspend" if status == "suspended" else "reseller.activate",
                entity="reseller",
                entity_id=row.id,
                changes={"status": [row.status, status]},
                summary=f"{full_name(row.first_name, row.last_name)} ({row.username})",
            )
            row.status = status
            row.updated_by = actor.name
            session.flush()
        return _details(session, row)


def _status_jobs(session: Session, actor: Actor, reseller_id: int, status: str) -> None:
    """Suspend or resume the reseller's subscriptions through provisioning jobs, written
    in the same transaction as the status (the job runner carries them out)."""
    operation, from_status = (
        ("suspend", "active") if status == "suspended" else ("resume", "suspended")
    )
    busy = select(ProvisioningJob.subscription_id).where(
        ProvisioningJob.state.in_(UNFINISHED_JOB_STATES)
    )
    # End customers suspended (or deleted) by the reseller stay so when it resumes.
    customers_held = select(EndCustomer.id).where(EndCustomer.status != "active")
    subs = session.scalars(
        select(Subscription).where(
            Subscription.reseller_id == reseller_id,
            Subscription.status == from_status,
            Subscription.resource_id.is_not(None),
            Subscription.id.not_in(busy),  # the runner makes those follow when they end
            or_(
                Subscription.customer_id.is_(None),
                Subscription.customer_id.not_in(customers_held),
            ),
        )
    )
    for sub in subs:
        session.add(ProvisioningJob.on_resource(sub, operation, actor.name))


def delete_reseller(studio: Studio, actor: Actor, reseller_id: int) -> str:
    """Delete the reseller; the audit log keeps its last details and its history."""
    actor.require(Permission.MANAGE_RESELLERS)
    with studio.unit_of_work() as session:
        row = _row(session, reseller_id)
        name = full_name(row.first_name, row.last_name)
        subscriptions = list(
            session.scalars(select(Subscription).where(Subscription.reseller_id == row.id))
        )
        live = [s for s in subscriptions if s.status in LIVE_STATUSES]
        if live:
            raise StudioError(
                f"{name} has {len(live)} subscription(s) still {live[0].status}: they must be "
                "removed on their servers first; suspend the reseller instead"
            )
        customers = list(
            session.scalars(select(EndCustomer).where(EndCustomer.reseller_id == row.id))
        )
        current = [c for c in customers if c.status != "deleted"]
        if current:
            raise StudioError(
                f"{name} has {len(current)} end customer(s): they must be deleted in its "
                "panel first; suspend the reseller instead"
            )
        # Failed, cancelled or removed: their history stays in the audit log. In the
        # order the foreign keys need: customers' subscriptions (they name a plan, a
        # customer and the reseller's own subscription), plans, the reseller's own.
        plans = list(
            session.scalars(select(CustomerPlan).where(CustomerPlan.reseller_id == row.id))
        )
        sold = [s for s in subscriptions if s.customer_id is not None]
        own = [s for s in subscriptions if s.customer_id is None]
        for group in (sold, plans, own, customers):
            for item in group:
                if isinstance(item, Subscription):
                    for job in session.scalars(
                        select(ProvisioningJob).where(ProvisioningJob.subscription_id == item.id)
                    ):
                        session.delete(job)
                session.delete(item)
            session.flush()
        for offered in session.scalars(
            select(ResellerOffering).where(ResellerOffering.reseller_id == row.id)
        ):
            session.delete(offered)
        session.flush()
        audit.record(
            session,
            actor,
            action="reseller.delete",
            entity="reseller",
            entity_id=row.id,
            changes={
                k: [v, None] for k, v in reseller_audit_fields(reseller_input(row)).items() if v
            },
            summary=f"{name} ({row.username})",
        )
        session.delete(row)
    return name


# -- import / export --------------------------------------------------------------------
