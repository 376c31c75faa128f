"""The Login Lockdown Policy's arithmetic (pure, no I/O): what one more sign-in attempt
makes of an account's counters.

An attempt is counted before its password is checked. Failures within ``window_minutes``
of the first one add up; at ``max_attempts`` the account is locked for ``lock_minutes``;
an attempt while locked counts nothing and is refused, and once the lock has run out the
count starts again from nothing. The services read and write the
counters under the account's row lock (:mod:`studio.services.sign_in`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


class LockdownPolicy(Protocol):
    """What the counters need of the Login Lockdown Policy."""

    @property
    def enabled(self) -> bool: ...
    @property
    def max_attempts(self) -> int: ...
    @property
    def window_minutes(self) -> int: ...
    @property
    def lock_minutes(self) -> int: ...


@dataclass
class LockdownCounter:
    """The lockdown counters of one account (a user or a reseller) and what one more
    attempt makes of them."""

    failed_attempts: int
    first_failed_at: dt.datetime | None
    locked_until: dt.datetime | None
    locked_before: dt.datetime | None = None
    locks_now: bool = False

    def count(self, now: dt.datetime, policy: LockdownPolicy) -> None:
        """Count an attempt (before the password is checked)."""
        if self.locked_until is not None:
            if self.locked_until > now:
                self.locked_before = self.locked_until
                return
            # The lock has run out: it was the penalty for those failures, which no
            # longer count (else one more failure would lock again at once).
            self.first_failed_at, self.locked_until = None, None
        window = dt.timedelta(minutes=policy.window_minutes)
        if self.first_failed_at is None or now - self.first_failed_at > window:
            self.failed_attempts, self.first_failed_at = 1, now
        else:
            self.failed_attempts += 1
        if policy.enabled and self.failed_attempts >= policy.max_attempts:
            self.locked_until = now + dt.timedelta(minutes=policy.lock_minutes)
            self.locks_now = True
