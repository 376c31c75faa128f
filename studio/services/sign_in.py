"""Signing in: authentication of provider users and resellers, the Login Lockdown
Policy's counters, and "remember me".

Authentication verifies the argon2id hash outside any transaction (it takes ~100 ms)
and records the outcome in a short one. A wrong username, a wrong password and a locked
account give the same error and take the same time (a dummy hash is verified for an
unknown name), so the answers do not tell which usernames exist: only the right
password of a locked account learns that it is locked, and until when. The lockdown
counters are in the database, so a locked account stays locked across restarts of the
studio. A remembered password lives in the OS keyring only.

Every refused sign-in is an audit row written by :data:`SYSTEM` (the username tried,
where from, why), committed although the sign-in is refused: the one deliberate
exception to "a refused command writes nothing", because the evidence of an attack
must outlive the refusal. The password tried is never recorded.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from studio.context import Studio
from studio.db import audit
from studio.db.models import Reseller, User
from studio.domain.actors import Actor, Role
from studio.domain.lockdown_rules import LockdownCounter
from studio.domain.validation import escaped
from studio.errors import StudioError
from studio.security.keyring_store import SecretsUnavailable
from studio.security.passwords import hash_password, needs_rehash, verify_password
from studio.services.users import LoginPolicyView, get_login_policy

SIGN_IN_FAILED = "The username or password is wrong."
#: Who records what no signed-in user did: refused sign-ins and the locks they cause.
SYSTEM = Actor("System", Role.PROVIDER_ADMINISTRATOR)
#: How much of a username tried is kept (the audit row's entity id holds 80).
_SHOWN_USERNAME = 80


class SignInFailed(StudioError):
    """Wrong username or wrong password: the same message for both."""

    def __init__(self) -> None:
        super().__init__(SIGN_IN_FAILED)


class AccountLocked(StudioError):
    """Too many failed attempts; the account is locked until ``until``."""

    def __init__(self, until: dt.datetime) -> None:
        self.until = until
        local = until.astimezone().strftime("%H:%M")
        super().__init__(
            f"This account is locked after too many failed sign-ins; try again after {local}."
        )


class AccountSuspended(StudioError):
    """A reseller whose provider suspended it signs in: the password was right."""

    def __init__(self) -> None:
        super().__init__("This reseller account is suspended: ask your provider to activate it.")


def authenticate(
    studio: Studio,
    username: str,
    password: str,
    now: dt.datetime | None = None,
    *,
    source: str = "cli",
) -> Actor:
    """The actor for these credentials, counting the attempt toward the lockdown.

    ``source`` says where the attempt came from (``cli``, ``gui``) for the audit row a
    refusal writes.

    Provider users and resellers sign in the same way (usernames are unique across
    both); a reseller's actor works only in its own panel. The attempt is counted
    *before* the password is checked, in one write transaction that holds the row:
    twenty attempts at once are twenty counts, and those past the limit are refused as
    locked. A success clears the count. A locked account and an unknown username still
    cost one argon2 verification and one audit write, so neither the answer nor its
    timing tells which names exist. Hashing (a re-hash included) happens outside
    transactions.

    Raises:
        SignInFailed: wrong username or password, or a locked account with a wrong
            password (the same for all three).
        AccountLocked: the account is locked and the password was right.
        AccountSuspended: a suspended reseller (only once its password was right).
    """
    now = now or _now()
    name = username.strip().lower()
    policy = get_login_policy(studio)
    with studio.unit_of_work() as session:
        # Take the write lock first (SQLite), or the row lock (other databases).
        session.execute(
            update(User).where(User.username == name).values(failed_attempts=User.failed_attempts)
        )
        user = session.scalar(select(User).where(User.username == name).with_for_update())
        if user is not None:
            stored: str | None = user.password_hash
            account: tuple[str, int] | None = ("user", user.id)
            attempt: LockdownCounter | None = LockdownCounter(
                user.failed_attempts, user.first_failed_at, user.locked_until
            )
            assert attempt is not None
            attempt.count(now, policy)
            user.failed_attempts = attempt.failed_attempts
            user.first_failed_at, user.locked_until = attempt.first_failed_at, attempt.locked_until
        else:
            stored, account, attempt = _count_reseller_attempt(session, name, now, policy)
    ok = verify_password(stored, password)  # always: unknown and locked cost the same
    refused = _Refusal(studio, name, source)
    if account is None or attempt is None:
        refused.record("unknown username")
        raise SignInFailed()
    if attempt.locked_before is not None:
        until = attempt.locked_before.isoformat(timespec="seconds")
        if ok:  # only the right password learns that the account is locked
            refused.record(f"account locked until {until}; the password was right")
            raise AccountLocked(attempt.locked_before)
        refused.record(f"wrong password; account locked until {until}")
        raise SignInFailed()
    assert stored is not None
    new_hash = hash_password(password) if ok and needs_rehash(stored) else None
    if account[0] == "reseller":
        return _finish_reseller_sign_in(
            studio,
            account[1],
            ok=ok,
            new_hash=new_hash,
            attempt=attempt,
            now=now,
            policy=policy,
            refused=refused,
        )
    with studio.unit_of_work() as session:
        row = session.get(User, account[1])
        assert row is not None
        if ok:
            row.failed_attempts, row.first_failed_at, row.locked_until = 0, None, None
            row.last_sign_in_at = now
            if new_hash is not None:
                row.password_hash = new_hash
            return Actor(row.username, Role(row.role))
        refused.record("wrong password", session)
        if attempt.locks_now:
            row.failed_attempts, row.first_failed_at = 0, None
            audit.record(
                session,
                SYSTEM,
                action="user.locked",
                entity="user",
                entity_id=row.id,
                summary=f"{row.username} locked until "
                f"{row.locked_until.isoformat() if row.locked_until else '?'} after "
                f"{policy.max_attempts} failed sign-ins",
            )
    raise SignInFailed()


def _count_reseller_attempt(
    session: Session, name: str, now: dt.datetime, policy: LoginPolicyView
) -> tuple[str | None, tuple[str, int] | None, LockdownCounter | None]:
    """A reseller's attempt, counted with plain updates: the counters are not the
    reseller's details, so they must not bump its edit version (an administrator's
    open Edit would otherwise meet a conflict after every sign-in)."""
    key = name.casefold()
    # As for users: the write lock (SQLite) or the row lock first, then read.
    session.execute(
        update(Reseller)
        .where(Reseller.username_key == key)
        .values(failed_attempts=Reseller.failed_attempts)
        .execution_options(synchronize_session=False)
    )
    row = session.execute(
        select(
            Reseller.id,
            Reseller.password_hash,
            Reseller.failed_attempts,
            Reseller.first_failed_at,
            Reseller.locked_until,
        )
        .where(Reseller.username_key == key)
        .with_for_update()
    ).first()
    if row is None or not row.password_hash:  # imported resellers have no password yet
        return None, None, None
    attempt = LockdownCounter(row.failed_attempts, row.first_failed_at, row.locked_until)
    attempt.count(now, policy)
    session.execute(
        update(Reseller)
        .where(Reseller.id == row.id)
        .values(
            failed_attempts=attempt.failed_attempts,
            first_failed_at=attempt.first_failed_at,
            locked_until=attempt.locked_until,
        )
        .execution_options(synchronize_session=False)
    )
    return row.password_hash, ("reseller", row.id), attempt


def _finish_reseller_sign_in(
    studio: Studio,
    reseller_id: int,
    *,
    ok: bool,
    new_hash: str | None,
    attempt: LockdownCounter,
    now: dt.datetime,
    policy: LoginPolicyView,
    refused: _Refusal,
) -> Actor:
    with studio.unit_of_work() as session:
        row = session.execute(
            select(Reseller.username, Reseller.status, Reseller.locked_until).where(
                Reseller.id == reseller_id
            )
        ).one()
        values: dict[str, object]
        if ok:
            values = {"failed_attempts": 0, "first_failed_at": None, "locked_until": None}
            if row.status == "active":
                values["last_sign_in_at"] = now
            if new_hash is not None:
                values["password_hash"] = new_hash
            if row.status != "active":
                refused.record("reseller account suspended; the password was right", session)
        elif attempt.locks_now:
            refused.record("wrong password", session)
            values = {"failed_attempts": 0, "first_failed_at": None}
            audit.record(
                session,
                SYSTEM,
                action="reseller.locked",
                entity="reseller",
                entity_id=reseller_id,
                summary=f"{row.username} locked until "
                f"{row.locked_until.isoformat() if row.locked_until else '?'} after "
                f"{policy.max_attempts} failed sign-ins",
            )
        else:
            refused.record("wrong password", session)
            values = {}
        if values:
            session.execute(
                update(Reseller)
                .where(Reseller.id == reseller_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
    if not ok:
        raise SignInFailed()
    if row.status != "active":
        raise AccountSuspended()
    return Actor.reseller(reseller_id, row.username)


class _Refusal:
    """The audit row of one refused sign-in, written by :data:`SYSTEM`."""

    def __init__(self, studio: Studio, username: str, source: str) -> None:
        self.studio = studio
        # Never accepted, so never checked: recorded with what the text rule refuses
        # escaped (a control sequence tried as a username must not reach a terminal).
        self.username = escaped(username[:_SHOWN_USERNAME])
        self.source = source

    def record(self, reason: str, session: Session | None = None) -> None:
        """Write the row in ``session``'s transaction, or in one of its own (committed
        at once: the sign-in is refused right after)."""
        if session is None:
            with self.studio.unit_of_work() as own:
                self.record(reason, own)
            return
        audit.record(
            session,
            SYSTEM,
            action="sign_in.failed",
            entity="sign_in",
            entity_id=self.username,
            summary=f"sign-in as {self.username!r} from {self.source} refused: {reason}",
        )


def _password_entry(username: str) -> str:
    return f"provider-password/{username.strip().lower()}"


def remember_password(studio: Studio, username: str, password: str) -> None:
    """ "Remember me": keep the password in the OS keyring (and only there).

    Raises:
        SecretsUnavailable: there is no keyring; nothing was stored.
    """
    studio.secrets.set(_password_entry(username), password)


def remembered_password(studio: Studio, username: str) -> str | None:
    """The remembered password of ``username``, if the keyring holds one."""

    try:
        return studio.secrets.get(_password_entry(username))
    except SecretsUnavailable:
        return None


def forget_password(studio: Studio, username: str) -> None:
    """Sign Out forgets a remembered password."""

    with contextlib.suppress(SecretsUnavailable):
        studio.secrets.delete(_password_entry(username))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
