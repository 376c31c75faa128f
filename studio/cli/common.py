"""What every command shares: exit codes, opening the studio, the actor, one way to act.

A command's life is always the same: open the studio the arguments name, find who acts
(the Local Administrator, or ``--as USERNAME`` signed in), call one service function,
print its result, close the studio, return an exit code. :func:`act` is that life once;
the handlers in the ``*_commands`` modules only say which service and how to print.
Typed errors are turned into ``field: message`` lines and exit codes in one place,
``studio.cli.main``.

Services are imported inside the handlers that call them: building the parser must not
load the database layer (0.3-0.8 s), which ``stub``, ``--version`` and the window's first
paint do not need. Each such import says so with ``# start-up``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import io
import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TextIO, TypeVar

from studio.domain.actors import Actor
from studio.domain.validation import MAX_ROW_NUMBER, surrogate_problem
from studio.errors import FieldError

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.services.jobs import JobView

#: Exit codes, a contract for scripts (``docs/cli.md``).
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace, TextIO], int]
Result = TypeVar("Result")
Params = ParamSpec("Params")


def refuse_undecodable_arguments(args: argparse.Namespace) -> None:
    """Refuse an argument whose bytes were not UTF-8, naming it (exit 2).

    Python hands such bytes over as lone surrogates (``surrogateescape``) rather than
    failing; the text rule would refuse them later, but some arguments (``--search``,
    ``--actor``) only reach a query, where the database driver cannot encode them. File
    paths are left alone: a file's name need not be UTF-8.
    """
    errors: dict[str, str] = {}
    for name, value in vars(args).items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, str) and (problem := surrogate_problem(item)):
                errors.setdefault(name.replace("_", "-"), problem)
    if errors:
        raise FieldError(errors)


def escape_unencodable(stream: TextIO) -> None:
    """Make ``stream`` write what it cannot encode as ``\\udc80``-style escapes.

    A value stored before the text rule refused it (a lone surrogate) must not crash
    ``show``, ``list`` or ``audit list``: readers never fail on a stored value. The
    escape of a lone surrogate is also how JSON writes it, so ``--json`` output stays
    valid JSON. Streams that are not text files (a test's ``StringIO``) encode nothing.
    """
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        stream.reconfigure(errors="backslashreplace")


@contextmanager
def opened(args: argparse.Namespace, *, upgrade_shared: bool = False) -> Iterator[Studio]:
    """The studio for the data folder and database the arguments name, closed after
    (``upgrade_shared``: see :func:`studio.context.open_studio`)."""
    from studio.context import open_studio  # start-up: the database layer

    studio = open_studio(args.data_dir, args.database_url, upgrade_shared=upgrade_shared)
    try:
        yield studio
        for record in getattr(args, "_on_success", []):
            record()
    finally:
        studio.close()


def on_success(args: argparse.Namespace, record: Callable[[], object]) -> None:
    """Run ``record`` when the command's work in :func:`opened` has succeeded, before the
    studio closes: what a command records about itself (a provider opening a reseller's
    panel) must not outlive a refusal of the command."""
    args._on_success = [*getattr(args, "_on_success", []), record]


def stdin_line(field: str, what: str) -> str:
    """One line of standard input; typed at a terminal, without echo.

    Bytes that were not UTF-8 (read as lone surrogates) are refused naming ``field``:
    a password or token made of them could not be hashed or sent.
    """
    if sys.stdin.isatty():
        line = getpass.getpass(f"{what[0].upper()}{what[1:]}: ")
    else:
        line = sys.stdin.readline()
        if not line:
            raise FieldError.single(field, f"{what} was expected on standard input")
    if problem := surrogate_problem(line):
        raise FieldError.single(field, problem)
    return line.rstrip("\r\n")


def actor_for(args: argparse.Namespace, studio: Studio) -> Actor:
    """The actor a command acts as: ``--as`` (signed in) or the Local Administrator."""
    username = getattr(args, "as_user", None)
    if not username:
        return Actor.local_administrator()
    from studio.services.sign_in import authenticate  # start-up: argon2 and the database

    cached = getattr(args, "_actor", None)
    if isinstance(cached, Actor):
        return cached
    password = stdin_line("as", f"the password of {username}")
    actor = authenticate(studio, username, password)
    args._actor = actor
    return actor


def act(
    args: argparse.Namespace,
    use_case: Callable[Concatenate[Studio, Actor, Params], Result],
    *values: Params.args,
    **options: Params.kwargs,
) -> Result:
    """Open the studio, find the actor, call ``use_case(studio, actor, *values,
    **options)``, close: its result.

    Errors propagate to ``studio.cli.main``, which prints them as ``field: message``
    lines with the exit code they call for.
    """
    with opened(args) as studio:
        return use_case(studio, actor_for(args, studio), *values, **options)


def emit(data: dict[str, Any], as_json: bool, out: TextIO) -> None:
    """One record: a JSON object, or ``key  value`` lines aligned for people."""
    if as_json:
        print(json.dumps(data, indent=2, sort_keys=True), file=out)
        return
    width = max(len(key) for key in data)
    for key, value in data.items():
        print(f"{key:<{width}}  {'' if value is None else value}", file=out)


def dump_json(data: Any, out: TextIO) -> None:
    """Any JSON-able value (dates as ISO text), indented."""
    print(json.dumps(data, indent=2, default=str), file=out)


def parse_quotas(items: list[str]) -> dict[str, str]:
    """``--quota NAME=VALUE`` options as a mapping; the values are checked by the service."""
    quotas: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise FieldError.single("quota", f"{item!r} must be NAME=VALUE, e.g. mailboxes=25")
        quotas[name.strip()] = value
    return quotas


#: The largest id or count a database column holds (a signed 64-bit integer).
MAX_ID = MAX_ROW_NUMBER


def positive_id(text: str) -> int:
    """An argparse type for ids and ``--limit``: a whole number from 1 to 2^63-1.

    Past 2^63-1 the database driver raised ``OverflowError``; 0 and negative numbers
    found nothing or, as an SQL ``LIMIT -1``, everything. argparse names the argument
    and exits 2.
    """
    value = text.strip()
    if not (value.isascii() and value.isdecimal()) or len(value) > len(str(MAX_ID)):
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number from 1 to {MAX_ID}")
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number from 1 to {MAX_ID}")
    return number


#: The longest a command waits for jobs (a day): ``--timeout`` of --wait and jobs wait.
MAX_WAIT_S = 86_400.0


def wait_seconds(text: str) -> float:
    """An argparse type for ``--timeout`` of the commands that wait for jobs: seconds,
    more than 0 and at most a day. ``float`` alone let ``nan`` (waits that never end or
    never start), ``inf`` and negative numbers through."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= MAX_WAIT_S:  # false for nan too
        raise argparse.ArgumentTypeError(
            f"{text!r} must be a number of seconds, more than 0 and at most {MAX_WAIT_S:,.0f}"
        )
    return seconds


def iso_date(text: str) -> dt.date:
    """An argparse type: ``YYYY-MM-DD``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


@contextmanager
def embedded_provisioning(studio: Studio, actor: Actor) -> Iterator[None]:
    """The embedded stubs running for this command (started if needed, stopped after if
    this process started them); nothing to do in external mode."""
    from studio.services.embedded_servers import start_embedded, stop_embedded  # start-up

    start_embedded(studio, actor)
    try:
        yield
    finally:
        stop_embedded(studio, only_started=True)


def run_jobs_until(studio: Studio, actor: Actor, done: Callable[[], bool], timeout: float) -> bool:
    """Run the job runner in this process until ``done()`` or ``timeout`` seconds:
    whether ``done()`` came true (``--wait``, ``jobs wait``)."""
    from studio.provisioning.runner import JobRunner  # start-up: the HTTP client

    runner = JobRunner(studio, actor)
    try:
        return runner.run_until(done, timeout)
    finally:
        runner.stop()


def run_job(studio: Studio, actor: Actor, job_id: int, timeout: float) -> tuple[bool, JobView]:
    """Run the job runner until job ``job_id`` ends or ``timeout`` seconds pass (``--wait``):
    whether it ended, and the job as it is then."""
    from studio.services.jobs import get_job  # start-up

    finished = run_jobs_until(
        studio, actor, lambda: get_job(studio, actor, job_id).finished, timeout
    )
    return finished, get_job(studio, actor, job_id)


def job_outcome(job: JobView, finished: bool, timeout: float, success: str, out: TextIO) -> int:
    """Say how a waited-for job ended: ``success`` (exit 0), still running after
    ``timeout`` seconds, or failed or cancelled with the reason (exit 1)."""
    if not finished:
        print(f"job {job.id} is still {job.state} after {timeout:.0f} s", file=out)
        return EXIT_FAILURE
    if job.state == "succeeded":
        print(success, file=out)
        return EXIT_OK
    print(f"job {job.id} {job.state}: {job.error}", file=out)
    return EXIT_FAILURE
