"""Command-line handlers of the audit log: ``audit list``, ``audit export`` and
``audit verify``."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from studio.cli.common import EXIT_FAILURE, EXIT_OK, act, iso_date, positive_id


def _filter(args: argparse.Namespace) -> Any:
    from studio.services.audit_log import AuditFilter  # start-up

    return AuditFilter(args.actor, args.entity, args.since, args.until)


def cmd_audit_list(args: argparse.Namespace, out: TextIO) -> int:
    """Newest events first, as a table or JSON."""
    from studio.services.audit_log import list_audit_events  # start-up

    rows = act(args, list_audit_events, _filter(args), args.limit)
    if args.json:
        data = [{**asdict(r), "at": r.at.isoformat()} for r in rows]
        print(json.dumps(data, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    for r in rows:
        when = r.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        print(
            f"{when}  {r.actor:<32} {r.action:<24} {r.entity}:{r.entity_id}  "
            f"{r.changes_text() or r.summary}",
            file=out,
        )
    return EXIT_OK


def cmd_audit_export(args: argparse.Namespace, out: TextIO) -> int:
    """Matching events to a CSV file."""
    from studio.services.audit_log import export_audit_csv  # start-up

    count = act(args, export_audit_csv, _filter(args), args.csv)
    print(f"exported {count} audit events to {args.csv}", file=out)
    return EXIT_OK


def cmd_audit_verify(args: argparse.Namespace, out: TextIO) -> int:
    """The hash chain of the log (or of an export): ``ok: N rows`` (exit 0), or the first
    row changed or removed (exit 1: a finding, printed as the report, not an error)."""
    from studio.services.audit_log import verify_audit_file, verify_audit_log  # start-up

    report = verify_audit_file(args.file) if args.file else act(args, verify_audit_log)
    print(report.message if report.ok else f"audit: {report.message}", file=out)
    return EXIT_OK if report.ok else EXIT_FAILURE


def add_commands(commands: Any) -> None:
    """Add ``audit list``, ``audit export`` and ``audit verify`` to the CLI's command tree."""
    audit = commands.add_parser("audit", help="Home » System Configuration » Audit Log")
    actions = audit.add_subparsers(title="audit commands", metavar="ACTION", required=True)
    for name, handler, helptext in (
        ("list", cmd_audit_list, "newest events first"),
        ("export", cmd_audit_export, "write the matching events to a CSV file"),
    ):
        action = actions.add_parser(name, help=helptext)
        action.add_argument("--actor", help="exactly this actor")
        action.add_argument("--entity", help="e.g. website_settings, remote_server")
        action.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help="from this day")
        action.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD", help="to this day")
        if name == "list":
            action.add_argument("--limit", type=positive_id, default=200)
            action.add_argument("--json", action="store_true", help="print JSON")
        else:
            action.add_argument("--csv", type=Path, required=True, metavar="FILE")
        action.set_defaults(handler=handler)
    verify = actions.add_parser("verify", help="check the audit log's hash chain")
    verify.add_argument(
        "--file", type=Path, metavar="EXPORT", help="check an `audit export` CSV instead"
    )
    verify.set_defaults(handler=cmd_audit_verify)
