"""Signing in: one message for both failures, the Login Lockdown Policy at its limits
and across restarts, rehashing, and the time a failure costs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from studio.context import Studio, open_studio
from studio.db.models import AuditEvent, Reseller, User
from studio.domain.actors import Actor, Role
from studio.security.passwords import needs_rehash
from studio.services.resellers import create_reseller, set_reseller_status
from studio.services.sign_in import (
    SIGN_IN_FAILED,
    SYSTEM,
    AccountLocked,
    AccountSuspended,
    SignInFailed,
    authenticate,
)
from studio.services.stored_text import check_stored_text
from studio.services.users import (
    create_first_admin,
)
from tests.support.resellers import PASSWORD as RESELLER_PASSWORD
from tests.support.resellers import sample_reseller
from tests.support.users import ADMIN, PASSWORD


def test_sign_in_gives_the_role_and_one_message_for_both_failures(studio: Studio) -> None:
    create_first_admin(studio, ADMIN)
    actor = authenticate(studio, "OPS.ADMIN", PASSWORD)
    assert actor == Actor("ops.admin", Role.PROVIDER_ADMINISTRATOR)
    with pytest.raises(SignInFailed) as wrong_password:
        authenticate(studio, "ops.admin", "not the password at all")
    with pytest.raises(SignInFailed) as unknown_user:
        authenticate(studio, "nobody", PASSWORD)
    assert str(wrong_password.value) == str(unknown_user.value) == SIGN_IN_FAILED


def test_lockdown_after_five_failures_survives_a_restart(studio: Studio, data_dir: Path) -> None:
    create_first_admin(studio, ADMIN)
    start = dt.datetime.now(dt.UTC)
    for minute in range(5):
        with pytest.raises(SignInFailed):
            authenticate(
                studio, "ops.admin", "wrong password here", start + dt.timedelta(minutes=minute)
            )
    studio.close()
    reopened = open_studio(data_dir)
    with pytest.raises(AccountLocked) as locked:
        authenticate(reopened, "ops.admin", PASSWORD, start + dt.timedelta(minutes=10))
    assert "locked after too many failed sign-ins" in str(locked.value)
    assert authenticate(reopened, "ops.admin", PASSWORD, start + dt.timedelta(minutes=20))
    with reopened.unit_of_work() as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert "user.locked" in actions
    reopened.close()


def test_failures_outside_the_window_do_not_lock(studio: Studio) -> None:
    create_first_admin(studio, ADMIN)
    start = dt.datetime.now(dt.UTC)
    for n in range(8):
        with pytest.raises(SignInFailed):
            authenticate(
                studio, "ops.admin", "wrong password here", start + dt.timedelta(minutes=4 * n)
            )
    assert authenticate(studio, "ops.admin", PASSWORD, start + dt.timedelta(minutes=33))


def test_weaker_hashes_are_remade_at_sign_in(studio: Studio) -> None:
    create_first_admin(studio, ADMIN)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with studio.unit_of_work() as session:
        session.execute(update(User).values(password_hash=weak))
    authenticate(studio, "ops.admin", PASSWORD)
    with studio.unit_of_work() as session:
        stored = session.scalar(select(User.password_hash))
    assert stored is not None and stored != weak and not needs_rehash(stored)


def test_parallel_attempts_cannot_pass_the_lockdown(studio: Studio) -> None:
    from concurrent.futures import ThreadPoolExecutor

    create_first_admin(studio, ADMIN)

    def attempt(_n: int) -> str:
        try:
            authenticate(studio, "ops.admin", "wrong password here")
        except AccountLocked:
            return "locked"
        except SignInFailed:
            return "failed"
        return "signed in"

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(attempt, range(20)))
    assert outcomes == ["failed"] * 20  # a locked account says no more than a wrong password
    with pytest.raises(AccountLocked):
        authenticate(studio, "ops.admin", PASSWORD)
    with studio.unit_of_work() as session:
        reasons = list(session.scalars(select(AuditEvent.summary)))
    assert sum("refused: wrong password" in r for r in reasons) == 20
    assert sum(r.endswith("refused: wrong password") for r in reasons) == 5  # counted
    assert sum(" locked until " in r and "after 5 failed" in r for r in reasons) == 1


def test_locked_and_unknown_cost_a_verification_like_a_wrong_password(
    studio: Studio, monkeypatch: pytest.MonkeyPatch
) -> None:
    import studio.services.sign_in as users_service

    create_first_admin(studio, ADMIN)
    calls: list[str | None] = []
    real = users_service.verify_password  # type: ignore[attr-defined]

    def counting(stored: str | None, password: str) -> bool:
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(users_service, "verify_password", counting)
    with pytest.raises(SignInFailed):
        authenticate(studio, "nobody.here", PASSWORD)
    assert calls == [None]  # the dummy hash was checked
    for _ in range(5):
        with pytest.raises(SignInFailed):
            authenticate(studio, "ops.admin", "wrong password here")
    calls.clear()
    with pytest.raises(SignInFailed):
        authenticate(studio, "ops.admin", "wrong password here")
    with pytest.raises(AccountLocked):
        authenticate(studio, "ops.admin", PASSWORD)
    assert len(calls) == 2


def _refusals(studio: Studio) -> list[tuple[str, str, str, str]]:
    with studio.unit_of_work() as session:
        rows = session.execute(
            select(
                AuditEvent.actor, AuditEvent.action, AuditEvent.entity_id, AuditEvent.summary
            ).order_by(AuditEvent.id)
        ).all()
    return [tuple(row) for row in rows if row.action != "user.create"]  # type: ignore[misc]


def test_every_refused_sign_in_is_audited_by_the_system(studio: Studio) -> None:
    create_first_admin(studio, ADMIN)
    with pytest.raises(SignInFailed):
        authenticate(studio, "Nobody.Here", "guess number one", source="gui")
    with pytest.raises(SignInFailed):
        authenticate(studio, "ops.admin", "guess number two")
    assert _refusals(studio) == [
        (
            SYSTEM.name,
            "sign_in.failed",
            "nobody.here",
            "sign-in as 'nobody.here' from gui refused: unknown username",
        ),
        (
            SYSTEM.name,
            "sign_in.failed",
            "ops.admin",
            "sign-in as 'ops.admin' from cli refused: wrong password",
        ),
    ]
    assert not any("guess" in row[3] for row in _refusals(studio))  # never the password
    authenticate(studio, "ops.admin", PASSWORD)
    assert len(_refusals(studio)) == 2  # a success adds no refusal


def test_a_username_tried_is_recorded_with_what_the_text_rule_refuses_escaped(
    studio: Studio,
) -> None:
    """A username is never checked (it was never accepted): a control sequence or a
    bidirectional override tried as one is recorded escaped, so that neither a terminal
    (``audit list``) nor a viewer obeys it, and ``db check`` finds nothing to report."""
    create_first_admin(studio, ADMIN)
    with pytest.raises(SignInFailed):
        authenticate(studio, "ev\x1b[31mil\u202egnp.exe", "guess")
    [(_actor, _action, tried, summary)] = _refusals(studio)
    assert tried == "ev\\u001b[31mil\\u202egnp.exe"
    assert "\x1b" not in summary and "\u202e" not in summary
    assert check_stored_text(studio, Actor.local_administrator()) == []


def test_a_locked_account_answers_like_an_unknown_one_until_the_right_password(
    studio: Studio,
) -> None:
    create_first_admin(studio, ADMIN)
    start = dt.datetime.now(dt.UTC)
    answers: dict[str, list[str]] = {"ops.admin": [], "no.such.user": []}
    for name, said in answers.items():
        for _ in range(8):
            with pytest.raises(SignInFailed) as caught:
                authenticate(studio, name, "wrong password here", start)
            said.append(str(caught.value))
    assert answers["ops.admin"] == answers["no.such.user"] == [SIGN_IN_FAILED] * 8
    with pytest.raises(AccountLocked) as locked:
        authenticate(studio, "ops.admin", PASSWORD, start)
    assert "try again after" in str(locked.value)
    refusals = _refusals(studio)
    assert len([r for r in refusals if r[1] == "sign_in.failed"]) == 17
    lock = [r for r in refusals if r[1] == "user.locked"]
    assert len(lock) == 1 and lock[0][0] == SYSTEM.name  # not the attacked user
    assert refusals[-1][3].startswith("sign-in as 'ops.admin' from cli refused: account locked")
    assert refusals[-1][3].endswith("the password was right")


def test_a_long_username_is_kept_shortened(studio: Studio) -> None:
    with pytest.raises(SignInFailed):
        authenticate(studio, "x" * 500, "whatever it is")
    assert _refusals(studio)[0][2] == "x" * 80


def _reseller_row(studio: Studio) -> Reseller:
    with studio.unit_of_work() as session:
        row = session.scalars(select(Reseller)).one()
        return row


def test_a_reseller_s_wrong_password_is_counted_and_recorded_the_right_one_clears_it(
    studio: Studio, admin: Actor
) -> None:
    create_reseller(studio, admin, sample_reseller(1))
    with pytest.raises(SignInFailed):
        authenticate(studio, "reseller1", "not the password")
    assert _reseller_row(studio).failed_attempts == 1
    assert _refusals(studio)[-1][1:] == (
        "sign_in.failed",
        "reseller1",
        "sign-in as 'reseller1' from cli refused: wrong password",
    )
    assert authenticate(studio, "reseller1", RESELLER_PASSWORD).role is Role.RESELLER
    signed_in = _reseller_row(studio)
    assert (signed_in.failed_attempts, signed_in.first_failed_at) == (0, None)
    assert signed_in.last_sign_in_at is not None


def test_a_suspended_reseller_with_the_right_password_is_told_so_and_recorded(
    studio: Studio, admin: Actor
) -> None:
    made = create_reseller(studio, admin, sample_reseller(1))
    set_reseller_status(studio, admin, made.id, "suspended")
    with pytest.raises(AccountSuspended) as refused:
        authenticate(studio, "reseller1", RESELLER_PASSWORD)
    assert str(refused.value) == (
        "This reseller account is suspended: ask your provider to activate it."
    )
    assert _refusals(studio)[-1][3] == (
        "sign-in as 'reseller1' from cli refused: "
        "reseller account suspended; the password was right"
    )
    assert _reseller_row(studio).last_sign_in_at is None


def test_a_reseller_s_weaker_hash_is_remade_at_sign_in(studio: Studio, admin: Actor) -> None:
    create_reseller(studio, admin, sample_reseller(1))
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(RESELLER_PASSWORD)
    with studio.unit_of_work() as session:
        session.execute(update(Reseller).values(password_hash=weak))
    authenticate(studio, "reseller1", RESELLER_PASSWORD)
    stored = _reseller_row(studio).password_hash
    assert stored is not None and stored != weak and not needs_rehash(stored)


def test_a_reseller_is_locked_by_the_system_after_the_policy_s_failures(
    studio: Studio, admin: Actor
) -> None:
    create_reseller(studio, admin, sample_reseller(1))
    for _ in range(5):
        with pytest.raises(SignInFailed):
            authenticate(studio, "reseller1", "not the password")
    locked = _reseller_row(studio)
    assert locked.locked_until is not None and locked.failed_attempts == 0
    [lock] = [row for row in _refusals(studio) if row[1] == "reseller.locked"]
    assert lock[0] == SYSTEM.name and lock[3].startswith("reseller1 locked until ")
    assert lock[3].endswith("after 5 failed sign-ins")
    with pytest.raises(AccountLocked):
        authenticate(studio, "reseller1", RESELLER_PASSWORD)
