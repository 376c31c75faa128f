"""Provider users: password policy, first run, argon2id sign-in, Login Lockdown Policy."""

from __future__ import annotations

import datetime as dt
import io
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from studio.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main
from studio.context import Studio, open_studio
from studio.db.models import AuditEvent, User
from studio.domain.actors import Actor, PermissionDenied, Role
from studio.domain.password_policy import password_error
from studio.domain.user_rules import NewUserInput
from studio.errors import FieldError
from studio.security.passwords import needs_rehash
from studio.services.sign_in import SIGN_IN_FAILED, AccountLocked, SignInFailed, authenticate
from studio.services.users import (
    FirstRunDone,
    LoginPolicyView,
    create_first_admin,
    create_user,
    provider_admin_exists,
    save_login_policy,
)

PASSWORD = "a long and uncommon passphrase"
ADMIN = NewUserInput("ops.admin", "Olga Admin", "olga@hosting.example", PASSWORD, PASSWORD)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "must be at least 12 characters"),
        ("ops.admin", "must be at least 12 characters"),
        ("Q1W2E3R4T5Y6", "is one of the most common passwords; choose another"),
        ("q1w2e3r4t5y6", "is one of the most common passwords; choose another"),
        ("Ops.Admin.Ops", None),
    ],
)
def test_password_policy_names_the_rule(password: str, message: str | None) -> None:
    assert password_error(password, "ops.admin") == message
    assert password_error("ops.admin.123", "OPS.ADMIN.123") == "must not be the username"


def test_first_admin_once_then_closed(studio: Studio, data_dir: Path) -> None:
    assert not provider_admin_exists(studio)
    view = create_first_admin(studio, ADMIN)
    assert (view.username, view.role) == ("ops.admin", "provider-administrator")
    assert provider_admin_exists(studio)
    with pytest.raises(FirstRunDone):
        create_first_admin(studio, replace(ADMIN, username="second.admin"))
    with studio.unit_of_work() as session:
        user = session.scalar(select(User))
        assert user is not None and user.password_hash.startswith("$argon2id$")
        event = session.scalar(select(AuditEvent))
        assert event is not None and event.actor.startswith("First run (")
        assert event.changes["password"] == [None, "********"]
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes()


def test_invalid_input_names_every_field(studio: Studio) -> None:
    bad = NewUserInput("x", "", "not-an-email", "short", "other")
    with pytest.raises(FieldError) as caught:
        create_first_admin(studio, bad)
    assert list(caught.value.errors) == [
        "username",
        "full_name",
        "email",
        "password",
        "password_confirmation",
    ]
    assert not provider_admin_exists(studio)


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


def test_the_policy_can_be_turned_off_only_by_an_administrator(studio: Studio) -> None:
    create_first_admin(studio, ADMIN)
    admin = authenticate(studio, "ops.admin", PASSWORD)
    with pytest.raises(FieldError) as caught:
        save_login_policy(studio, admin, LoginPolicyView(True, 0, 15, 15))
    assert caught.value.errors == {"max_attempts": "must be between 1 and 100"}
    with pytest.raises(PermissionDenied):
        save_login_policy(studio, Actor("staff", Role.PROVIDER_STAFF), LoginPolicyView(False))
    save_login_policy(studio, admin, LoginPolicyView(enabled=False))
    for _ in range(7):
        with pytest.raises(SignInFailed):
            authenticate(studio, "ops.admin", "wrong password here")
    assert authenticate(studio, "ops.admin", PASSWORD)


def test_weaker_hashes_are_remade_at_sign_in(studio: Studio) -> None:
    create_first_admin(studio, ADMIN)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with studio.unit_of_work() as session:
        session.execute(update(User).values(password_hash=weak))
    authenticate(studio, "ops.admin", PASSWORD)
    with studio.unit_of_work() as session:
        stored = session.scalar(select(User.password_hash))
    assert stored is not None and stored != weak and not needs_rehash(stored)


def test_staff_may_not_create_users(studio: Studio) -> None:
    create_first_admin(studio, ADMIN)
    with pytest.raises(PermissionDenied, match="manage users"):
        create_user(studio, Actor("staff", Role.PROVIDER_STAFF), replace(ADMIN, username="another"))


def _cli(argv: list[str], stdin: str) -> tuple[int, str]:
    out, saved = io.StringIO(), sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return main(argv, out=out), out.getvalue()
    finally:
        sys.stdin = saved


def test_cli_admin_create_and_acting_as_a_user(capsys: pytest.CaptureFixture[str]) -> None:
    create = [
        "admin",
        "create",
        "--username",
        "ops.admin",
        "--full-name",
        "Olga Admin",
        "--email",
        "olga@hosting.example",
    ]
    assert _cli(["--as", "someone", *create], f"x\n{PASSWORD}\n")[0] == EXIT_USAGE
    assert "as: no provider administrator exists yet" in capsys.readouterr().err
    assert _cli(create, f"{PASSWORD}\n{PASSWORD}\n") == (
        EXIT_OK,
        "created provider-administrator ops.admin (first run)\n",
    )
    staff = [
        "--as",
        "ops.admin",
        "admin",
        "create",
        "--username",
        "sam.staff",
        "--full-name",
        "Sam Staff",
        "--email",
        "sam@hosting.example",
        "--role",
        "provider-staff",
    ]
    assert _cli(staff, f"{PASSWORD}\nsam's own passphrase\n")[0] == EXIT_OK
    code, _ = _cli(
        ["--as", "sam.staff", "website", "set", "--port", "8080"], "sam's own passphrase\n"
    )
    assert code == EXIT_FAILURE
    assert "permission denied: sam.staff (provider-staff) may not edit configuration" in (
        capsys.readouterr().err
    )
    code, _ = _cli(["--as", "sam.staff", "website", "show", "--json"], "sam's own passphrase\n")
    assert code == EXIT_OK
    code, _ = _cli(["--as", "ops.admin", "website", "show"], "wrong password\n")
    assert code == EXIT_FAILURE
    assert f"error: {SIGN_IN_FAILED}" in capsys.readouterr().err
    code, _ = _cli([*create[:2], "--username", "x", *create[4:]], "short\n")
    assert code == EXIT_USAGE


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
    assert outcomes.count("failed") == 5
    assert outcomes.count("locked") == 15
    with pytest.raises(AccountLocked):
        authenticate(studio, "ops.admin", PASSWORD)


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
    with pytest.raises(AccountLocked):
        authenticate(studio, "ops.admin", PASSWORD)
    assert len(calls) == 1
