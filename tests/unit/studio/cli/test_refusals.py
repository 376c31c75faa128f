"""Refused commands change nothing: every table's rows, audit rows included, are the
same after a refusal as before it.

One installation is built once (users, resellers, a subscription, an offering, a
customer); each case runs one refused command on a fresh copy of it and compares the
whole database. The one deliberate exception, a refused sign-in's audit row, has its
own tests (``tests/unit/studio/services/test_sign_in.py``); and a ``--as`` sign-in that
succeeded notes when (``last_sign_in_at``), and may re-hash the password with today's
parameters, whatever the command then does: the sign-in's own bookkeeping, not the
command's.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from studio.cli import EXIT_FAILURE, EXIT_USAGE, main
from studio.context import open_studio
from studio.domain.actors import Actor
from studio.domain.user_rules import NewUserInput
from studio.paths import database_path
from studio.services.customers import create_customer
from studio.services.users import create_first_admin, create_user
from tests.support.panel import (
    active_subscription,
    customer,
    mail_small_offering,
    make_reseller,
    sign_in,
)
from tests.support.users import ADMIN, PASSWORD

STAFF_PASSWORD = "sam's own long passphrase"
CUSTOMER = [
    "--first-name",
    "Ada",
    "--last-name",
    "Lovelace",
    "--email",
    "ada@customer.example.com",
    "--phone",
    "020 7946 0101",
    "--address-line1",
    "1 Engine Row",
    "--city",
    "London",
    "--country",
    "GB",
]
ADMIN_CREATE = ["admin", "create", "--full-name", "N", "--email", "n@hosting.example"]

#: What a successful sign-in keeps up to date (see the module's docstring).
SIGN_IN_BOOKKEEPING = {("app_user", "last_sign_in_at"), ("app_user", "password_hash")}
#: An unknown id is a wrong value (docs/cli.md): exit 2.
UNKNOWN_ID = EXIT_USAGE

#: (case, argv, standard input, exit codes). ``MISSING`` is a folder that does not exist.
REFUSALS: list[tuple[str, list[str], str, int | tuple[int, int]]] = [
    ("unknown reseller shown", ["reseller", "show", "999"], "", UNKNOWN_ID),
    (
        "subscribe with a quota of nothing",
        ["subscribe", "1", "--service", "exchange", "--server", "EXCH01", "--quota", "mailboxes=0"],
        "",
        EXIT_USAGE,
    ),
    (
        "subscribe on a server nobody registered",
        ["subscribe", "1", "--service", "exchange", "--server", "NOPE01", "--quota", "mailboxes=5"],
        "",
        EXIT_USAGE,
    ),
    (
        "subscribe of an unknown reseller",
        [
            "subscribe",
            "999",
            "--service",
            "exchange",
            "--server",
            "EXCH01",
            "--quota",
            "mailboxes=5",
        ],
        "",
        EXIT_USAGE,
    ),
    ("unknown reseller suspended", ["reseller", "suspend", "999"], "", UNKNOWN_ID),
    ("unknown reseller activated", ["reseller", "activate", "999"], "", UNKNOWN_ID),
    ("unknown reseller deleted", ["reseller", "delete", "999"], "", UNKNOWN_ID),
    ("reseller with customers deleted", ["reseller", "delete", "1"], "", EXIT_FAILURE),
    ("oversell of an unknown reseller", ["reseller", "oversell", "999", "on"], "", EXIT_USAGE),
    (
        "reseller from a missing file",
        ["reseller", "create", "--json-file", "MISSING/r.json"],
        "",
        EXIT_USAGE,
    ),
    ("port out of range", ["website", "set", "--port", "70000"], "", EXIT_USAGE),
    ("protocol not offered", ["website", "set", "--protocol", "gopher"], "", EXIT_USAGE),
    ("nothing to change", ["website", "set"], "", EXIT_USAGE),
    (
        "staff edits configuration",
        ["--as", "sam.staff", "website", "set", "--port", "8080"],
        f"{STAFF_PASSWORD}\n",
        EXIT_FAILURE,
    ),
    (
        "staff suspends a reseller",
        ["--as", "sam.staff", "reseller", "suspend", "1"],
        f"{STAFF_PASSWORD}\n",
        EXIT_FAILURE,
    ),
    (
        "customer with bad values in a panel",
        ["customer", "create", "--reseller", "1", *CUSTOMER[:-2], "--country", "XX"],
        "",
        EXIT_USAGE,
    ),
    (
        "customer in an unknown panel",
        ["customer", "create", "--reseller", "999", *CUSTOMER],
        "",
        EXIT_USAGE,
    ),
    ("panel command without a panel", ["customer", "create", *CUSTOMER], "", EXIT_USAGE),
    (
        "plan past the subscription's quota",
        [
            "plan",
            "create",
            "--reseller",
            "1",
            "--subscription",
            "1",
            "--name",
            "Big",
            "--quota",
            "mailboxes=5000",
            "--price",
            "1",
        ],
        "",
        EXIT_USAGE,
    ),
    (
        "plan on an unknown subscription",
        [
            "plan",
            "create",
            "--reseller",
            "1",
            "--subscription",
            "999",
            "--name",
            "Big",
            "--quota",
            "mailboxes=5",
            "--price",
            "1",
        ],
        "",
        EXIT_USAGE,
    ),
    (
        "commission over 100",
        ["settings", "resellers", "set", "--commission", "150"],
        "",
        EXIT_USAGE,
    ),
    (
        "offering of an unknown service",
        [
            "offerings",
            "add",
            "--name",
            "X",
            "--service",
            "nope",
            "--quota",
            "mailboxes=1",
            "--price",
            "1",
        ],
        "",
        EXIT_USAGE,
    ),
    (
        "offering with a quota that is no number",
        [
            "offerings",
            "add",
            "--name",
            "X",
            "--service",
            "exchange",
            "--quota",
            "mailboxes=many",
            "--price",
            "1",
        ],
        "",
        EXIT_USAGE,
    ),
    ("retry of an unknown job", ["jobs", "retry", "999"], "", UNKNOWN_ID),
    ("cancel of an unknown job", ["jobs", "cancel", "999"], "", UNKNOWN_ID),
    (
        "a username taken",
        [*ADMIN_CREATE, "--username", "ops.admin"],
        f"{PASSWORD}\n{PASSWORD}\n",
        EXIT_USAGE,
    ),
    (
        "a password too short",
        [*ADMIN_CREATE, "--username", "newcomer"],
        "short\nshort\n",
        EXIT_USAGE,
    ),
    (
        "audit export to a missing folder",
        ["audit", "export", "--csv", "MISSING/a.csv"],
        "",
        EXIT_USAGE,
    ),
    (
        "a statement of a month that is not one",
        ["statement", "1", "--period", "2026-13"],
        "",
        EXIT_USAGE,
    ),
]


def _snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, in a stable order (sign-in bookkeeping left out)."""
    connection = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        snapshot = {}
        for table in tables:
            columns = [
                f'"{row[1]}"'
                for row in connection.execute(f'PRAGMA table_info("{table}")')
                if (table, row[1]) not in SIGN_IN_BOOKKEEPING
            ]
            rows = connection.execute(f'SELECT {", ".join(columns)} FROM "{table}"').fetchall()
            snapshot[table] = sorted(rows, key=repr)
        return snapshot
    finally:
        connection.close()


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with users, two resellers, a subscription, an offering, a customer."""
    folder = tmp_path_factory.mktemp("installation") / "studio-home"
    studio = open_studio(folder)
    try:
        admin = Actor.local_administrator()
        create_first_admin(studio, ADMIN)
        create_user(
            studio,
            admin,
            NewUserInput(
                "sam.staff",
                "Sam Staff",
                "sam@hosting.example",
                STAFF_PASSWORD,
                STAFF_PASSWORD,
                "provider-staff",
            ),
        )
        reseller = make_reseller(studio, admin)
        make_reseller(studio, admin, 2)
        active_subscription(studio, reseller.id)
        mail_small_offering(studio, admin)
        create_customer(studio, sign_in(studio, "reseller1"), customer(1))
    finally:
        studio.close()
    return folder


@pytest.mark.parametrize(
    ("argv", "stdin", "code"),
    [
        *(pytest.param(argv, stdin, code, id=case) for case, argv, stdin, code in REFUSALS),
    ],
)
def test_a_refused_command_changes_nothing(  # noqa: PLR0917 - pytest passes fixtures by name
    installation: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    stdin: str,
    code: int | tuple[int, int],
) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(installation, folder)
    before = _snapshot(database_path(folder))
    missing = str(tmp_path / "missing")
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    args = ["--data-dir", str(folder), *(a.replace("MISSING", missing) for a in argv)]
    assert main(args, out=io.StringIO()) in (code if isinstance(code, tuple) else (code,))
    err = capsys.readouterr().err
    assert err and "Traceback" not in err
    assert _snapshot(database_path(folder)) == before


def test_the_list_covers_at_least_twenty_refusals() -> None:
    assert len(REFUSALS) >= 20
    assert len({case for case, *_ in REFUSALS}) == len(REFUSALS)
