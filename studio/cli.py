"""``machpanel-studio``: the one command line, for administrators and for scripts.

No command opens the GUI (Qt is imported only then). Exit codes, a contract for scripts:

* 0 — done;
* 1 — the environment failed (data folder, database, self-test), with the reason;
* 2 — the arguments or the input are wrong: argparse names the argument, and rejected
  values are printed one per line as ``field: message``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from studio import APP_NAME, CONTROL_SERVER_BUILD, __version__
from studio.cli_users import actor_for
from studio.domain.actors import PermissionDenied
from studio.errors import DataFolderError, FieldError, StudioError

if TYPE_CHECKING:
    from studio.context import Studio

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace, TextIO], int]


@contextmanager
def opened(args: argparse.Namespace) -> Iterator[Studio]:
    """The studio for the data folder and database the arguments name, closed after."""
    # Imported here: the database layer costs 0.3-0.8 s, and `stub`, `--version` and the
    # GUI's first paint do not need it.
    from studio.context import open_studio

    studio = open_studio(args.data_dir, args.database_url)
    try:
        yield studio
    finally:
        studio.close()


def _cmd_db_upgrade(args: argparse.Namespace, out: TextIO) -> int:
    with opened(args) as studio:  # opening applies pending migrations
        print(f"database {studio.masked_url} is at schema {studio.schema.current}", file=out)
    return EXIT_OK


def _cmd_db_status(args: argparse.Namespace, out: TextIO) -> int:
    from studio.services.database import describe_database

    with opened(args) as studio:
        info = describe_database(studio, actor_for(args, studio))
    data = {
        "url": info.url,
        "backend": info.backend,
        "revision": info.revision,
        "head": info.head,
        "at_head": info.at_head,
        "file": str(info.file) if info.file else None,
        "file_size": info.file_size,
        "data_dir": str(studio.data_dir),
    }
    _emit(data, args.json, out)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from studio.demo.seed import seed_demo

    with opened(args) as studio:
        added = seed_demo(studio, actor_for(args, studio))
    if added:
        for line in added:
            print(f"added {line}", file=out)
    else:
        print("demo data already present; nothing changed", file=out)
    return EXIT_OK


def _website_json(view: Any) -> dict[str, Any]:
    return {
        **view.website.as_dict(),
        "configured": view.configured,
        "updated_at": view.updated_at.isoformat() if view.updated_at else None,
        "updated_by": view.updated_by,
    }


def _cmd_website_show(args: argparse.Namespace, out: TextIO) -> int:
    from studio.services.website import get_website_settings

    with opened(args) as studio:
        view = get_website_settings(studio, actor_for(args, studio))
    _emit(_website_json(view), args.json, out)
    return EXIT_OK


def _cmd_website_set(args: argparse.Namespace, out: TextIO) -> int:
    from dataclasses import replace

    from studio.domain.website_rules import FIELDS
    from studio.services.website import get_website_settings, save_website_settings

    changes = {field: getattr(args, field) for field in FIELDS if getattr(args, field) is not None}
    if not changes:
        options = ", ".join(f"--{field.replace('_', '-')}" for field in FIELDS)
        raise FieldError.single("website set", f"nothing to change: give one of {options}")
    with opened(args) as studio:
        actor = actor_for(args, studio)
        current = get_website_settings(studio, actor).website.as_input()
        view = save_website_settings(studio, actor, replace(current, **changes))
    _emit(_website_json(view), args.json, out)
    return EXIT_OK


def _cmd_stub(args: argparse.Namespace, out: TextIO) -> int:
    from studio.provisioning.stub.main import run_stub

    return run_stub(args, out)


def _cmd_self_test(args: argparse.Namespace, out: TextIO) -> int:
    from ui.selftest import run_self_test

    return run_self_test(args.data_dir, args.database_url, out)


def _cmd_gui(args: argparse.Namespace, _out: TextIO) -> int:
    from ui.app import run_gui

    return run_gui(args.data_dir, args.database_url)


def _emit(data: dict[str, Any], as_json: bool, out: TextIO) -> None:
    if as_json:
        print(json.dumps(data, indent=2, sort_keys=True), file=out)
        return
    width = max(len(key) for key in data)
    for key, value in data.items():
        print(f"{key:<{width}}  {'' if value is None else value}", file=out)


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree; later capabilities add sub-commands here."""
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
    parser.set_defaults(handler=_cmd_gui)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    db = commands.add_parser("db", help="the local database")
    db_commands = db.add_subparsers(title="db commands", metavar="ACTION", required=True)
    up = db_commands.add_parser("upgrade", help="apply pending schema migrations")
    up.set_defaults(handler=_cmd_db_upgrade)
    status = db_commands.add_parser("status", help="URL (masked), schema revision, file size")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.set_defaults(handler=_cmd_db_status)

    demo = commands.add_parser("demo", help="seed demo data into the data folder (idempotent)")
    demo.set_defaults(handler=_cmd_demo)

    website = commands.add_parser("website", help="Configure > Control Panel Website")
    site_commands = website.add_subparsers(
        title="website commands", metavar="ACTION", required=True
    )
    show = site_commands.add_parser("show", help="the settings in force and the resulting URL")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.set_defaults(handler=_cmd_website_show)
    set_ = site_commands.add_parser("set", help="change some settings (others stay)")
    set_.add_argument("--site-name", dest="site_name")
    set_.add_argument("--protocol", choices=("http", "https"))
    set_.add_argument("--host", help="host name or IP address")
    set_.add_argument("--port", help="1-65535")
    set_.add_argument("--virtual-path", dest="virtual_path", help="e.g. / or /machpanel")
    set_.add_argument("--certificate", help="thumbprint or .pfx/.pem path (https)")
    set_.add_argument("--json", action="store_true", help="print one JSON object")
    set_.set_defaults(handler=_cmd_website_set)
    stub = commands.add_parser(
        "stub",
        help="run a Provisioning Service stub (demo and tests)",
        description="Run a Provisioning Service stub in the foreground. The bearer token "
        "comes from $MACHPANEL_STUB_TOKEN or --token-file.",
    )
    from studio.provisioning.stub.main import add_arguments

    add_arguments(stub)
    stub.set_defaults(handler=_cmd_stub)

    from studio import (
        cli_audit,
        cli_offerings,
        cli_panel,
        cli_resellers,
        cli_servers,
        cli_subscriptions,
        cli_users,
    )

    cli_servers.add_commands(commands)
    cli_audit.add_commands(commands)
    cli_users.add_commands(commands)
    cli_resellers.add_commands(commands)
    cli_subscriptions.add_commands(commands)
    cli_offerings.add_commands(commands)
    cli_panel.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit code instead of exiting (tests call it)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the reason
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if args.self_test and args.handler is not _cmd_gui:
        parser.print_usage(sys.stderr)
        print("machpanel-studio: error: argument --self-test: takes no command", file=sys.stderr)
        return EXIT_USAGE
    handler: Handler = _cmd_self_test if args.self_test else args.handler
    try:
        return _run(handler, args, out or sys.stdout)
    except BrokenPipeError:  # `… | head` closed the pipe: stop quietly, as Unix tools do
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE


def _run(handler: Handler, args: argparse.Namespace, out: TextIO) -> int:
    """Call the handler; turn the studio's typed errors into messages and exit codes."""
    try:
        return handler(args, out)
    except FieldError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return EXIT_USAGE
    except DataFolderError as exc:
        print(f"data-dir: {exc}", file=sys.stderr)
    except PermissionDenied as exc:
        print(f"permission denied: {exc}", file=sys.stderr)
    except StudioError as exc:
        print(f"error: {exc}", file=sys.stderr)
    return EXIT_FAILURE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
