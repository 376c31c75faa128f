"""The embedded Provisioning Service: the stubs the studio runs itself.

In the default and demo installs there are no real servers, so the studio starts one
Control Server stub and two Remote Server stubs (``EXCH01`` with Exchange and SharePoint,
``WEB01`` with Web Hosting, DNS and MS SQL) as child processes on free loopback ports,
and stops them when it exits.

Each stub's token is generated at start and handed over in the child's environment
(never its arguments); it is kept in the OS keyring, or only in memory when there is no
keyring. Each stub has a pid file in ``<data>/stubs``, written atomically right after
launch, naming the studio that owns it. At start, a stub still alive whose token is
known and which answers as itself is reused. One whose owner is dead (the studio was
killed) is adopted if reusable, else stopped and replaced. One whose owner is another
running studio is never touched: without its token (no keyring) this start fails and
says so. A stop cancels a start under way, so nothing is left behind; the stubs'
journals keep their jobs and resources across all of this.
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
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from studio import CONTROL_SERVER_BUILD
from studio.provisioning.client import ProvisioningClient, ProvisioningError
from studio.provisioning.health import Endpoint
from studio.provisioning.protocol import TOKEN_ENV
from studio.security.keyring_store import SecretStore, SecretsUnavailable, keyring_problem

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
    #: Stopped by this studio on exit: started here, or adopted from a dead owner.
    owned: bool = True

    @property
    def endpoint(self) -> Endpoint:
        """Where the health check and the job runner reach it."""
        return Endpoint(
            self.spec.name,
            self.spec.role,
            self.url,
            self.token,
            self.spec.services,
            reports_as=self.spec.name,
        )


class EmbeddedInUse(ProvisioningError):
    """Another running studio owns the embedded stubs and their tokens are not readable."""


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
        self._launching: dict[str, subprocess.Popen[bytes]] = {}
        self._cancel = threading.Event()

    # -- start ----------------------------------------------------------------------------

    def start(self) -> dict[str, RunningStub]:
        """Reuse or start every stub; returns them by name.

        Raises:
            EmbeddedInUse: another running studio owns them and their tokens are unknown.
            ProvisioningError: a stub did not start (or ``stop`` was called meanwhile).
        """
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for spec in self.specs:
            if self._cancel.is_set():
                raise ProvisioningError("the embedded Provisioning Service is stopping")
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

    def _write_pid_file(self, name: str, record: dict[str, object]) -> None:
        path = self._pid_file(name)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, path)

    def _reuse(self, spec: StubSpec) -> RunningStub | None:
        """A live stub from an earlier run that still answers as itself, with our token."""
        try:
            record = json.loads(self._pid_file(spec.name).read_text(encoding="utf-8"))
            pid, url = int(record["pid"]), str(record.get("url") or "")
            owner = int(record.get("owner") or 0)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not _alive(pid):
            return None
        owner_alive = owner not in (0, os.getpid()) and _alive(owner)
        token = self.secrets.get(token_name(spec.name))
        if token and url:
            try:
                with ProvisioningClient(url, token, timeout=1.0) as client:
                    status = client.status()
                if status.name == spec.name and status.build == self.build:
                    log.info("reusing embedded stub %s (pid %s) at %s", spec.name, pid, url)
                    if not owner_alive:  # adopted: ours to stop from now on
                        self._write_pid_file(spec.name, {**record, "owner": os.getpid()})
                    return RunningStub(spec, url, token, pid, owned=not owner_alive)
            except ProvisioningError:
                pass
        if owner_alive:
            raise EmbeddedInUse(
                f"the embedded Provisioning Service is run by another studio (process {owner}) "
                "and its tokens cannot be read here (no OS keyring): close that studio first"
            )
        if _is_our_stub(pid, spec.name, url):
            log.info("replacing embedded stub %s (pid %s)", spec.name, pid)
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
        self._launching[spec.name] = process
        record: dict[str, object] = {
            "pid": process.pid,
            "url": None,
            "name": spec.name,
            "owner": os.getpid(),
            "started": time.time(),
        }
        try:
            self._write_pid_file(spec.name, record)  # findable even if we die right now
            url = _first_line_url(process, spec.name, self._cancel)
            self._write_pid_file(spec.name, {**record, "url": url})
        except BaseException:
            _kill(process)
            with contextlib.suppress(FileNotFoundError):
                self._pid_file(spec.name).unlink()
            raise
        finally:
            self._launching.pop(spec.name, None)
        log.info("started embedded stub %s (pid %s) at %s", spec.name, process.pid, url)
        return RunningStub(spec, url, token, process.pid, process)

    # -- stop -----------------------------------------------------------------------------

    def stop(self, only_started: bool = False) -> None:
        """Stop the stubs we own, cancelling a start under way; 5 s for all of them.

        ``only_started`` leaves the ones reused from an earlier run (``doctor`` uses it).
        Stubs of another running studio, reused while it runs, are never stopped.
        """
        self._cancel.set()
        for process in list(self._launching.values()):
            _kill(process)
        stopping = [
            s for s in self.running.values() if s.owned and not (only_started and s.process is None)
        ]
        for stub in stopping:
            if stub.process is not None:
                stub.process.terminate()
            elif _is_our_stub(stub.pid, stub.spec.name, stub.url):
                _terminate(stub.pid, wait=False)
        deadline = time.monotonic() + 5.0
        for stub in stopping:
            remaining = max(0.1, deadline - time.monotonic())
            if stub.process is not None:
                try:
                    stub.process.wait(timeout=remaining)
                except subprocess.TimeoutExpired:
                    _kill(stub.process)
                if stub.process.stdout is not None:
                    stub.process.stdout.close()
            else:
                _wait_gone(stub.pid, remaining)
            with contextlib.suppress(FileNotFoundError):
                self._pid_file(stub.spec.name).unlink()
        self.running.clear()
        self._cancel.clear()


def _first_line_url(process: subprocess.Popen[bytes], name: str, cancel: threading.Event) -> str:
    """The URL from the stub's first line, within START_TIMEOUT_S (or until cancelled)."""
    lines: list[bytes] = []
    stdout = process.stdout
    assert stdout is not None

    def read_first_line() -> None:
        # A stop during the start closes the pipe under this read: that is an answer too.
        with contextlib.suppress(ValueError, OSError):
            lines.append(stdout.readline())

    reader = threading.Thread(target=read_first_line, daemon=True)
    reader.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while reader.is_alive() and time.monotonic() < deadline and not cancel.is_set():
        reader.join(0.05)
    line = lines[0].decode("utf-8", "replace").strip() if lines else ""
    if not line.startswith("listening on http://"):
        why = "cancelled" if cancel.is_set() else (line or "no output")
        raise ProvisioningError(
            f"the embedded Provisioning Service {name} did not start ({why}); "
            "see its log in the data folder's stubs/ folder"
        )
    return line.removeprefix("listening on ")


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
    if process.stdout is not None:
        process.stdout.close()


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return _alive_windows(pid)
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


def _alive_windows(pid: int) -> bool:  # pragma: no cover - exercised on Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    code = ctypes.c_ulong()
    try:
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
    finally:
        kernel32.CloseHandle(handle)
    return bool(ok) and code.value == 259  # STILL_ACTIVE


def _is_our_stub(pid: int, name: str, url: str) -> bool:
    """Whether ``pid`` is our stub called ``name`` (guards against a reused pid).

    Linux: its command line. Elsewhere: something at its recorded URL answers as a
    provisioning stub (a 401 with the stub's Server header, since we lack its token).
    """
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.parent.parent.exists() and Path("/proc/self").exists():
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            return False
        return b"stub" in words and name.encode() in words
    if not url:
        return False
    import httpx  # start-up

    try:
        answer = httpx.get(f"{url}/v1/status", timeout=1.0)
    except httpx.HTTPError:
        return False
    server = str(answer.headers.get("server", ""))
    return server.startswith("MachPanelProvisioningStub")


def _terminate(pid: int, wait: bool = True) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGTERM)
    if wait:
        _wait_gone(pid, 5.0)


def _wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
