"""argon2id hashing of passwords (the policy they must meet is
:mod:`studio.domain.password_policy`).

Hashes are argon2id (argon2-cffi) with the parameters of :func:`hasher`; a hash made
with older parameters is re-made at the next successful sign-in (``needs_rehash``).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher


@cache
def hasher() -> PasswordHasher:
    """RFC 9106's second recommended option (64 MiB, 3 passes): ~130 ms on CI's machine.

    Built on first use, so that importing this module (the window does, for the
    sign-in form's rules) does not load the argon2 extension before the first paint.
    """
    from argon2 import PasswordHasher  # start-up

    return PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4)


#: Verified against when the username is unknown, so both failures take as long.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$"
    "zM2mKgSDJdcNIGnqnUDxYkqzCyB0w9yGwGF8UYkFpF8"
)


def hash_password(password: str) -> str:
    """An argon2id hash (with its own salt and parameters) of ``password``."""
    return hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; an unknown user (None) costs the same time."""
    from argon2.exceptions import InvalidHashError, VerificationError  # start-up

    try:
        return bool(hasher().verify(stored_hash or _DUMMY_HASH, password)) and bool(stored_hash)
    except (VerificationError, InvalidHashError):  # VerifyMismatchError is a VerificationError
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with other parameters than :func:`hasher`'s."""
    from argon2.exceptions import InvalidHashError  # start-up

    try:
        return hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
