"""The life of a provisioning job and of the subscription it carries out (pure, no I/O).

A job is ``pending`` from the moment its subscription is written, ``queued`` and
``running`` while the server works on it, ``cancelling`` once Cancel was asked, and ends
``succeeded``, ``failed`` or ``cancelled``. What a success makes of its subscription,
and which status a subscription should have given its owners, are rules of their own,
shared by the services (suspend, delete, retry) and the job runner.
"""

from __future__ import annotations

import enum
import uuid


class JobStatus(enum.StrEnum):
    """A provisioning job's state as the studio records it."""

    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    CANCELLING = "cancelling"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class SubscriptionStatus(enum.StrEnum):
    """A subscription's status: ``pending`` until its provision job succeeds."""

    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REMOVED = "removed"
    FAILED = "failed"
    CANCELLED = "cancelled"


#: The states of a job not yet ended (the runner works on these).
UNFINISHED_JOB_STATES: tuple[str, ...] = (
    JobStatus.PENDING,
    JobStatus.QUEUED,
    JobStatus.RUNNING,
    JobStatus.CANCELLING,
)
#: The states no job leaves.
FINAL_JOB_STATES: tuple[str, ...] = (
    JobStatus.SUCCEEDED,
    JobStatus.FAILED,
    JobStatus.CANCELLED,
)
#: Subscription statuses that hold (or are about to hold) a resource on a server.
LIVE_STATUSES: tuple[str, ...] = (
    SubscriptionStatus.PENDING,
    SubscriptionStatus.ACTIVE,
    SubscriptionStatus.SUSPENDED,
)

#: What a finished provision/update/deprovision/suspend/resume makes of its subscription.
_STATUS_AFTER_SUCCESS = {
    "provision": SubscriptionStatus.ACTIVE,
    "update": SubscriptionStatus.ACTIVE,
    "deprovision": SubscriptionStatus.REMOVED,
    "suspend": SubscriptionStatus.SUSPENDED,
    "resume": SubscriptionStatus.ACTIVE,
}

#: The job that brings a provisioned subscription to the status its owners want.
OPERATION_FOR_STATUS = {
    SubscriptionStatus.SUSPENDED: "suspend",
    SubscriptionStatus.ACTIVE: "resume",
    SubscriptionStatus.REMOVED: "deprovision",
}


def status_after_success(operation: str, current: SubscriptionStatus) -> SubscriptionStatus:
    """The subscription's status once a job of ``operation`` succeeded on it."""
    return _STATUS_AFTER_SUCCESS.get(operation, current)


def quotas_after_update(parameters: dict[str, object]) -> dict[str, object]:
    """The quotas an ``update`` job (an add-on) leaves its subscription holding: its
    parameters but the resource's id and name."""
    return {k: v for k, v in parameters.items() if k not in ("resource_id", "name")}


def wanted_status(reseller_status: str, customer_status: str | None) -> SubscriptionStatus:
    """What a provisioned subscription should be, given its owners: ``removed`` for a
    deleted end customer's, ``suspended`` when its reseller or customer is, else
    ``active``."""
    if customer_status == "deleted":
        return SubscriptionStatus.REMOVED
    if "suspended" in (reseller_status, customer_status):
        return SubscriptionStatus.SUSPENDED
    return SubscriptionStatus.ACTIVE


def new_idempotency_key() -> str:
    """A key no other job, in any database using the same server, will ever have."""
    return f"mp-{uuid.uuid4().hex}"
