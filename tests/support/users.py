"""A provider administrator for the tests that sign in or create users."""

from __future__ import annotations

from studio.domain.user_rules import NewUserInput

PASSWORD = "a long and uncommon passphrase"
ADMIN = NewUserInput("ops.admin", "Olga Admin", "olga@hosting.example", PASSWORD, PASSWORD)
