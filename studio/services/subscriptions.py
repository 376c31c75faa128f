"""Subscribe As Reseller, and the provisioning jobs that carry subscriptions out.

A subscription and its job are written in one transaction (``pending``); the job runner
(``studio.provisioning.runner``) submits the job with its idempotency key and tracks it,
and the subscription becomes ``active`` only when the job succeeds. Retry makes a new
job (with a new key: the old key's job stays failed on the server); Cancel asks the
runner to cancel it on the server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Insert, Row, Table, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from studio.context import Studio
from studio.db import audit
from studio.db.models import (
    Addon,
    ProvisioningJob,
    RemoteServer,
    Reseller,
    ServiceOffering,
    Subscription,
    utcnow,
)
from studio.domain.actors import Actor, Permission
from studio.domain.catalog import CATALOG
from studio.domain.job_rules import (
    FINAL_JOB_STATES,
    UNFINISHED_JOB_STATES,
    JobStatus,
    SubscriptionStatus,
    new_idempotency_key,
)
from studio.domain.quota_rules import quota_values
from studio.domain.reseller_rules import full_name
from studio.errors import FieldError, StudioError
from studio.services.quota_checks import lock_parent, quota_errors


class PrerequisitesFailed(StudioError):
    """The prerequisites check failed: nothing was submitted."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "the prerequisites check failed, nothing was submitted: " + "; ".join(problems)
        )


class JobNotFound(StudioError):
    """No such provisioning job."""

    def __init__(self, job_id: int) -> None:
        super().__init__(f"provisioning job {job_id} does not exist")


@dataclass(frozen=True)
class SubscribeInput:
    """Subscribe As Reseller, as typed: quotas are text until checked."""

    reseller_id: int
    service: str
    server: str
    quotas: Mapping[str, str]
    #: A reseller plan (``service_offering`` with audience ``reseller``): its quotas win.
    offering_id: int | None = None


@dataclass(frozen=True)
class JobView:
    """A provisioning job as the Provisioning Jobs view and ``jobs list`` show it."""

    id: int
    subscription_id: int
    reseller_id: int
    reseller: str
    operation: str
    service: str
    server: str
    state: str
    progress: int
    error: str
    attempts: int
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @property
    def finished(self) -> bool:
        """Whether the runner is done with it."""
        return self.state in FINAL_JOB_STATES

    def as_json(self) -> dict[str, Any]:
        """The ``jobs list --json`` object."""
        return {
            "id": self.id,
            "subscription_id": self.subscription_id,
            "reseller_id": self.reseller_id,
            "reseller": self.reseller,
            "operation": self.operation,
            "service": self.service,
            "server": self.server,
            "state": self.state,
            "progress": self.progress,
            "error": self.error,
            "attempts": self.attempts,
            "created_at": self.created_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


@dataclass(frozen=True)
class SubscriptionView:
    """A subscription with the job that carries it out now."""

    id: int
    reseller_id: int
    service: str
    server: str
    quotas: dict[str, int]
    status: str
    resource_id: str | None
    job: JobView | None
    history: tuple[JobView, ...] = ()


def _job_view(job: ProvisioningJob, reseller: Reseller) -> JobView:
    return JobView(
        id=job.id,
        subscription_id=job.subscription_id,
        reseller_id=reseller.id,
        reseller=full_name(reseller.first_name, reseller.last_name),
        operation=job.operation,
        service=job.service,
        server=job.server,
        state=job.state,
        progress=job.progress,
        error=job.error,
        attempts=job.attempts,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def _latest_job(session: Session, subscription_id: int) -> ProvisioningJob | None:
    return session.scalars(
        select(ProvisioningJob)
        .where(ProvisioningJob.subscription_id == subscription_id)
        .order_by(ProvisioningJob.id.desc())
        .limit(1)
    ).first()


def _owner(session: Session, sub: Subscription) -> Reseller:
    reseller = session.get(Reseller, sub.reseller_id)
    assert reseller is not None  # the foreign key guarantees it
    return reseller


def _job_and_subscription(session: Session, job_id: int) -> tuple[ProvisioningJob, Subscription]:
    """The job and its subscription, or :class:`JobNotFound`."""
    job = session.get(ProvisioningJob, job_id)
    if job is None:
        raise JobNotFound(job_id)
    sub = session.get(Subscription, job.subscription_id)
    assert sub is not None  # the foreign key guarantees it
    return job, sub


def _subscription_view(session: Session, sub: Subscription) -> SubscriptionView:
    reseller = _owner(session, sub)
    history = tuple(
        _job_view(j, reseller)
        for j in session.scalars(
            select(ProvisioningJob)
            .where(ProvisioningJob.subscription_id == sub.id)
            .order_by(ProvisioningJob.id)
        )
    )
    return SubscriptionView(
        history=history,
        id=sub.id,
        reseller_id=sub.reseller_id,
        service=sub.service,
        server=sub.server,
        quotas={k: int(v) for k, v in sub.quotas.items()},
        status=sub.status,
        resource_id=sub.resource_id,
        job=history[-1] if history else None,  # the current job is the newest
    )


#: Built once: a statement made per call costs more than running it (its cache key).
_INSERT_SUBSCRIPTION = insert(cast(Table, Subscription.__table__))
_INSERT_JOB = insert(cast(Table, ProvisioningJob.__table__))


_RESELLER_TO_SUBSCRIBE = select(
    Reseller.id,
    Reseller.type,
    Reseller.status,
    Reseller.company_name,
    Reseller.first_name,
    Reseller.last_name,
).where(Reseller.id == bindparam("id"))
_SERVER_BY_NAME = select(RemoteServer.name, RemoteServer.services).where(
    func.upper(RemoteServer.name) == bindparam("name")
)


def _insert(connection: Connection, statement: Insert, values: dict[str, Any]) -> int:
    """Insert one row; its new id."""
    key = connection.execute(statement, values).inserted_primary_key
    assert key is not None
    return int(key[0])


def _check_subscribe(
    session: Session, data: SubscribeInput
) -> tuple[Row[int, str, str, str, str, str], dict[str, int], Row[str, list[str]]]:
    """The reseller and server rows the subscription needs (plain rows: this is the hot
    path of subscribing many at once), or every field error at once."""
    errors: dict[str, str] = {}
    connection = session.connection()
    reseller = connection.execute(_RESELLER_TO_SUBSCRIBE, {"id": data.reseller_id}).first()
    if reseller is None:
        raise FieldError.single("reseller", f"reseller {data.reseller_id} does not exist")
    if reseller.type != "subscription":
        errors["reseller"] = (
            "is Commission Based: it sells your offerings and does not subscribe itself"
        )
    elif reseller.status != "active":
        errors["reseller"] = "is suspended: activate it first"
    requested = data.quotas
    if data.offering_id is not None:
        plan = session.get(ServiceOffering, data.offering_id)
        if plan is None or plan.audience != "reseller" or not plan.enabled:
            errors["offering"] = "must be an enabled reseller plan"
        elif plan.service != data.service:
            errors["offering"] = f"{plan.name} is a plan for {CATALOG[plan.service].title}"
        else:
            requested = {k: str(v) for k, v in plan.quotas.items()}
    quotas, quota_errors = quota_values(data.service, requested)
    errors.update(quota_errors)
    server = connection.execute(_SERVER_BY_NAME, {"name": data.server.strip().upper()}).first()
    if server is None:
        errors["server"] = f"no Remote Server is called {data.server.strip()!r}"
    elif data.service in CATALOG and data.service not in server.services:
        errors["server"] = f"{server.name} does not host {CATALOG[data.service].title}"
    if errors:
        raise FieldError(errors)
    assert server is not None
    return reseller, quotas, server


def subscribe_reseller(
    studio: Studio, actor: Actor, data: SubscribeInput, *, check: Any = None
) -> SubscriptionView:
    """Run the prerequisites check, check the input, then write the subscription and
    its job in one transaction.

    ``check`` is the prerequisites check to run (default: the real one; the GUI calls
    this off its thread); a failure raises :class:`PrerequisitesFailed` naming each
    problem and its fix, and nothing is written.
    """
    actor.require(Permission.MANAGE_RESELLERS)
    if check is None:
        from studio.services.provisioning import check_prerequisites

        check = check_prerequisites
    report = check(studio, actor)  # first, and with no transaction open while it waits
    with studio.unit_of_work() as session:
        reseller, quotas, server = _check_subscribe(session, data)
        server_name = server.name
        problems = [
            f"{p.message} (fix: {p.fix})" if p.fix else p.message
            for p in report.failures(server_name)
        ]
        if problems or not report.server_ready(server_name):
            raise PrerequisitesFailed(problems or [f"{server_name} is not ready"])
        name = reseller.company_name or full_name(reseller.first_name, reseller.last_name)
        # Plain inserts on the transaction's connection: subscribing is the hot path of
        # provisioning many at once, and ORM objects tripled its cost (the benchmark).
        connection = session.connection()
        now = utcnow()
        sub_id = _insert(
            connection,
            _INSERT_SUBSCRIPTION,
            dict(
                reseller_id=reseller.id,
                service=data.service,
                server=server_name,
                offering_id=data.offering_id,
                quotas=quotas,
                status="pending",
                created_at=now,
                updated_at=now,
            ),
        )
        job_id = _insert(
            connection,
            _INSERT_JOB,
            dict(
                subscription_id=sub_id,
                operation="provision",
                idempotency_key=new_idempotency_key(),
                server=server_name,
                service=data.service,
                parameters={"name": name[:120], **quotas},
                state="pending",
                requested_by=actor.name,
                created_at=now,
                updated_at=now,
            ),
        )
        audit.record(
            session,
            actor,
            action="subscription.create",
            entity="reseller",
            entity_id=reseller.id,
            changes={
                "service": [None, data.service],
                "server": [None, server_name],
                **{f"quota.{k}": [None, v] for k, v in quotas.items()},
            },
            summary=f"{CATALOG[data.service].title} on {server_name}, job {job_id} pending",
        )
        # Built from what was just written: no query (subscribing 1,000 at once counts).
        view = JobView(
            id=job_id,
            subscription_id=sub_id,
            reseller_id=reseller.id,
            reseller=full_name(reseller.first_name, reseller.last_name),
            operation="provision",
            service=data.service,
            server=server_name,
            state="pending",
            progress=0,
            error="",
            attempts=0,
            created_at=now,
            finished_at=None,
        )
        return SubscriptionView(
            sub_id, reseller.id, data.service, server_name, quotas, "pending", None, view, (view,)
        )


def list_jobs(studio: Studio, actor: Actor, *, unfinished_only: bool = False) -> list[JobView]:
    """Jobs, newest first."""
    actor.require(Permission.VIEW_RESELLERS)
    with studio.unit_of_work() as session:
        stmt = (
            select(ProvisioningJob, Reseller)
            .join(Subscription, Subscription.id == ProvisioningJob.subscription_id)
            .join(Reseller, Reseller.id == Subscription.reseller_id)
            .order_by(ProvisioningJob.id.desc())
        )
        if unfinished_only:
            stmt = stmt.where(ProvisioningJob.state.in_(UNFINISHED_JOB_STATES))
        return [_job_view(job, reseller) for job, reseller in session.execute(stmt)]


def get_job(studio: Studio, actor: Actor, job_id: int) -> JobView:
    """One job."""
    actor.require(Permission.VIEW_RESELLERS)
    with studio.unit_of_work() as session:
        job, sub = _job_and_subscription(session, job_id)
        return _job_view(job, _owner(session, sub))


def count_running_jobs(studio: Studio, actor: Actor) -> int:
    """Jobs the runner is still working on (the status bar's count)."""
    actor.require(Permission.VIEW_RESELLERS)
    with studio.unit_of_work() as session:
        stmt = select(func.count()).where(ProvisioningJob.state.in_(UNFINISHED_JOB_STATES))
        return int(session.scalar(stmt) or 0)


def list_subscriptions(studio: Studio, actor: Actor, reseller_id: int) -> list[SubscriptionView]:
    """A reseller's own subscriptions (not its end customers') with their current jobs."""
    actor.require(Permission.VIEW_RESELLERS)
    with studio.unit_of_work() as session:
        subs = session.scalars(
            select(Subscription)
            .where(Subscription.reseller_id == reseller_id, Subscription.customer_id.is_(None))
            .order_by(Subscription.id)
        )
        return [_subscription_view(session, sub) for sub in subs]


def _flush_or_changed(session: Session) -> None:
    """Write now; a job the runner changed since it was read is a field error, not a
    database failure (the version check of ``ProvisioningJob``)."""
    try:
        session.flush()
    except StaleDataError:
        raise FieldError.single(
            "job", "changed meanwhile (the job runner moved on): look again"
        ) from None


def add_addon(studio: Studio, actor: Actor, subscription_id: int, addon_id: int) -> JobView:
    """Add an add-on's resources to an active subscription, through an ``update`` job.

    The new quotas (current + the add-on's increments) must stay within the catalog's
    limits; the subscription holds them once the job succeeds.
    """
    actor.require(Permission.MANAGE_RESELLERS)
    with studio.unit_of_work() as session:
        sub = session.get(Subscription, subscription_id)
        if sub is None:
            raise FieldError.single(
                "subscription", f"subscription {subscription_id} does not exist"
            )
        addon = session.get(Addon, addon_id)
        errors: dict[str, str] = {}
        if addon is None or not addon.enabled:
            errors["addon"] = "must be an enabled add-on"
        elif addon.service != sub.service:
            errors["addon"] = (
                f"{addon.name} adds to {CATALOG[addon.service].title}, not this service"
            )
        if sub.customer_id is not None:
            errors["subscription"] = (
                "is an end customer's: it gets more by a bigger plan from its reseller, "
                "within the reseller's quota"
            )
        elif sub.status != "active" or not sub.resource_id:
            errors["subscription"] = f"is {sub.status}: only an active subscription takes add-ons"
        if errors:
            raise FieldError(errors)
        assert addon is not None
        wanted = {k: int(v) for k, v in sub.quotas.items()}
        for name, increment in addon.quotas.items():
            wanted[name] = wanted.get(name, 0) + int(increment)
        _values, quota_errors = quota_values(sub.service, {k: str(v) for k, v in wanted.items()})
        if quota_errors:
            raise FieldError(quota_errors)
        job = ProvisioningJob(
            subscription_id=sub.id,
            operation="update",
            idempotency_key=new_idempotency_key(),
            server=sub.server,
            service=sub.service,
            parameters={"resource_id": sub.resource_id, **wanted},
            state="pending",
            requested_by=actor.name,
        )
        session.add(job)
        try:
            session.flush()
        except IntegrityError:
            raise FieldError.single(
                "subscription", "another job of this subscription is under way: wait for it"
            ) from None
        audit.record(
            session,
            actor,
            action="subscription.addon",
            entity="reseller",
            entity_id=sub.reseller_id,
            changes={f"quota.{k}": [sub.quotas.get(k), v] for k, v in wanted.items()},
            summary=f"{addon.name} on {CATALOG[sub.service].title}, job {job.id} pending",
        )
        return _job_view(job, _owner(session, sub))


def retry_job(studio: Studio, actor: Actor, job_id: int) -> JobView:
    """A failed (or cancelled) job again, as a new job with a new key."""
    actor.require(Permission.MANAGE_RESELLERS)
    with studio.unit_of_work() as session:
        old, sub = _job_and_subscription(session, job_id)
        if old.state not in ("failed", "cancelled"):
            raise FieldError.single(
                "job", f"is {old.state}: only a failed or cancelled job can be retried"
            )
        latest = _latest_job(session, sub.id)
        if latest is not None and latest.id != old.id:
            raise FieldError.single("job", f"was retried already as job {latest.id}")
        if old.operation == "provision" and sub.parent_id is not None:
            _recheck_customer_quota(session, sub)  # its share was freed when it failed
        if old.operation == "provision":  # suspend/resume keep the status they had
            sub.status = SubscriptionStatus.PENDING
        reseller = _owner(session, sub)
        if old.local_failure:
            # The server may have done it after all: ask again under the same key.
            old.state, old.error, old.attempts = JobStatus.PENDING, "", 0
            old.local_failure, old.finished_at, old.next_attempt_at = False, None, None
            audit.record(
                session,
                actor,
                action="provisioning_job.retry",
                entity="reseller",
                entity_id=sub.reseller_id,
                summary=f"job {old.id} retried (same key: the server may have done it)",
            )
            _flush_or_changed(session)
            return _job_view(old, reseller)
        job = ProvisioningJob(
            subscription_id=sub.id,
            operation=old.operation,
            idempotency_key=new_idempotency_key(),
            server=old.server,
            service=old.service,
            parameters=dict(old.parameters),
            state="pending",
            requested_by=actor.name,
        )
        session.add(job)
        try:
            session.flush()
        except IntegrityError:  # someone else retried it (or another job is under way)
            raise FieldError.single(
                "job", "another job of this subscription is under way: look again"
            ) from None
        audit.record(
            session,
            actor,
            action="provisioning_job.retry",
            entity="reseller",
            entity_id=sub.reseller_id,
            summary=f"job {old.id} retried as job {job.id}",
        )
        _flush_or_changed(session)
        return _job_view(job, reseller)


def _recheck_customer_quota(session: Session, sub: Subscription) -> None:
    """An end customer's failed subscription held nothing; before it holds its quotas
    again, they must still fit its reseller's subscription (other sales may have used
    them meanwhile)."""
    assert sub.parent_id is not None
    parent = lock_parent(session, sub.parent_id)
    reseller = session.get(Reseller, sub.reseller_id)
    assert reseller is not None
    quotas = {k: int(v) for k, v in sub.quotas.items()}
    errors = quota_errors(session, reseller, parent, quotas, f"subscription #{sub.id}")
    if errors:  # the job is what Retry was given: name it, with each quota's reason
        raise FieldError.single("job", "cannot run again: " + "; ".join(errors.values()))


def cancel_job(studio: Studio, actor: Actor, job_id: int) -> JobView:
    """Ask the runner to cancel a job that has not finished (on the server too)."""
    actor.require(Permission.MANAGE_RESELLERS)
    with studio.unit_of_work() as session:
        job, sub = _job_and_subscription(session, job_id)
        if job.state in FINAL_JOB_STATES:
            raise FieldError.single("job", f"is {job.state}: it can no longer be cancelled")
        job.state = JobStatus.CANCELLING
        job.next_attempt_at = None
        audit.record(
            session,
            actor,
            action="provisioning_job.cancel",
            entity="reseller",
            entity_id=sub.reseller_id,
            summary=f"job {job.id} ({job.operation} {job.service} on {job.server}) cancelling",
        )
        _flush_or_changed(session)
        return _job_view(job, _owner(session, sub))
