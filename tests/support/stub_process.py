"""Start the provisioning stub as a real process on a free port, for tests and benchmarks."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from studio.provisioning.client import ProvisioningClient
from studio.provisioning.protocol import TOKEN_ENV


@dataclass
class StubProcess:
    """A running stub: its URL and token, and the means to stop or restart it."""

    args: list[str]
    state: Path | None
    token: str
    process: subprocess.Popen[str] | None = None
    url: str = ""
    first_line: str = ""
    extra_env: dict[str, str] = field(default_factory=dict)
    #: A lower limit of open files for the process (POSIX), as some systems (macOS: 256)
    #: give by default; ``None`` keeps this system's.
    max_open_files: int | None = None

    def start(self, port: int = 0) -> StubProcess:
        """Start (or restart, on ``port`` to keep the URL) and wait for its first line."""
        argv = [sys.executable, "-m", "studio", "stub", *self.args, "--port", str(port)]
        if self.state is not None:
            argv += ["--state", str(self.state)]
        env = {**os.environ, TOKEN_ENV: self.token, **self.extra_env}
        self.process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        if self.max_open_files is not None:
            self._limit_open_files(self.process.pid, self.max_open_files)
        assert self.process.stdout is not None
        self.first_line = self.process.stdout.readline().rstrip("\n")
        if not self.first_line.startswith("listening on "):
            self.process.kill()
            _out, err = self.process.communicate(timeout=10)
            raise RuntimeError(f"stub did not start: {self.first_line!r} {err}")
        self.url = self.first_line.removeprefix("listening on ")
        return self

    @staticmethod
    def _limit_open_files(pid: int, limit: int) -> None:
        """Lower a running process's limit (Linux: set before it accepts anything, as
        it has not printed its first line yet)."""
        import resource  # POSIX only, and only when a limit is asked for

        _soft, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (limit, hard))

    def read_stderr(self) -> str:
        """Stop the process (SIGTERM) and return all it wrote on standard error."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        _out, err = self.process.communicate(timeout=10)
        return err

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self.url.rsplit(":", 1)[1])

    def client(self, timeout: float = 2.0, token: str | None = None) -> ProvisioningClient:
        """A client for this stub."""
        return ProvisioningClient(self.url, token or self.token, timeout=timeout)

    def stop(self) -> int:
        """SIGTERM and wait; returns the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=10)
        self._drain()
        return code

    def kill(self) -> None:
        """SIGKILL: the stub gets no chance to tidy up."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)
        self._drain()

    def _drain(self) -> None:
        assert self.process is not None
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def new_token() -> str:
    """A random bearer token."""
    return secrets.token_urlsafe(24)


def stub(
    *,
    role: str = "remote",
    name: str = "EXCH01",
    build: str = "8.2.0",
    services: tuple[str, ...] = ("exchange", "sharepoint"),
    state: Path | None = None,
    job_seconds: float = 0.3,
    extra: tuple[str, ...] = (),
    token: str | None = None,
    max_open_files: int | None = None,
) -> StubProcess:
    """A started stub (``extra`` adds raw options such as ``--fail-rate 1``)."""
    args = ["--role", role, "--name", name, "--build", build, "--job-seconds", str(job_seconds)]
    if services:
        args += ["--services", *services]
    process = StubProcess(
        args=[*args, *extra], state=state, token=token or new_token(), max_open_files=max_open_files
    )
    return process.start()
