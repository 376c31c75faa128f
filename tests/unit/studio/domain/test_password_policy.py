"""The password policy, without a database: each rule names itself."""

from __future__ import annotations

import pytest

from studio.domain.password_policy import password_error


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
