"""Rules for studio users (pure, no I/O): username, name, e-mail, password, role.

One validator set for the first-run dialog and the CLI's ``admin create``; resellers'
usernames and e-mails meet the same rules. E-mail addresses are checked by
``email-validator`` (syntax only: a
provider's mail may not resolve from the studio's machine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studio.domain.actors import Role
from studio.domain.contact import email_value
from studio.domain.password_policy import password_error
from studio.domain.validation import text_value

#: The ``full_name`` column's length.
MAX_FULL_NAME = 120

PROVIDER_ROLES = (Role.PROVIDER_ADMINISTRATOR.value, Role.PROVIDER_STAFF.value)
_USERNAME = re.compile(r"^[A-Za-z0-9._-]{3,32}$")


@dataclass(frozen=True)
class NewUserInput:
    """A user as typed; ``password_confirmation`` must repeat ``password``."""

    username: str
    full_name: str
    email: str
    password: str
    password_confirmation: str
    role: str = Role.PROVIDER_ADMINISTRATOR.value


def username_error(username: str) -> str | None:
    """Why ``username`` is not acceptable: 3-32 of letters, digits . _ - or an e-mail."""
    value = username.strip()
    if not value:
        return "is required"
    if _USERNAME.match(value):
        return None
    if "@" in value and email_error(value) is None:
        return None
    return "must be 3-32 letters, digits, '.', '_' or '-', or an e-mail address"


def email_error(email: str) -> str | None:
    """Why ``email`` is not an e-mail address, in email-validator's words (the one
    e-mail rule of the studio: ``studio.domain.contact.email_value``)."""
    return email_value(email, required=True)[1]


def new_user_errors(data: NewUserInput) -> dict[str, str]:
    """Every invalid field, in form order."""
    checks = {
        "username": username_error(data.username),
        "full_name": text_value(data.full_name, MAX_FULL_NAME, required=True)[1],
        "email": email_error(data.email),
        "password": password_error(data.password, data.username),
        "password_confirmation": None
        if data.password == data.password_confirmation
        else "does not match the password",
        "role": None if data.role in PROVIDER_ROLES else f"must be one of {PROVIDER_ROLES}",
    }
    return {field: message for field, message in checks.items() if message}
