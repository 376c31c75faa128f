"""Provisioning jobs as the administrator sees and steers them: Provisioning Jobs,
``jobs list|retry|cancel``, and each subscription's job history.

The job runner (:mod:`studio.provisioning.runner`) carries jobs out; these use cases
read them and ask for changes. Retry makes a new job with a new key (the old key's job
stays failed on the server), checking a customer's quota again under the reseller
subscription's lock; Cancel marks the job ``cancelling`` and the runner cancels it on
the server. Each is one transaction with its audit record, and an edit racing the
runner is refused rather than overwritten (the job's version).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from studio.context import Studio
from studio.crash_points import crash_point
from studio.db import audit
from studio.db.models import (
    ProvisioningJob,
    Reseller,
    Subscription,
)
from studio.domain.actors import Actor, Permission
from studio.domain.job_rules import (
    FINAL_JOB_STATES,
    UNFINISHED_JOB_STATES,
    JobStatus,
    SubscriptionStatus,
    new_idempotency_key,
)
from studio.domain.reseller_rules import full_name
from studio.errors import FieldError, NotFoundError
from studio.services.quota_checks import lock_parent, quota_errors


class JobNotFound(NotFoundError):
    """No such provisioning job."""

    def __init__(self, job_id: int) -> None:
        super().__init__(f"provisioning job {job_id} does not exist")


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


def job_view(job: ProvisioningJob, reseller: Reseller) -> JobView:
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


def owner_of(session: Session, sub: Subscription) -> Reseller:
    reseller = session.get(Reseller, sub.reseller_id)
    assert reseller is not None  # the foreign key guarantees it
    return reseller


def job_and_subscription(session: Session, job_id: int) -> tuple[ProvisioningJob, Subscription]:
    """The job and its subscription, or :class:`JobNotFound`."""
    job = session.get(ProvisioningJob, job_id)
    if job is None:
        raise JobNotFound(job_id)
    sub = session.get(Subscription, job.subscription_id)
    assert sub is not None  # the foreign key guarantees it
    return job, sub


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
        return [job_view(job, reseller) for job, reseller in session.execute(stmt)]


def get_job(studio: Studio, actor: Actor, job_id: int) -> JobView:
    """One job."""
    actor.require(Permission.VIEW_RESELLERS)
    with studio.unit_of_work() as session:
        job, sub = job_and_subscription(session, job_id)
        return job_view(job, owner_of(session, sub))


def count_running_jobs(studio: Studio, actor: Actor) -> int:
    """Jobs the runner is still working on (the status bar's count)."""
    actor.require(Permission.VIEW_RESELLERS)
    with studio.unit_of_work() as session:
        stmt = select(func.count()).where(ProvisioningJob.state.in_(UNFINISHED_JOB_STATES))
        return int(session.scalar(stmt) or 0)


def flush_or_changed(session: Session) -> None:
    """Write now; a job the runner changed since it was read is a field error, not a
    database failure (the version check of ``ProvisioningJob``)."""
    try:
        session.flush()
    except StaleDataError:
        raise FieldError.single(
            "job", "changed meanwhile (the job runner moved on): look again"
        ) from None


def retry_job(studio: Studio, actor: Actor, job_id: int) -> JobView:
    """A failed (or cancelled) job again, as a new job with a new key."""
    actor.require(Permission.MANAGE_RESELLERS)
    with studio.unit_of_work() as session:
        old, sub = job_and_subscription(session, job_id)
        if old.state not in ("failed", "cancelled"):
            raise FieldError.single(
                "job", f"is {old.state}: only a failed or cancelled job can be retried"
            )
        latest = latest_job(session, sub.id)
        if latest is not None and latest.id != old.id:
            raise FieldError.single("job", f"was retried already as job {latest.id}")
        if old.operation == "provision" and sub.parent_id is not None:
            _recheck_customer_quota(session, sub)  # its share was freed when it failed
        if old.operation == "provision":  # suspend/resume keep the status they had
            sub.status = SubscriptionStatus.PENDING
        reseller = owner_of(session, sub)
        if old.local_failure:
            # The server may have done it after all: ask again under the same key.
            old.state, old.error, old.attempts = JobStatus.PENDING, "", 0
            old.local_failure, old.finished_at, old.next_attempt_at = False, None, None
            job, summary = old, f"job {old.id} retried (same key: the server may have done it)"
        else:
            job = _new_attempt(session, old, sub, actor)
            summary = f"job {old.id} retried as job {job.id}"
        audit.record(
            session,
            actor,
            action="provisioning_job.retry",
            entity="reseller",
            entity_id=sub.reseller_id,
            summary=summary,
        )
        flush_or_changed(session)
        return job_view(job, reseller)


def _new_attempt(
    session: Session, old: ProvisioningJob, sub: Subscription, actor: Actor
) -> ProvisioningJob:
    """A new job doing what ``old`` did, with a key of its own (the old key's job stays
    failed or cancelled on the server)."""
    job = ProvisioningJob(
        subscription_id=sub.id,
        operation=old.operation,
        idempotency_key=new_idempotency_key(),
        server=old.server,
        service=old.service,
        parameters=dict(old.parameters),
        state=JobStatus.PENDING,
        requested_by=actor.name,
    )
    session.add(job)
    try:
        session.flush()
    except IntegrityError:  # someone else retried it (or another job is under way)
        raise FieldError.single(
            "job", "another job of this subscription is under way: look again"
        ) from None
    return job


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
        job, sub = job_and_subscription(session, job_id)
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
        flush_or_changed(session)
        result = job_view(job, owner_of(session, sub))
    crash_point("cancel.written")
    return result


def latest_job(session: Session, subscription_id: int) -> ProvisioningJob | None:
    return session.scalars(
        select(ProvisioningJob)
        .where(ProvisioningJob.subscription_id == subscription_id)
        .order_by(ProvisioningJob.id.desc())
        .limit(1)
    ).first()
