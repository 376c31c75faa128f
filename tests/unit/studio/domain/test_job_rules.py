"""The life of a job and of its subscription, without a database."""

from __future__ import annotations

import pytest

from studio.domain.job_rules import (
    FINAL_JOB_STATES,
    LIVE_STATUSES,
    OPERATION_FOR_STATUS,
    UNFINISHED_JOB_STATES,
    JobStatus,
    SubscriptionStatus,
    new_idempotency_key,
    quotas_after_update,
    status_after_success,
    wanted_status,
)


def test_every_job_state_is_either_unfinished_or_final() -> None:
    assert set(UNFINISHED_JOB_STATES) | set(FINAL_JOB_STATES) == set(JobStatus)
    assert not set(UNFINISHED_JOB_STATES) & set(FINAL_JOB_STATES)


def test_live_subscriptions_are_those_that_hold_or_will_hold_a_resource() -> None:
    assert set(LIVE_STATUSES) == {"pending", "active", "suspended"}


@pytest.mark.parametrize(
    ("reseller", "customer", "wanted"),
    [
        ("active", None, "active"),
        ("suspended", None, "suspended"),
        ("active", "active", "active"),
        ("active", "suspended", "suspended"),
        ("suspended", "active", "suspended"),
        ("active", "deleted", "removed"),
        ("suspended", "deleted", "removed"),
    ],
)
def test_a_subscription_follows_its_owners(
    reseller: str, customer: str | None, wanted: str
) -> None:
    assert wanted_status(reseller, customer) == wanted


def test_the_job_that_brings_each_wanted_status() -> None:
    assert OPERATION_FOR_STATUS == {
        SubscriptionStatus.SUSPENDED: "suspend",
        SubscriptionStatus.ACTIVE: "resume",
        SubscriptionStatus.REMOVED: "deprovision",
    }


@pytest.mark.parametrize(
    ("operation", "after"),
    [
        ("provision", "active"),
        ("update", "active"),
        ("deprovision", "removed"),
        ("suspend", "suspended"),
        ("resume", "active"),
        ("unknown", "pending"),
    ],
)
def test_what_a_success_makes_of_its_subscription(operation: str, after: str) -> None:
    assert status_after_success(operation, SubscriptionStatus.PENDING) == after


def test_an_update_leaves_the_quotas_it_carried() -> None:
    params: dict[str, object] = {"resource_id": "r-1", "name": "acme", "mailboxes": 30}
    assert quotas_after_update(params) == {"mailboxes": 30}


def test_idempotency_keys_are_never_the_same() -> None:
    keys = {new_idempotency_key() for _ in range(1000)}
    assert len(keys) == 1000
    assert all(k.startswith("mp-") and len(k) == 35 for k in keys)
