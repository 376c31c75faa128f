"""Command-line handlers of service offerings: ``offerings list|add|set|show``.

``offerings set RESELLER --offering ID:PCT ...`` chooses what a Commission Based
reseller may sell and its commission (``ID`` alone takes the default of Reseller
Settings); offerings left out stop on the effective date.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from studio.cli.common import EXIT_OK, act, actor_for, iso_date, opened, parse_quotas, positive_id
from studio.domain.catalog import AUDIENCES, BILLING_CYCLES
from studio.domain.validation import whole_number
from studio.errors import FieldError


def _offering_json(view: Any) -> dict[str, Any]:
    return {
        "id": view.id,
        "name": view.name,
        "service": view.service,
        "audience": view.audience,
        "quotas": view.quotas,
        "price": view.price_text,
        "billing_cycle": view.billing_cycle,
        "enabled": view.enabled,
    }


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    """Offerings (or add-ons), by name."""
    from studio.services.offerings import list_offerings  # start-up

    rows = act(args, list_offerings, args.audience, addons=args.addons)
    if args.json:
        print(json.dumps([_offering_json(r) for r in rows], indent=2), file=out)
        return EXIT_OK
    for r in rows:
        quotas = ", ".join(f"{k}={v}" for k, v in r.quotas.items())
        state = "" if r.enabled else "  (disabled)"
        print(
            f"{r.id:>4}  {r.name:<28} {r.service:<10} {r.audience or 'add-on':<8} "
            f"{r.price_text:>9} {r.billing_cycle:<9} {quotas}{state}",
            file=out,
        )
    return EXIT_OK


def cmd_add(args: argparse.Namespace, out: TextIO) -> int:
    """A new offering or add-on."""
    from studio.services.offerings import OfferingInput, save_offering  # start-up

    data = OfferingInput(
        args.name,
        args.service,
        args.audience,
        parse_quotas(args.quota or []),
        args.price,
        args.cycle,
    )
    view = act(args, save_offering, data, addon=args.addon)
    print(f"{'add-on' if args.addon else 'offering'} {view.id}: {view.name}", file=out)
    return EXIT_OK


def _choices(items: list[str]) -> list[tuple[int, str]]:
    choices = []
    for item in items:
        ident, _, pct = item.partition(":")
        offering_id = whole_number(ident)
        if offering_id is None:
            raise FieldError.single("offering", f"{item!r} must be ID or ID:PCT, e.g. 3:12.5")
        choices.append((offering_id, pct))
    return choices


def _print_assigned(assigned: list[Any], as_json: bool, out: TextIO) -> None:
    if as_json:
        data = [
            {
                **_offering_json(a.offering),
                "commission": a.commission_text,
                "effective_from": a.effective_from.isoformat(),
            }
            for a in assigned
        ]
        print(json.dumps(data, indent=2), file=out)
        return
    for a in assigned:
        print(
            f"{a.offering.id:>4}  {a.offering.name:<28} {a.commission_text:>6} %  "
            f"from {a.effective_from.isoformat()}",
            file=out,
        )
    print(f"{len(assigned)} offerings", file=out)


def cmd_set(args: argparse.Namespace, out: TextIO) -> int:
    """What a Commission Based reseller may sell, with its commission."""
    from studio.services.offerings import set_reseller_offerings  # start-up

    with opened(args) as studio:
        assigned = set_reseller_offerings(
            studio,
            actor_for(args, studio),
            args.reseller,
            _choices(args.offering or []),
            args.effective,
        )
    _print_assigned(assigned, args.json, out)
    return EXIT_OK


def cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    """What a reseller may sell today (or ``--on``)."""
    from studio.services.offerings import reseller_offerings  # start-up

    assigned = act(args, reseller_offerings, args.reseller, args.on)
    _print_assigned(assigned, args.json, out)
    return EXIT_OK


def add_commands(commands: Any) -> None:
    """Add ``offerings …``."""
    offerings = commands.add_parser("offerings", help="service offerings and add-ons")
    actions = offerings.add_subparsers(title="offerings commands", metavar="ACTION", required=True)
    list_ = actions.add_parser("list", help="the provider's offerings (or --addons)")
    list_.add_argument("--audience", choices=AUDIENCES)
    list_.add_argument("--addons", action="store_true")
    list_.add_argument("--json", action="store_true")
    list_.set_defaults(handler=cmd_list)
    add = actions.add_parser("add", help="a new offering (or --addon)")
    add.add_argument("--name", required=True)
    add.add_argument("--service", required=True)
    add.add_argument("--audience", default="customer", choices=AUDIENCES)
    add.add_argument("--quota", action="append", metavar="NAME=VALUE")
    add.add_argument("--price", required=True, help="per billing cycle, e.g. 9.99")
    add.add_argument("--cycle", default="monthly", choices=BILLING_CYCLES)
    add.add_argument("--addon", action="store_true", help="quotas are increments")
    add.set_defaults(handler=cmd_add)
    set_ = actions.add_parser(
        "set", help="what a Commission Based reseller may sell, with its commission"
    )
    set_.add_argument("reseller", type=positive_id)
    set_.add_argument("--offering", action="append", metavar="ID[:PCT]")
    set_.add_argument("--effective", type=iso_date, help="YYYY-MM-DD (default today)")
    set_.add_argument("--json", action="store_true")
    set_.set_defaults(handler=cmd_set)
    show = actions.add_parser("show", help="what a reseller may sell")
    show.add_argument("reseller", type=positive_id)
    show.add_argument("--on", type=iso_date, help="YYYY-MM-DD (default today)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)
