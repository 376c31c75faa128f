"""The password policy every provider and reseller password must meet (pure rules; the
list of common passwords is read once from the shipped resources).

At least 12 characters, at most 256, not the username, not one of the 30,000 most common
passwords in ``resources/common-passwords.txt``, no lone surrogate (the one character
check a password gets: anything else may be part of it, but a surrogate cannot be encoded
for hashing). Each message says which rule failed. Hashing is
:mod:`studio.security.passwords`.
"""

from __future__ import annotations

from functools import cache

from studio.domain.validation import surrogate_problem
from studio.resources import resource_path

MIN_LENGTH = 12
MAX_LENGTH = 256


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower-cased."""
    text = resource_path("common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line and not line.startswith("#")
    )


def password_error(password: str, username: str = "") -> str | None:
    """Which rule ``password`` breaks, or None when it meets the policy."""
    if problem := surrogate_problem(password):
        return problem
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters"
    if username and password.strip().lower() == username.strip().lower():
        return "must not be the username"
    if password.lower() in common_passwords():
        return "is one of the most common passwords; choose another"
    return None
