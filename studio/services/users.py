"""Use cases of provider users: the first administrator, new users, the list, and the
Login Lockdown Policy's settings. Signing in is :mod:`studio.services.sign_in`.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from sqlalchemy import func, select

from studio.context import Studio
from studio.db import audit
from studio.db.models import LoginPolicy, Reseller, User
from studio.domain.actors import Actor, Permission, Role
from studio.domain.user_rules import MAX_FULL_NAME, NewUserInput, new_user_errors
from studio.domain.validation import text_value
from studio.errors import FieldError, StudioError
from studio.security.passwords import hash_password

_POLICY_ID = 1


class FirstRunDone(StudioError):
    """A provider administrator exists already: the first-run path is closed."""


@dataclass(frozen=True)
class UserView:
    """A user as listed (never the hash)."""

    id: int
    username: str
    full_name: str
    email: str
    role: str


@dataclass(frozen=True)
class LoginPolicyView:
    """The Login Lockdown Policy in force."""

    enabled: bool = True
    max_attempts: int = 5
    window_minutes: int = 15
    lock_minutes: int = 15
    idle_minutes: int = 15


def _view(user: User) -> UserView:
    return UserView(user.id, user.username, user.full_name, user.email, user.role)


def provider_admin_exists(studio: Studio) -> bool:
    """Whether the first-run dialog is done (no actor: asked before anyone signs in)."""
    with studio.unit_of_work() as session:
        stmt = (
            select(func.count())
            .select_from(User)
            .where(User.role == Role.PROVIDER_ADMINISTRATOR.value)
        )
        return bool(session.scalar(stmt))


def _insert(studio: Studio, actor_name: str, data: NewUserInput, first_run: bool) -> UserView:
    errors = new_user_errors(data)
    if errors:
        raise FieldError(errors)
    username = data.username.strip().lower()
    password_hash = hash_password(data.password)  # ~100 ms, outside the transaction
    with studio.unit_of_work() as session:
        if first_run and session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.PROVIDER_ADMINISTRATOR.value)
        ):
            raise FirstRunDone("a provider administrator exists already: sign in instead")
        if session.scalar(select(func.count()).where(User.username == username)):
            raise FieldError.single("username", f"{username} is taken")
        if session.scalar(select(func.count()).where(Reseller.username_key == username.casefold())):
            # One sign-in for both: a name must say which account it is.
            raise FieldError.single("username", f"{username} is a reseller's username")
        user = User(
            username=username,
            full_name=text_value(data.full_name, MAX_FULL_NAME)[0],
            email=data.email.strip(),
            role=data.role,
            password_hash=password_hash,
        )
        session.add(user)
        session.flush()
        audit.record(
            session,
            Actor(actor_name, Role.PROVIDER_ADMINISTRATOR),
            action="user.create",
            entity="user",
            entity_id=user.id,
            changes=audit.diff({}, {"username": username, "role": data.role, "password": "set"}),
            summary=f"{data.role} {username} created" + (" (first run)" if first_run else ""),
        )
        return _view(user)


def create_first_admin(studio: Studio, data: NewUserInput) -> UserView:
    """The first provider administrator; refused once one exists.

    Raises:
        FirstRunDone: an administrator exists (the first-run path is closed).
        FieldError: naming each invalid field.
    """
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):
        os_user = "unknown"
    first = NewUserInput(**{**data.__dict__, "role": Role.PROVIDER_ADMINISTRATOR.value})
    return _insert(studio, f"First run ({os_user})", first, first_run=True)


def create_user(studio: Studio, actor: Actor, data: NewUserInput) -> UserView:
    """A provider administrator or staff member, created by an administrator."""
    actor.require(Permission.MANAGE_USERS)
    return _insert(studio, actor.name, data, first_run=False)


def list_users(studio: Studio, actor: Actor) -> list[UserView]:
    """Every user, by username."""
    actor.require(Permission.MANAGE_USERS)
    with studio.unit_of_work() as session:
        return [_view(u) for u in session.scalars(select(User).order_by(User.username))]


def _policy_view(row: LoginPolicy) -> LoginPolicyView:
    return LoginPolicyView(
        row.enabled, row.max_attempts, row.window_minutes, row.lock_minutes, row.idle_minutes
    )


def get_login_policy(studio: Studio, actor: Actor | None = None) -> LoginPolicyView:
    """The Login Lockdown Policy (defaults until saved)."""
    if actor is not None:
        actor.require(Permission.VIEW_CONFIGURATION)
    with studio.unit_of_work() as session:
        row = session.get(LoginPolicy, _POLICY_ID)
        if row is None:
            return LoginPolicyView()
        return _policy_view(row)


def save_login_policy(studio: Studio, actor: Actor, policy: LoginPolicyView) -> LoginPolicyView:
    """Change the policy (administrators only), with an audit record."""
    actor.require(Permission.MANAGE_USERS)
    errors = {}
    for field, low, high in (
        ("max_attempts", 1, 100),
        ("window_minutes", 1, 1440),
        ("lock_minutes", 1, 10080),
        ("idle_minutes", 1, 1440),
    ):
        if not low <= getattr(policy, field) <= high:
            errors[field] = f"must be between {low} and {high}"
    if errors:
        raise FieldError(errors)
    with studio.unit_of_work() as session:
        row = session.get(LoginPolicy, _POLICY_ID)
        old = (_policy_view(row) if row else LoginPolicyView()).__dict__
        if row is None:
            row = LoginPolicy(id=_POLICY_ID, updated_by=actor.name)
            session.add(row)
        for field, value in policy.__dict__.items():
            setattr(row, field, value)
        row.updated_by = actor.name
        changes = audit.diff(old, policy.__dict__)
        if changes:
            audit.record(
                session,
                actor,
                action="login_policy.update",
                entity="login_policy",
                entity_id=_POLICY_ID,
                changes=changes,
                summary="Login Lockdown Policy",
            )
    return policy
