"""The embedded Provisioning Service: the stubs the studio runs itself.

In the default and demo installs there are no real servers, so the studio starts one
Control Server stub and two Remote Server stubs (``EXCH01`` with Exchange and SharePoint,
``WEB01`` with Web Hosting, DNS and MS SQL) as child processes on free loopback ports,
and stops them when it exits.

Each stub's token is generated at start and handed over in the child's environment
(never its arguments); it is kept in the OS keyring, or only in memory when there is no
keyring. Each stub writes a pid file in ``<data>/stubs``. If the studio was killed, the
next start finds those: a stub still alive whose token is known and which answers as
itself is reused; any other live stub of ours is stopped and replaced. Nothing is left
behind, and the stubs' journals keep their jobs and resources across all of this.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from studio import CONTROL_SERVER_BUILD
from studio.provisioning.client import ProvisioningClient, ProvisioningError
from studio.provisioning.health import Endpoint
from studio.provisioning.protocol import TOKEN_ENV
from studio.secrets import SecretStore, SecretsUnavailable, keyring_problem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StubSpec:
    """One embedded stub: name, role, services hosted."""

    name: str
    role: str
    services: tuple[str, ...]


CONTROL = StubSpec("CP01", "control", ())
DEFAULT_STUBS: tuple[StubSpec, ...] = (
    CONTROL,
    StubSpec("EXCH01", "remote", ("exchange", "sharepoint")),
    StubSpec("WEB01", "remote", ("web", "dns", "mssql")),
)
START_TIMEOUT_S = 15.0


def token_name(name: str) -> str:
    """Keyring entry of an embedded stub's token."""
    return f"provisioning-token/embedded/{name}"


def stub_command() -> list[str]:
    """How to run ``machpanel-studio stub`` from this very program (source or frozen)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "stub"]
    return [sys.executable, "-m", "studio", "stub"]


@dataclass
class RunningStub:
    """A stub this studio started or reused."""

    spec: StubSpec
    url: str
    token: str = field(repr=False)
    pid: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> Endpoint:
        """Where the health check and the job runner reach it."""
        return Endpoint(self.spec.name, self.spec.role, self.url, self.token)


class EmbeddedProvisioning:
    """Starts, finds again and stops the embedded stubs of one data folder."""

    def __init__(
        self,
        data_dir: Path,
        secret_store: SecretStore,
        build: str = CONTROL_SERVER_BUILD,
        job_seconds: float = 2.0,
        specs: tuple[StubSpec, ...] = DEFAULT_STUBS,
    ) -> None:
        self.folder = data_dir / "stubs"
        self.secrets = secret_store
        self.build = build
        self.job_seconds = job_seconds
        self.specs = specs
        self.running: dict[str, RunningStub] = {}

    # -- start ----------------------------------------------------------------------------

    def start(self) -> dict[str, RunningStub]:
        """Reuse or start every stub; returns them by name."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for spec in self.specs:
            if spec.name not in self.running:
                self.running[spec.name] = self._reuse(spec) or self._launch(spec)
        return self.running

    def endpoint(self, name: str) -> Endpoint:
        """The endpoint of stub ``name`` (``url`` None when it is not running)."""
        stub = self.running.get(name)
        role = next((s.role for s in self.specs if s.name == name), "remote")
        return stub.endpoint if stub else Endpoint(name, role, None)

    def _pid_file(self, name: str) -> Path:
        return self.folder / f"{name}.pid"

    def _reuse(self, spec: StubSpec) -> RunningStub | None:
        """A live stub from an earlier run that still answers as itself, with our token."""
        try:
            record = json.loads(self._pid_file(spec.name).read_text(encoding="utf-8"))
            pid, url = int(record["pid"]), str(record["url"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not _alive(pid):
            return None
        token = self.secrets.get(token_name(spec.name))
        if token:
            try:
                with ProvisioningClient(url, token, timeout=1.0) as client:
                    status = client.status()
                if status.name == spec.name and status.build == self.build:
                    log.info("reusing embedded stub %s (pid %s) at %s", spec.name, pid, url)
                    return RunningStub(spec, url, token, pid)
            except ProvisioningError:
                pass
        if _is_our_stub(pid, spec.name):
            log.info("replacing embedded stub %s (pid %s): its token is not known", spec.name, pid)
            _terminate(pid)
        return None

    def _launch(self, spec: StubSpec) -> RunningStub:
        token = secrets.token_urlsafe(32)
        try:
            self.secrets.set(
                token_name(spec.name), token, session_only=keyring_problem() is not None
            )
        except SecretsUnavailable:
            self.secrets.set(token_name(spec.name), token, session_only=True)
        argv = [
            *stub_command(),
            "--role",
            spec.role,
            "--name",
            spec.name,
            "--build",
            self.build,
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--state",
            str(self.folder / f"{spec.name}.jsonl"),
            "--job-seconds",
            str(self.job_seconds),
        ]
        if spec.services:
            argv += ["--services", *spec.services]
        env = {**os.environ, TOKEN_ENV: token}
        log_file = (self.folder / f"{spec.name}.log").open("ab")
        options: dict[str, object] = {}
        if sys.platform == "win32":
            options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined,unused-ignore]
        else:
            options["start_new_session"] = True  # survives the terminal's Ctrl+C; we stop it
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log_file,
            env=env,
            **options,  # type: ignore[call-overload]
        )
        log_file.close()
        url = _first_line_url(process, spec.name)
        record = {"pid": process.pid, "url": url, "name": spec.name, "started": time.time()}
        self._pid_file(spec.name).write_text(json.dumps(record), encoding="utf-8")
        log.info("started embedded stub %s (pid %s) at %s", spec.name, process.pid, url)
        return RunningStub(spec, url, token, process.pid, process)

    # -- stop -----------------------------------------------------------------------------

    def stop(self, only_started: bool = False) -> None:
        """Stop the stubs (``only_started``: leave the ones reused from an earlier run)."""
        stopping = [s for s in self.running.values() if not (only_started and s.process is None)]
        for stub in stopping:
            if stub.process is not None:
                stub.process.terminate()
            else:
                _terminate(stub.pid, wait=False)
        for stub in stopping:
            if stub.process is not None:
                try:
                    stub.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    stub.process.kill()
                    stub.process.wait(timeout=5)
                if stub.process.stdout is not None:
                    stub.process.stdout.close()
            else:
                _wait_gone(stub.pid, 5.0)
            with contextlib.suppress(FileNotFoundError):
                self._pid_file(stub.spec.name).unlink()
            self.running.pop(stub.spec.name, None)


def _first_line_url(process: subprocess.Popen[bytes], name: str) -> str:
    assert process.stdout is not None
    line = process.stdout.readline().decode("utf-8", "replace").strip()
    if not line.startswith("listening on http://"):
        process.kill()
        process.wait(timeout=5)
        raise ProvisioningError(
            f"the embedded Provisioning Service {name} did not start ({line or 'no output'}); "
            "see its log in the data folder's stubs/ folder"
        )
    return line.removeprefix("listening on ")


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # type: ignore[attr-defined]
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
        return bool(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped by its parent) is dead too
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _is_our_stub(pid: int, name: str) -> bool:
    """Whether ``pid`` is a stub called ``name`` (guards against a reused pid)."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        words = cmdline.read_bytes().split(b"\0")
    except OSError:
        return False  # cannot tell (not Linux, or gone): do not touch it
    return b"stub" in words and name.encode() in words


def _terminate(pid: int, wait: bool = True) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGTERM)
    if wait:
        _wait_gone(pid, 5.0)


def _wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
