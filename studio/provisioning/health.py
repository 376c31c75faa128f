"""The article's prerequisite, checked: same build everywhere, the Provisioning Service
running on the Control Server and on every Remote Server, and each token accepted.

Every server is asked for its status at the same time, each with its own timeout of at
most two seconds, so one hanging server costs two seconds, not a frozen studio. Each
failure carries a sentence saying how to fix it.
"""

from __future__ import annotations

import datetime as dt
import enum
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from studio.domain.catalog import CATALOG
from studio.provisioning.client import (
    ProvisioningClient,
    ProvisioningError,
    ServerStatus,
    ServiceUnavailable,
    TimedOut,
    Unauthorized,
    Unreachable,
)

MAX_TIMEOUT_S = 2.0


class ServerState(enum.StrEnum):
    """What a status call found out about one server."""

    RUNNING = "running"
    STOPPED = "stopped"
    UNREACHABLE = "unreachable"
    NOT_ANSWERING = "not answering"
    UNAUTHORIZED = "unauthorized"
    BUILD_MISMATCH = "build mismatch"
    MISCONFIGURED = "misconfigured"
    NO_TOKEN = "no token"
    NOT_STARTED = "not started"
    ERROR = "error"


@dataclass(frozen=True)
class Endpoint:
    """Where one Provisioning Service answers, and the token it expects."""

    name: str
    role: str
    url: str | None
    token: str | None = field(default=None, repr=False)
    #: Services the studio expects this server to host (checked against its status).
    services: tuple[str, ...] = ()
    #: The name the server must report for itself (embedded stubs); None: not checked.
    reports_as: str | None = None


@dataclass(frozen=True)
class ServerHealth:
    """One server's state, as the Remote Servers list and the health view show it."""

    name: str
    role: str
    url: str | None
    state: ServerState
    build: str | None
    message: str
    fix: str
    checked_at: dt.datetime
    elapsed_ms: float

    @property
    def ok(self) -> bool:
        """Running, with an accepted token and the right build."""
        return self.state is ServerState.RUNNING


@dataclass(frozen=True)
class Prerequisite:
    """One line of the prerequisites check for one Remote Server."""

    server: str
    title: str
    passed: bool
    message: str
    fix: str = ""


@dataclass(frozen=True)
class PrerequisitesReport:
    """All servers' health and, per Remote Server, the four prerequisites."""

    control: ServerHealth
    remotes: tuple[ServerHealth, ...]
    checks: tuple[Prerequisite, ...]

    @property
    def passed(self) -> bool:
        """True when every prerequisite of every Remote Server holds."""
        return bool(self.remotes) and all(c.passed for c in self.checks)

    def server_ready(self, name: str) -> bool:
        """Whether provisioning on Remote Server ``name`` may go ahead."""
        return all(c.passed for c in self.checks if c.server == name) and any(
            r.name == name for r in self.remotes
        )

    def failures(self, name: str | None = None) -> list[Prerequisite]:
        """Failed prerequisites (of one server, or all)."""
        return [c for c in self.checks if not c.passed and (name is None or c.server == name)]


#: How each failed status call is reported: state, message, fix ({who}, {url}, {exc},
#: {timeout} are filled in).
_FAILURES: tuple[tuple[type[ProvisioningError], ServerState, str, str], ...] = (
    (
        Unauthorized,
        ServerState.UNAUTHORIZED,
        "{who} refused the token",
        "Copy the token from the Provisioning Service on {who} into its settings again.",
    ),
    (
        TimedOut,
        ServerState.NOT_ANSWERING,
        "{who} accepted the connection but did not answer within {timeout:.0f} s",
        "Restart the MachPanel Provisioning Service on {who}.",
    ),
    (
        Unreachable,
        ServerState.UNREACHABLE,
        "nothing answers at {url}",
        "Start the MachPanel Provisioning Service on {who}, and check the host, the port and "
        "the firewall.",
    ),
    (
        ServiceUnavailable,
        ServerState.STOPPED,
        "{who} answers: {exc}",
        "Start the MachPanel Provisioning Service on {who}.",
    ),
    (
        ProvisioningError,
        ServerState.ERROR,
        "{who} answered unexpectedly: {exc}",
        "Check that {url} is the MachPanel Provisioning Service.",
    ),
)


Diagnosis = tuple[ServerState, str, str, str | None]  # state, message, fix, build


def _diagnose(endpoint: Endpoint, timeout: float) -> Diagnosis:
    """State, message, fix and build of one server."""
    who = "the Control Server" if endpoint.role == "control" else endpoint.name
    if endpoint.url is None:
        return (
            ServerState.NOT_STARTED,
            f"the Provisioning Service of {who} is not started",
            "Start the studio's embedded Provisioning Service (it starts with the studio window).",
            None,
        )
    if not endpoint.token:
        return (
            ServerState.NO_TOKEN,
            f"no token is stored for {who}",
            f"Enter the token of {who} in its settings; it is kept in the OS keyring.",
            None,
        )
    try:
        status = _status_within(endpoint.url, endpoint.token, timeout)
    except Exception as exc:  # a probe reports, it never raises (one server, one line)
        return _failure(endpoint, who, exc, timeout)
    return _from_status(endpoint, who, status)


def _failure(endpoint: Endpoint, who: str, exc: Exception, timeout: float) -> Diagnosis:
    values = {"who": who, "url": endpoint.url, "exc": exc, "timeout": timeout}
    for kind, state, message, fix in _FAILURES:
        if isinstance(exc, kind):
            return state, message.format(**values), fix.format(**values), None
    return (
        ServerState.ERROR,
        f"checking {who} failed: {exc!r}",
        f"Check the settings of {who}.",
        None,
    )


def _from_status(endpoint: Endpoint, who: str, status: ServerStatus) -> Diagnosis:
    wrong = _identity_problem(endpoint, status)
    if wrong:
        return ServerState.MISCONFIGURED, wrong, f"Correct the address of {who}.", status.build
    if not status.running:
        return (
            ServerState.STOPPED,
            f"the Provisioning Service on {who} is stopped",
            f"Start the MachPanel Provisioning Service on {who}.",
            status.build,
        )
    return ServerState.RUNNING, "running", "", status.build


def _status_within(url: str, token: str, timeout: float) -> ServerStatus:
    """``GET /v1/status`` with one deadline for the whole call.

    httpx's timeout bounds each connect or read separately: a server trickling one byte
    a second, or a slow name lookup, could stretch a call far beyond it. The call runs
    on its own daemon thread and is abandoned (it ends on its own) once the deadline
    passes.
    """
    outcome: list[ServerStatus | BaseException] = []

    def call() -> None:
        try:
            with ProvisioningClient(url, token, timeout) as client:
                outcome.append(client.status())
        except BaseException as exc:  # handed to the waiting thread
            outcome.append(exc)

    worker = threading.Thread(target=call, name="health-call", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise TimedOut(f"{url} did not answer within {timeout:.1f} s")
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _identity_problem(endpoint: Endpoint, status: ServerStatus) -> str | None:
    """Why the server that answered is not the one configured, or None."""
    if status.role != endpoint.role:
        return (
            f"{endpoint.url} is the Provisioning Service of a {status.role} server "
            f"({status.name}), not of a {endpoint.role} server"
        )
    if endpoint.reports_as and status.name != endpoint.reports_as:
        return f"{endpoint.url} answers as {status.name}, not {endpoint.reports_as}"
    missing = [s for s in endpoint.services if s not in status.services]
    if missing:
        titles = ", ".join(CATALOG[s].title if s in CATALOG else s for s in missing)
        return f"{status.name} does not host {titles}"
    return None


def probe(endpoint: Endpoint, timeout: float = MAX_TIMEOUT_S) -> ServerHealth:
    """Ask one server for its status; never raises, never waits longer than ``timeout``."""
    started = time.perf_counter()
    state, message, fix, build = _diagnose(endpoint, min(timeout, MAX_TIMEOUT_S))
    return ServerHealth(
        name=endpoint.name,
        role=endpoint.role,
        url=endpoint.url,
        state=state,
        build=build,
        message=message,
        fix=fix,
        checked_at=dt.datetime.now(dt.UTC),
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


def check_prerequisites(
    control: Endpoint, remotes: list[Endpoint], timeout: float = MAX_TIMEOUT_S
) -> PrerequisitesReport:
    """Probe every server at once and evaluate the prerequisites per Remote Server."""
    endpoints = [control, *remotes]
    with ThreadPoolExecutor(max_workers=len(endpoints), thread_name_prefix="health") as pool:
        results = list(pool.map(lambda e: probe(e, timeout), endpoints))  # each bounded
    control_health, remote_health = results[0], results[1:]
    checks: list[Prerequisite] = []
    marked: list[ServerHealth] = []
    for probed in remote_health:
        server_checks = _server_checks(control_health, probed)
        checks += server_checks
        build_ok = server_checks[0].passed
        health = probed
        if probed.ok and not build_ok and probed.build and control_health.build:
            health = replace(
                probed,
                state=ServerState.BUILD_MISMATCH,
                message=server_checks[0].message,
                fix=server_checks[0].fix,
            )
        marked.append(health)
    return PrerequisitesReport(control_health, tuple(marked), tuple(checks))


def _server_checks(control: ServerHealth, remote: ServerHealth) -> list[Prerequisite]:
    name = remote.name
    if control.build and remote.build:
        same = control.build == remote.build
        build = Prerequisite(
            name,
            "Control build vs Remote build",
            same,
            f"both on build {control.build}"
            if same
            else f"{name} is on build {remote.build}, the Control Server on {control.build}",
            ""
            if same
            else f"Install MachPanel build {control.build} on {name} (or upgrade both to the "
            "same build).",
        )
    else:
        missing = "the Control Server" if not control.build else name
        build = Prerequisite(
            name,
            "Control build vs Remote build",
            False,
            f"cannot compare: {missing} did not report its build",
            "Fix the other failures first; the builds are compared once both answer.",
        )
    control_running = Prerequisite(
        name,
        "Provisioning Service running on the Control Server",
        control.state in (ServerState.RUNNING, ServerState.BUILD_MISMATCH),
        control.message,
        control.fix,
    )
    remote_running = Prerequisite(
        name,
        f"Provisioning Service running on {name}",
        remote.state in (ServerState.RUNNING, ServerState.BUILD_MISMATCH),
        remote.message,
        remote.fix,
    )
    refused = [
        h for h in (control, remote) if h.state in (ServerState.UNAUTHORIZED, ServerState.NO_TOKEN)
    ]
    token = Prerequisite(
        name,
        "Token accepted",
        not refused and control_running.passed and remote_running.passed,
        "; ".join(h.message for h in refused)
        if refused
        else (
            "accepted by both"
            if control_running.passed and remote_running.passed
            else "not known until both servers answer"
        ),
        refused[0].fix if refused else "",
    )
    return [build, control_running, remote_running, token]
