"""Command-line handlers of resellers and Reseller Settings.

``reseller create|list|show|suspend|activate|delete|import|export`` and
``settings resellers show|set``. Field names and JSON are those of ``docs/resellers.md``;
invalid input exits 2 with one ``field: message`` line per problem and writes nothing.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from studio.cli.common import EXIT_OK, act, actor_for, opened, positive_id, stdin_line
from studio.cli.panel_commands import add_reseller_commands
from studio.domain.contact import phone_display
from studio.domain.reseller_formats import from_json, to_json
from studio.domain.reseller_rules import STATUSES
from studio.domain.reseller_settings_rules import PAYOUT_CYCLES, TYPES
from studio.errors import FieldError
from studio.jsonfile import read_json

if TYPE_CHECKING:
    from studio.domain.reseller_settings_rules import ResellerType
    from studio.services.resellers import ResellerDetails
TYPE_CHOICES = TYPES


def details_json(details: ResellerDetails) -> dict[str, Any]:
    """``show --json``: the documented fields plus id, status and timestamps."""

    return {
        "id": details.id,
        "status": details.status,
        **to_json(details.data),
        "version": details.version,
        "has_password": details.has_password,
        "subscriptions": details.subscriptions,
        "created_at": details.created_at.isoformat(),
        "updated_at": details.updated_at.isoformat(),
    }


def cmd_create(args: argparse.Namespace, out: TextIO) -> int:
    """A reseller from a JSON file; the password from the file or standard input."""
    from studio.services.resellers import create_reseller  # start-up

    data = from_json(read_json(args.json_file, "json-file"))
    with opened(args) as studio:
        actor = actor_for(args, studio)
        if data.password is None:
            password = stdin_line("password", "the reseller's password")
            data = replace(data, password=password)
        details = create_reseller(studio, actor, data)
    if args.json:
        print(json.dumps(details_json(details), indent=2, ensure_ascii=False), file=out)
    else:
        print(f"created reseller {details.id}: {details.name} ({details.data.username})", file=out)
    return EXIT_OK


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    """Resellers matching the search, type and status, by id."""
    from studio.services.reseller_list import filter_rows, list_resellers  # start-up

    with opened(args) as studio:
        rows = filter_rows(list_resellers(studio, actor_for(args, studio)), args.search or "")
    rows = [
        r
        for r in rows
        if (not args.type or r.type == args.type) and (not args.status or r.status == args.status)
    ]
    if args.json:
        data = [{**r._asdict(), "created_at": r.created_at.isoformat()} for r in rows]
        print(json.dumps(data, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    for r in rows:
        print(
            f"{r.id:>6}  {r.name:<28.28} {r.company:<24.24} {r.email:<30.30} "
            f"{r.username:<20.20} {r.type:<12} {r.status}",
            file=out,
        )
    print(f"{len(rows)} resellers", file=out)
    return EXIT_OK


def cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    """One reseller with its company and departments."""
    from studio.services.resellers import get_reseller  # start-up

    details = act(args, get_reseller, args.id)
    data = details_json(details)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK

    company = data.pop("company")
    departments = company.pop("departments")
    phones = ("phone", "mobile", "fax")
    for key, value in data.items():
        print(f"{key}: {phone_display(value) if key in phones else value}", file=out)
    for key, value in company.items():
        print(f"company.{key}: {phone_display(value) if key in phones else value}", file=out)
    for name, dept in departments.items():
        line = f"department {name}: {phone_display(dept['phone'])} {dept['email']}"
        print(line.rstrip(), file=out)
        for line in dept["signature"].splitlines():
            print(f"    {line}", file=out)
    return EXIT_OK


def _cmd_status(status: str) -> Any:
    def handler(args: argparse.Namespace, out: TextIO) -> int:
        from studio.services.resellers import set_reseller_status  # start-up

        details = act(args, set_reseller_status, args.id, status)
        print(f"reseller {details.id} ({details.data.username}) is {details.status}", file=out)
        return EXIT_OK

    return handler


def cmd_delete(args: argparse.Namespace, out: TextIO) -> int:
    """Delete; the audit log keeps the record and its history."""
    from studio.services.resellers import delete_reseller  # start-up

    name = act(args, delete_reseller, args.id)
    print(f"deleted reseller {args.id} ({name}); its history stays in the audit log", file=out)
    return EXIT_OK


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    """All rows or none; problems as ``line N: field: message``."""
    from studio.services.reseller_transfer import import_resellers  # start-up

    count = act(args, import_resellers, args.csv)
    print(f"imported {count} resellers (no passwords yet: they cannot sign in)", file=out)
    return EXIT_OK


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    """Every reseller, or those matching ``--search``, to CSV."""
    from studio.services.reseller_list import filter_rows, list_resellers  # start-up
    from studio.services.reseller_transfer import export_resellers  # start-up

    with opened(args) as studio:
        actor = actor_for(args, studio)
        ids = None
        if args.search:
            ids = [r.id for r in filter_rows(list_resellers(studio, actor), args.search)]
        count = export_resellers(studio, actor, args.csv, ids)
    print(f"exported {count} resellers to {args.csv}", file=out)
    return EXIT_OK


def _settings_json(settings: dict[str, ResellerType], counts: dict[str, int]) -> dict[str, Any]:
    return {
        kind: {
            "enabled": s.enabled,
            "label": s.label,
            "commission": s.commission_text,
            "payout_cycle": s.payout_cycle,
            "currency": s.currency,
            "terms": s.terms,
            "resellers": counts[kind],
        }
        for kind, s in settings.items()
    }


def cmd_settings_show(args: argparse.Namespace, out: TextIO) -> int:
    """Both types, with how many resellers each has."""
    from studio.services.reseller_list import count_by_type  # start-up
    from studio.services.reseller_settings import get_reseller_settings  # start-up

    with opened(args) as studio:
        actor = actor_for(args, studio)
        data = _settings_json(get_reseller_settings(studio, actor), count_by_type(studio, actor))
    _print_settings(data, args.json, out)
    return EXIT_OK


def _print_settings(data: dict[str, Any], as_json: bool, out: TextIO) -> None:
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False), file=out)
        return
    for kind, s in data.items():
        state = "enabled" if s["enabled"] else "disabled"
        extra = f", {s['commission']} % paid {s['payout_cycle']}" if kind == "commission" else ""
        print(
            f"{kind}: {s['label']} ({state}), {s['currency']}{extra}; {s['resellers']} resellers",
            file=out,
        )


def _label_changes(items: list[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for item in items:
        kind, sep, text = item.partition("=")
        if not sep or kind not in TYPE_CHOICES:
            raise FieldError.single(
                "label", f"{item!r} must be TYPE=TEXT, TYPE one of {TYPE_CHOICES}"
            )
        labels[kind] = text
    return labels


def cmd_settings_set(args: argparse.Namespace, out: TextIO) -> int:
    """Change some of the settings; the others stay as they are."""
    from studio.services.reseller_list import count_by_type  # start-up
    from studio.services.reseller_settings import (  # start-up
        get_reseller_settings,
        save_reseller_settings,
    )

    both = set(args.enable or []) & set(args.disable or [])
    if both:
        raise FieldError.single("enable", f"{', '.join(sorted(both))} is also in --disable")
    labels = _label_changes(args.label or [])
    with opened(args) as studio:
        actor = actor_for(args, studio)
        current = get_reseller_settings(studio, actor)
        inputs = []
        for kind, settings in current.items():
            value = settings.as_input()
            changes: dict[str, Any] = {}
            if kind in (args.enable or []):
                changes["enabled"] = True
            if kind in (args.disable or []):
                changes["enabled"] = False
            if kind in labels:
                changes["label"] = labels[kind]
            if args.currency is not None:
                changes["currency"] = args.currency
            if kind == "commission" and args.commission is not None:
                changes["commission"] = args.commission
            if kind == "commission" and args.payout_cycle is not None:
                changes["payout_cycle"] = args.payout_cycle
            inputs.append(replace(value, **changes))
        saved = save_reseller_settings(studio, actor, inputs)
        counts = count_by_type(studio, actor)
    for kind in args.disable or []:
        if counts[kind]:
            print(
                f"{saved[kind].label}: "
                + (
                    "1 reseller of this type keeps"
                    if counts[kind] == 1
                    else f"{counts[kind]} resellers of this type keep"
                )
                + " working; no new reseller can be given it",
                file=out,
            )
    _print_settings(_settings_json(saved, counts), args.json, out)
    return EXIT_OK


def add_commands(commands: Any) -> None:
    """Add ``reseller …`` and ``settings resellers …``."""
    reseller = commands.add_parser("reseller", help="reseller customers")
    actions = reseller.add_subparsers(title="reseller commands", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="create a reseller from a JSON file (docs/resellers.md); the password from "
        "the file's password field or standard input",
    )
    create.add_argument("--json-file", dest="json_file", type=Path, required=True)
    create.add_argument("--json", action="store_true", help="print the reseller as JSON")
    create.set_defaults(handler=cmd_create)
    list_ = actions.add_parser("list", help="resellers, filtered like the table")
    list_.add_argument("--search", help="text in name, company, e-mail or username")
    list_.add_argument("--type", choices=TYPE_CHOICES)
    list_.add_argument("--status", choices=STATUSES)
    list_.add_argument("--json", action="store_true", help="print a JSON array")
    list_.set_defaults(handler=cmd_list)
    show = actions.add_parser("show", help="one reseller")
    show.add_argument("id", type=positive_id)
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.set_defaults(handler=cmd_show)
    for name, status in (("suspend", "suspended"), ("activate", "active")):
        action = actions.add_parser(name, help=f"{name} a reseller")
        action.add_argument("id", type=positive_id)
        action.set_defaults(handler=_cmd_status(status))
    delete = actions.add_parser("delete", help="delete a reseller (kept in the audit log)")
    delete.add_argument("id", type=positive_id)
    delete.set_defaults(handler=cmd_delete)
    import_ = actions.add_parser("import", help="add resellers from CSV: all rows or none")
    import_.add_argument("csv", type=Path)
    import_.set_defaults(handler=cmd_import)
    export = actions.add_parser("export", help="write resellers to CSV (import reads it)")
    export.add_argument("csv", type=Path)
    export.add_argument("--search", help="only resellers matching this text")
    export.set_defaults(handler=cmd_export)

    add_reseller_commands(actions)

    settings = commands.add_parser("settings", help="Control Panel settings")
    areas = settings.add_subparsers(title="settings", metavar="AREA", required=True)
    resellers = areas.add_parser(
        "resellers", help="Home » System Configuration » Reseller Settings"
    )
    verbs = resellers.add_subparsers(title="actions", metavar="ACTION", required=True)
    show_settings = verbs.add_parser("show", help="both reseller types")
    show_settings.add_argument("--json", action="store_true", help="print one JSON object")
    show_settings.set_defaults(handler=cmd_settings_show)
    set_settings = verbs.add_parser("set", help="change some settings (others stay)")
    set_settings.add_argument("--enable", action="append", choices=TYPE_CHOICES, metavar="TYPE")
    set_settings.add_argument("--disable", action="append", choices=TYPE_CHOICES, metavar="TYPE")
    set_settings.add_argument("--label", action="append", metavar="TYPE=TEXT")
    set_settings.add_argument("--commission", metavar="PCT", help="0-100, two decimals")
    set_settings.add_argument("--payout-cycle", dest="payout_cycle", choices=PAYOUT_CYCLES)
    set_settings.add_argument("--currency", metavar="CODE", help="ISO 4217, e.g. USD")
    set_settings.add_argument("--json", action="store_true", help="print one JSON object")
    set_settings.set_defaults(handler=cmd_settings_set)
