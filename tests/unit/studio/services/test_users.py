"""Provider users: password policy, first run, argon2id sign-in, Login Lockdown Policy."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from studio.context import Studio
from studio.db.models import AuditEvent, User
from studio.domain.actors import Actor, PermissionDenied, Role
from studio.domain.user_rules import NewUserInput
from studio.errors import FieldError
from studio.services.sign_in import SignInFailed, authenticate
from studio.services.users import (
    FirstRunDone,
    LoginPolicyView,
    create_first_admin,
    create_user,
    provider_admin_exists,
    save_login_policy,
)
from tests.support.users import ADMIN, PASSWORD


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


def test_staff_may_not_create_users(studio: Studio) -> None:
    create_first_admin(studio, ADMIN)
    with pytest.raises(PermissionDenied, match="manage users"):
        create_user(studio, Actor("staff", Role.PROVIDER_STAFF), replace(ADMIN, username="another"))
