"""Command-line handlers of the data folder: ``db upgrade``, ``db status``, ``db check``
and ``demo``."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from studio.cli.common import EXIT_FAILURE, EXIT_OK, act, actor_for, emit, opened


def cmd_db_upgrade(args: argparse.Namespace, out: TextIO) -> int:
    """Apply pending migrations and say where the schema is, and which other studios are
    connected to a shared database (they should be closed before an upgrade)."""
    from studio.db.migrate import other_studios  # start-up

    with opened(args, upgrade_shared=True) as studio:
        print(f"database {studio.masked_url} is at schema {studio.schema.current}", file=out)
        studio.engine.dispose()  # this studio's own idle connections are not others
        for line in other_studios(studio.engine):
            print(f"another studio is connected: {line}", file=out)
    return EXIT_OK


def cmd_db_status(args: argparse.Namespace, out: TextIO) -> int:
    """The database's URL (masked), schema revision and file size."""
    from studio.services.database import describe_database  # start-up

    with opened(args) as studio:
        info = describe_database(studio, actor_for(args, studio))
        data_dir = studio.data_dir
    emit(
        {
            "url": info.url,
            "backend": info.backend,
            "revision": info.revision,
            "head": info.head,
            "at_head": info.at_head,
            "file": str(info.file) if info.file else None,
            "file_size": info.file_size,
            "data_dir": str(data_dir),
        },
        args.json,
        out,
    )
    return EXIT_OK


def cmd_db_check(args: argparse.Namespace, out: TextIO) -> int:
    """Report stored text the text rule refuses: exit 0 when there is none, else 1."""
    from studio.services.stored_text import check_stored_text  # start-up

    problems = act(args, check_stored_text)
    if args.json:
        data = [
            {"table": p.table, "id": p.row_id, "column": p.column, "message": p.message}
            for p in problems
        ]
        print(json.dumps(data, indent=2, ensure_ascii=False), file=out)
    else:
        for p in problems:
            print(f"{p.table} {p.row_id} {p.column}: {p.message}", file=out)
        if problems:
            print(f"{len(problems)} stored values break the text rule", file=out)
        else:
            print("every stored text meets the text rule", file=out)
    return EXIT_FAILURE if problems else EXIT_OK


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    """Seed demo data; running it twice changes nothing the second time."""
    from studio.demo.seed import seed_demo  # start-up

    added = act(args, seed_demo)
    if added:
        for line in added:
            print(f"added {line}", file=out)
    else:
        print("demo data already present; nothing changed", file=out)
    return EXIT_OK


def add_commands(commands: Any) -> None:
    """Add ``db upgrade|status`` and ``demo``."""
    db = commands.add_parser("db", help="the local database")
    db_commands = db.add_subparsers(title="db commands", metavar="ACTION", required=True)
    up = db_commands.add_parser("upgrade", help="apply pending schema migrations")
    up.set_defaults(handler=cmd_db_upgrade)
    status = db_commands.add_parser("status", help="URL (masked), schema revision, file size")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.set_defaults(handler=cmd_db_status)
    check = db_commands.add_parser(
        "check", help="report stored text the text rule refuses (table, id, column)"
    )
    check.add_argument("--json", action="store_true", help="print a JSON array")
    check.set_defaults(handler=cmd_db_check)

    demo = commands.add_parser("demo", help="seed demo data into the data folder (idempotent)")
    demo.set_defaults(handler=cmd_demo)
