"""``machpanel-studio stub``: run one provisioning-service stub in the foreground.

Prints exactly ``listening on http://HOST:PORT`` as its first line (port 0 resolved),
then serves until SIGTERM or SIGINT. The token comes from ``MACHPANEL_STUB_TOKEN`` or
``--token-file``, never from an argument value, which other users can read.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TextIO

from studio.domain.catalog import CATALOG
from studio.domain.server_rules import token_error
from studio.errors import FieldError
from studio.provisioning.protocol import TOKEN_ENV, Mode, Role
from studio.provisioning.stub.connections import READ_TIMEOUT_S
from studio.provisioning.stub.engine import Faults, StubEngine
from studio.provisioning.stub.server import StubServer

_BUILD = re.compile(r"^\d+\.\d+\.\d+$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The stub's options, on the CLI's ``stub`` sub-command."""
    parser.add_argument("--role", required=True, choices=[r.value for r in Role])
    parser.add_argument("--name", required=True, help="server name, e.g. EXCH01")
    parser.add_argument("--build", required=True, help="reported build, X.Y.Z")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback)")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--state", type=Path, help="journal file; without it nothing is kept")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay before every answer")
    parser.add_argument("--fail-rate", type=float, default=0.0, help="share of jobs that fail")
    parser.add_argument(
        "--mode", choices=[m.value for m in Mode], default="normal", help="how to answer"
    )
    parser.add_argument(
        "--services",
        nargs="*",
        default=None,
        metavar="SERVICE",
        help=f"services hosted ({', '.join(CATALOG)}); default: all for a remote server",
    )
    parser.add_argument("--job-seconds", type=float, default=2.0, help="duration of a job")
    parser.add_argument("--token-file", type=Path, help="file holding the bearer token")
    parser.add_argument(
        "--read-timeout",
        type=float,
        default=READ_TIMEOUT_S,
        metavar="S",
        help=f"seconds a request may take to arrive, idle included (default {READ_TIMEOUT_S:g})",
    )


def _token(args: argparse.Namespace) -> str:
    token: str
    if args.token_file is not None:
        path: Path = args.token_file
        try:
            token = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise FieldError.single("token-file", f"cannot be read ({exc.strerror})") from None
    else:
        token = os.environ.get(TOKEN_ENV, "").strip()
    problem = token_error(token, required=True)
    if problem:
        raise FieldError.single("token", f"set {TOKEN_ENV} or --token-file: the token {problem}")
    return token


def _validate(args: argparse.Namespace) -> tuple[str, ...]:
    errors: dict[str, str] = {}
    if not _BUILD.match(args.build):
        errors["build"] = "must look like 8.2.0"
    if not 0 <= args.port <= 65535:
        errors["port"] = "must be between 0 and 65535"
    if not 0 <= args.fail_rate <= 1:
        errors["fail-rate"] = "must be between 0 and 1"
    if args.latency_ms < 0:
        errors["latency-ms"] = "must not be negative"
    if args.job_seconds <= 0:
        errors["job-seconds"] = "must be positive"
    if not 0 < args.read_timeout <= 3600:
        errors["read-timeout"] = "must be more than 0 and at most 3600 seconds"
    services = (
        tuple(args.services)
        if args.services is not None
        else (tuple(CATALOG) if args.role == Role.REMOTE else ())
    )
    unknown = [s for s in services if s not in CATALOG]
    if unknown:
        errors["services"] = f"unknown {', '.join(unknown)}; known: {', '.join(CATALOG)}"
    if errors:
        raise FieldError(errors)
    return services


def run_stub(args: argparse.Namespace, out: TextIO) -> int:
    """Serve until told to stop; returns the exit code."""
    services = _validate(args)
    token = _token(args)
    engine = StubEngine.open(
        role=Role(args.role),
        name=args.name,
        build=args.build,
        services=services,
        state_file=args.state,
        job_seconds=args.job_seconds,
    )
    engine.faults = Faults(
        fail_rate=args.fail_rate, latency_ms=args.latency_ms, mode=Mode(args.mode)
    )
    try:
        server = StubServer((args.host, args.port), engine, token, read_timeout=args.read_timeout)
    except OSError as exc:
        message = f"cannot listen on {args.host}:{args.port}: {exc.strerror}"
        raise FieldError.single("port", message) from None

    def stop(_signum: int, _frame: FrameType | None) -> None:
        server.stopping.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    # Handlers first: whoever reads the first line may send SIGTERM at once.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"listening on {server.url}", file=out, flush=True)
    ticker = threading.Thread(target=_tick, args=(engine, server), daemon=True, name="ticker")
    ticker.start()
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.stopping.set()
        server.server_close()
        engine.journal.close()
    return 0


def _tick(engine: StubEngine, server: StubServer) -> None:
    while not server.stopping.wait(0.1):
        engine.advance()
        engine.journal.sync()


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run it as: machpanel-studio stub --help")
