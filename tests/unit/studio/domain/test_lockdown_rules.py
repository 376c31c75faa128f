"""The Login Lockdown Policy at its exact limits, without a database: the attempts, the
window and the lock's minutes, one step short of each and one step past it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from studio.domain.lockdown_rules import LockdownCounter

START = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


@dataclass(frozen=True)
class Policy:
    enabled: bool = True
    max_attempts: int = 5
    window_minutes: int = 15
    lock_minutes: int = 15


def _failures(times: list[dt.datetime], policy: Policy = Policy()) -> LockdownCounter:
    counter = LockdownCounter(0, None, None)
    for when in times:
        counter.count(when, policy)
    return counter


def test_one_attempt_short_of_the_limit_does_not_lock() -> None:
    counter = _failures([START + n * SECOND for n in range(4)])
    assert (counter.failed_attempts, counter.locked_until, counter.locks_now) == (4, None, False)


def test_the_attempt_at_the_limit_locks_for_the_lock_minutes() -> None:
    at = START + 4 * SECOND
    counter = _failures([START + n * SECOND for n in range(5)])
    assert counter.locks_now
    assert counter.locked_until == at + dt.timedelta(minutes=15)


def test_a_failure_at_the_window_s_last_instant_still_counts() -> None:
    window = dt.timedelta(minutes=15)
    counter = _failures([START, START, START, START, START + window])
    assert counter.failed_attempts == 5 and counter.locks_now


def test_a_failure_just_past_the_window_starts_a_new_count() -> None:
    window = dt.timedelta(minutes=15)
    counter = _failures([START, START, START, START, START + window + SECOND])
    assert (counter.failed_attempts, counter.first_failed_at) == (1, START + window + SECOND)
    assert counter.locked_until is None


def test_locked_until_the_last_second_then_counted_afresh() -> None:
    counter = _failures([START] * 5)
    until = START + dt.timedelta(minutes=15)
    assert counter.locked_until == until

    counter.locks_now = False
    counter.count(until - SECOND, Policy())
    assert counter.locked_before == until  # refused as locked, nothing counted
    assert (counter.failed_attempts, counter.locks_now) == (5, False)

    counter.count(until, Policy())  # the lock is over: a new window begins
    assert (counter.failed_attempts, counter.first_failed_at) == (1, until)
    assert not counter.locks_now


def test_a_disabled_policy_counts_but_never_locks() -> None:
    counter = _failures([START] * 50, Policy(enabled=False))
    assert (counter.failed_attempts, counter.locked_until) == (50, None)


def test_the_policy_s_own_numbers_are_the_limits() -> None:
    policy = Policy(max_attempts=2, window_minutes=1, lock_minutes=3)
    counter = _failures([START, START + dt.timedelta(minutes=1)], policy)
    assert counter.locked_until == START + dt.timedelta(minutes=4)


def test_a_lock_that_ran_out_is_not_renewed_by_the_next_failure() -> None:
    """Failures before a lock were its reason; once it ran out they no longer count."""
    policy = Policy(max_attempts=5, window_minutes=15, lock_minutes=5)
    counter = _failures([START] * 5, policy)
    counter.count(START + dt.timedelta(minutes=5), policy)
    assert (counter.failed_attempts, counter.locked_until) == (1, None)
