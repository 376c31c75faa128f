"""``machpanel-studio``: the one command line, for administrators and for scripts.

This package knows nothing of the window: the program's entry point (``ui.launcher``)
passes a :class:`Window` that opens it when no command is given, and runs the frozen
build's ``--self-test``. ``python -m studio`` runs the commands alone.

Each ``*_commands`` module adds one area's commands; :mod:`studio.cli.common` holds what
they share. Exit codes, a contract for scripts:

* 0 — done;
* 1 — the environment failed (data folder, database, self-test), with the reason;
* 2 — the arguments or the input are wrong: argparse names the argument, and rejected
  values are printed one per line as ``field: message``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Protocol, TextIO

from studio import APP_NAME, CONTROL_SERVER_BUILD, __version__
from studio.cli import (
    audit_commands,
    database_commands,
    offering_commands,
    panel_commands,
    reseller_commands,
    server_commands,
    subscription_commands,
    user_commands,
    website_commands,
)
from studio.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    Handler,
    escape_unencodable,
    refuse_undecodable_arguments,
)
from studio.domain.actors import PermissionDenied
from studio.errors import FieldError, NotFoundError, StudioError

__all__ = ["EXIT_FAILURE", "EXIT_OK", "EXIT_USAGE", "Window", "build_parser", "main"]


class Window(Protocol):
    """The studio's window, as the command line starts it (given by ``ui.launcher``)."""

    def run(self, data_dir: str | None, database_url: str | None) -> int:
        """Open the window; its exit code when it closes."""

    def self_test(self, data_dir: str | None, database_url: str | None, out: TextIO) -> int:
        """Build the window offscreen and check resources and database; one line."""


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree: the global options, then each area's commands."""
    parser = argparse.ArgumentParser(
        prog="machpanel-studio",
        description=f"{APP_NAME}. With no command, opens the studio window.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"machpanel-studio {__version__} (Control Server build {CONTROL_SERVER_BUILD})",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="data folder (default: $MACHPANEL_STUDIO_HOME, else the per-user data folder)",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="SQLAlchemy database URL (default: $MACHPANEL_STUDIO_DATABASE_URL, "
        "else studio.db in the data folder)",
    )
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="act as this studio user (password: first line of standard input) so that "
        "its role applies; default: the Local Administrator of this machine",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="build the main window offscreen, check resources and database, print one line",
    )
    parser.set_defaults(handler=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for area in (
        database_commands,
        website_commands,
        server_commands,
        audit_commands,
        user_commands,
        reseller_commands,
        subscription_commands,
        offering_commands,
        panel_commands,
    ):
        area.add_commands(commands)
    return parser


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, window: Window | None = None
) -> int:
    """Run the command line; returns the exit code instead of exiting (tests call it).

    With no command, ``window`` opens (``--self-test`` tests it); without a window
    (``python -m studio``) that is a usage error.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the reason
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if args.self_test and args.handler is not None:
        parser.print_usage(sys.stderr)
        print("machpanel-studio: error: argument --self-test: takes no command", file=sys.stderr)
        return EXIT_USAGE
    handler: Handler | None = args.handler
    if handler is None:
        if window is None:
            parser.print_usage(sys.stderr)
            print(
                "machpanel-studio: error: give a command; the window opens from "
                "machpanel-studio itself",
                file=sys.stderr,
            )
            return EXIT_USAGE
        shown = window

        def handler(args: argparse.Namespace, out: TextIO) -> int:
            if args.self_test:
                return shown.self_test(args.data_dir, args.database_url, out)
            return shown.run(args.data_dir, args.database_url)

    stream = out or sys.stdout
    escape_unencodable(stream)
    escape_unencodable(sys.stderr)
    try:
        return _run(handler, args, stream)
    except BrokenPipeError:  # `… | head` closed the pipe: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE


def _run(handler: Handler, args: argparse.Namespace, out: TextIO) -> int:
    """Call the handler; turn the studio's typed errors into messages and exit codes."""
    try:
        refuse_undecodable_arguments(args)
        return handler(args, out)
    except FieldError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return EXIT_USAGE
    except NotFoundError as exc:  # an id naming nothing is a wrong value
        print(f"{exc.prefix}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PermissionDenied as exc:
        print(f"permission denied: {exc}", file=sys.stderr)
    except StudioError as exc:  # data-dir: …, database: …, error: …
        print(f"{exc.prefix}: {exc}", file=sys.stderr)
    return EXIT_FAILURE
