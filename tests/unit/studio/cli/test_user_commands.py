"""``machpanel-studio admin create`` and ``--as USERNAME`` as a script drives them."""

from __future__ import annotations

import io
import sys

import pytest

from studio.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main
from studio.services.sign_in import SIGN_IN_FAILED
from tests.support.users import PASSWORD


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


def _cli(argv: list[str], stdin: str) -> tuple[int, str]:
    out, saved = io.StringIO(), sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return main(argv, out=out), out.getvalue()
    finally:
        sys.stdin = saved
