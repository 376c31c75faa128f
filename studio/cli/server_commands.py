"""Command-line handlers of the provisioning capability: doctor, server, provisioning.

Tokens are read from standard input (one line), never from an argument value, which
other users of the machine can read in the process list.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any, TextIO

from studio.cli.common import EXIT_FAILURE, EXIT_OK, act, actor_for, opened
from studio.domain.server_rules import ProvisioningInput, RemoteServerInput
from studio.errors import FieldError
from studio.provisioning.stub.main import add_arguments as add_stub_arguments
from studio.provisioning.stub.main import run_stub


def _read_token(args: argparse.Namespace) -> str:
    if not getattr(args, "token_stdin", False):
        return ""
    token = sys.stdin.readline().strip()
    if not token:
        raise FieldError.single("token", "--token-stdin was given but standard input was empty")
    return token


def cmd_doctor(args: argparse.Namespace, out: TextIO) -> int:
    """Prerequisites check; exit 0 only when every prerequisite of every server holds."""
    from studio.services.embedded_servers import start_embedded, stop_embedded  # start-up
    from studio.services.server_checks import check_prerequisites  # start-up

    if not 0 < args.timeout <= 2:
        raise FieldError.single("timeout", "must be more than 0 and at most 2 seconds")
    with opened(args) as studio:
        actor = actor_for(args, studio)
        try:
            start_embedded(studio, actor)
            report = check_prerequisites(studio, actor, timeout=args.timeout)
        finally:
            stop_embedded(studio, only_started=True)
    if args.json:
        data = {
            "passed": report.passed,
            "control": _health_json(report.control),
            "remotes": [_health_json(r) for r in report.remotes],
            "checks": [asdict(c) for c in report.checks],
        }
        print(json.dumps(data, indent=2), file=out)
    else:
        control = report.control
        print(
            f"Control Server {control.name}: {control.state.value}"
            f"{f', build {control.build}' if control.build else ''}",
            file=out,
        )
        if not report.remotes:
            print("no Remote Servers are registered (machpanel-studio server add ...)", file=out)
        for remote in report.remotes:
            print(
                f"{remote.name}: {remote.state.value}"
                f"{f', build {remote.build}' if remote.build else ''}",
                file=out,
            )
            for item in (c for c in report.checks if c.server == remote.name):
                mark = "ok  " if item.passed else "FAIL"
                print(f"  [{mark}] {item.title}: {item.message}", file=out)
                if not item.passed and item.fix:
                    print(f"         fix: {item.fix}", file=out)
        print("all prerequisites pass" if report.passed else "prerequisites FAILED", file=out)
    return EXIT_OK if report.passed else EXIT_FAILURE


def _health_json(health: Any) -> dict[str, Any]:
    data = asdict(health)
    data["state"] = health.state.value
    data["checked_at"] = health.checked_at.isoformat()
    data["elapsed_ms"] = round(health.elapsed_ms, 1)
    return data


def cmd_server_list(args: argparse.Namespace, out: TextIO) -> int:
    """Registered Remote Servers."""
    from studio.services.servers import list_remote_servers  # start-up

    servers = act(args, list_remote_servers)
    if args.json:
        print(json.dumps([asdict(s) for s in servers], indent=2), file=out)
        return EXIT_OK
    for s in servers:
        where = "embedded" if s.managed else f"{s.host}:{s.port}"
        print(f"{s.id:>3}  {s.name:<15} {where:<28} {', '.join(s.services)}", file=out)
    return EXIT_OK


def cmd_server_add(args: argparse.Namespace, out: TextIO) -> int:
    """Register a Remote Server (token from standard input)."""
    from studio.services.servers import add_remote_server  # start-up

    with opened(args) as studio:
        actor = actor_for(args, studio)  # its password comes first on standard input
        token = _read_token(args)
        data = RemoteServerInput(args.name, args.host, str(args.port), tuple(args.services), token)
        view = add_remote_server(studio, actor, data)
    print(f"added Remote Server {view.name} (id {view.id}) at {view.host}:{view.port}", file=out)
    return EXIT_OK


def cmd_server_remove(args: argparse.Namespace, out: TextIO) -> int:
    """Remove a Remote Server by name."""
    from studio.services.servers import list_remote_servers, remove_remote_server  # start-up

    with opened(args) as studio:
        actor = actor_for(args, studio)
        match = [s for s in list_remote_servers(studio, actor) if s.name == args.name.upper()]
        if not match:
            raise FieldError.single("name", f"no Remote Server called {args.name.upper()}")
        name = remove_remote_server(studio, actor, match[0].id)
    print(f"removed Remote Server {name}", file=out)
    return EXIT_OK


def cmd_provisioning_show(args: argparse.Namespace, out: TextIO) -> int:
    """The Control Server's Provisioning Service settings."""
    from studio.services.servers import get_provisioning_settings  # start-up

    view = act(args, get_provisioning_settings)
    data = asdict(view)
    data["updated_at"] = view.updated_at.isoformat() if view.updated_at else None
    print(json.dumps(data, indent=2), file=out)
    return EXIT_OK


def cmd_provisioning_set(args: argparse.Namespace, out: TextIO) -> int:
    """Switch between embedded and external; external takes host, port, token (stdin)."""
    from studio.services.servers import save_provisioning_settings  # start-up

    with opened(args) as studio:
        actor = actor_for(args, studio)  # its password comes first on standard input
        token = _read_token(args)
        data = ProvisioningInput(args.mode, args.host or "", str(args.port or ""), token)
        view = save_provisioning_settings(studio, actor, data)
    print(
        f"Provisioning Service: {view.mode}"
        f"{'' if view.mode == 'embedded' else f' at {view.host}:{view.port}'}",
        file=out,
    )
    return EXIT_OK


def cmd_stub(args: argparse.Namespace, out: TextIO) -> int:
    """A Provisioning Service stub in the foreground, until stopped."""
    return run_stub(args, out)


def add_commands(commands: Any) -> None:
    """Add ``doctor``, ``server``, ``provisioning`` and ``stub`` to the CLI's command tree."""
    stub = commands.add_parser(
        "stub",
        help="run a Provisioning Service stub (demo and tests)",
        description="Run a Provisioning Service stub in the foreground. The bearer token "
        "comes from $MACHPANEL_STUB_TOKEN or --token-file.",
    )
    add_stub_arguments(stub)
    stub.set_defaults(handler=cmd_stub)
    doctor = commands.add_parser(
        "doctor", help="check the prerequisites: same build, Provisioning Service running, tokens"
    )
    doctor.add_argument("--json", action="store_true", help="print one JSON object")
    doctor.add_argument("--timeout", type=float, default=2.0, help="seconds per server (max 2)")
    doctor.set_defaults(handler=cmd_doctor)

    server = commands.add_parser("server", help="Configure > Remote Servers")
    actions = server.add_subparsers(title="server commands", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="registered Remote Servers")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_server_list)
    add = actions.add_parser("add", help="register a Remote Server")
    add.add_argument("--name", required=True, help="e.g. EXCH01")
    add.add_argument("--host", required=True)
    add.add_argument("--port", required=True, type=int)
    add.add_argument("--services", nargs="+", required=True, metavar="SERVICE")
    add.add_argument(
        "--token-stdin",
        action="store_true",
        required=True,
        help="read the server's token from standard input",
    )
    add.set_defaults(handler=cmd_server_add)
    remove = actions.add_parser("remove", help="remove a Remote Server")
    remove.add_argument("name")
    remove.set_defaults(handler=cmd_server_remove)

    provisioning = commands.add_parser("provisioning", help="Configure > Provisioning Service")
    p_actions = provisioning.add_subparsers(
        title="provisioning commands", metavar="ACTION", required=True
    )
    show = p_actions.add_parser("show", help="the settings in force (JSON)")
    show.set_defaults(handler=cmd_provisioning_show)
    set_ = p_actions.add_parser("set", help="embedded, or external with host, port, token")
    set_.add_argument("--mode", required=True, choices=("embedded", "external"))
    set_.add_argument("--host")
    set_.add_argument("--port", type=int)
    set_.add_argument(
        "--token-stdin",
        action="store_true",
        help="read the Control Server's token from standard input",
    )
    set_.set_defaults(handler=cmd_provisioning_set)
