"""Command-line handlers of ``Configure > Control Panel Website``: ``website show|set``."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TextIO

from studio.cli.common import EXIT_OK, act, emit
from studio.domain.website_rules import FIELDS, WebsiteInput
from studio.errors import FieldError

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.domain.actors import Actor
    from studio.services.website import WebsiteView


def _website_json(view: WebsiteView) -> dict[str, Any]:
    return {
        **view.website.as_dict(),
        "configured": view.configured,
        "updated_at": view.updated_at.isoformat() if view.updated_at else None,
        "updated_by": view.updated_by,
    }


def cmd_website_show(args: argparse.Namespace, out: TextIO) -> int:
    """The settings in force and the resulting URL."""
    from studio.services.website import get_website_settings  # start-up

    emit(_website_json(act(args, get_website_settings)), args.json, out)
    return EXIT_OK


def _changed(studio: Studio, actor: Actor, changes: dict[str, Any]) -> WebsiteView:
    """The settings in force with ``changes`` applied, saved (one transaction)."""
    from studio.services.website import get_website_settings, save_website_settings  # start-up

    current: WebsiteInput = get_website_settings(studio, actor).website.as_input()
    return save_website_settings(studio, actor, replace(current, **changes))


def cmd_website_set(args: argparse.Namespace, out: TextIO) -> int:
    """Change some settings; the others stay."""
    changes = {field: getattr(args, field) for field in FIELDS if getattr(args, field) is not None}
    if not changes:
        options = ", ".join(f"--{field.replace('_', '-')}" for field in FIELDS)
        raise FieldError.single("website set", f"nothing to change: give one of {options}")
    emit(_website_json(act(args, _changed, changes)), args.json, out)
    return EXIT_OK


def add_commands(commands: Any) -> None:
    """Add ``website show|set``."""
    website = commands.add_parser("website", help="Configure > Control Panel Website")
    site_commands = website.add_subparsers(
        title="website commands", metavar="ACTION", required=True
    )
    show = site_commands.add_parser("show", help="the settings in force and the resulting URL")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.set_defaults(handler=cmd_website_show)
    set_ = site_commands.add_parser("set", help="change some settings (others stay)")
    set_.add_argument("--site-name", dest="site_name")
    set_.add_argument("--protocol", choices=("http", "https"))
    set_.add_argument("--host", help="host name or IP address")
    set_.add_argument("--port", help="1-65535")
    set_.add_argument("--virtual-path", dest="virtual_path", help="e.g. / or /machpanel")
    set_.add_argument("--certificate", help="thumbprint or .pfx/.pem path (https)")
    set_.add_argument("--json", action="store_true", help="print one JSON object")
    set_.set_defaults(handler=cmd_website_set)
