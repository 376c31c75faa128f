"""The command line's actor and ``admin create``.

Run by a local OS user, a command acts as the built-in Local Administrator (recorded
with the OS user's name). ``--as USERNAME`` makes it act as that studio user instead,
so that the user's role applies; the password is the first line of standard input,
never an argument. ``admin create`` reads the new password (and, optionally, its
confirmation) from the following lines.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from studio.cli.common import EXIT_OK, actor_for, opened, stdin_line
from studio.domain.user_rules import NewUserInput
from studio.errors import FieldError


def cmd_admin_create(args: argparse.Namespace, out: TextIO) -> int:
    """First administrator (when none exists) or a new user created by an administrator."""
    from studio.services.users import (  # start-up
        create_first_admin,
        create_user,
        provider_admin_exists,
    )

    with opened(args) as studio:
        first = not provider_admin_exists(studio)
        if first and getattr(args, "as_user", None):
            raise FieldError.single(
                "as", "no provider administrator exists yet: leave out --as to create the first"
            )
        actor = None if first else actor_for(args, studio)
        password = stdin_line("password", "the new password")
        if sys.stdin.isatty():
            confirmation = stdin_line("password_confirmation", "the new password again")
        else:
            confirmation = sys.stdin.readline().rstrip("\r\n") or password
        data = NewUserInput(
            args.username, args.full_name, args.email, password, confirmation, args.role
        )
        view = (
            create_first_admin(studio, data) if actor is None else create_user(studio, actor, data)
        )
    print(f"created {view.role} {view.username}" + (" (first run)" if first else ""), file=out)
    return EXIT_OK


def add_commands(commands: Any) -> None:
    """Add ``admin create``."""
    admin = commands.add_parser("admin", help="studio users")
    actions = admin.add_subparsers(title="admin commands", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="create a user (the first provider administrator when none exists); "
        "the password is read from standard input",
    )
    create.add_argument("--username", required=True)
    create.add_argument("--full-name", dest="full_name", required=True)
    create.add_argument("--email", required=True)
    create.add_argument(
        "--role",
        default="provider-administrator",
        choices=("provider-administrator", "provider-staff"),
    )
    create.set_defaults(handler=cmd_admin_create)
