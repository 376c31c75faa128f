"""Fixtures for tests that run the provisioning stub, and the command line, as real
processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import pytest
from sqlalchemy import select

from studio.context import Studio, open_studio
from studio.crash_points import ENV, EXIT_CODE
from studio.db.models import AuditEvent, ProvisioningJob, Subscription
from studio.domain.actors import Actor
from studio.domain.server_rules import ProvisioningInput, RemoteServerInput
from studio.services.resellers import create_reseller
from studio.services.servers import add_remote_server, save_provisioning_settings
from tests.support.file_keyring import BACKEND_ENV, FILE_ENV, FileKeyring
from tests.support.resellers import sample_reseller
from tests.support.stub_process import StubProcess, stub

REPO = Path(__file__).resolve().parents[2]
QUOTAS = ("--quota", "mailboxes=5", "--quota", "mailbox_size_mb=1024")

StubFactory = Callable[..., StubProcess]


@pytest.fixture
def start_stub(tmp_path: Path) -> Iterator[StubFactory]:
    """Start stubs (journal in the test's folder); every one is stopped afterwards."""
    started: list[StubProcess] = []

    def factory(**kwargs: object) -> StubProcess:
        kwargs.setdefault("state", tmp_path / f"stub-{len(started)}.jsonl")
        process = stub(**kwargs)  # type: ignore[arg-type]
        started.append(process)
        return process

    yield factory
    for process in started:
        if process.process is not None and process.process.poll() is None:
            process.kill()


@dataclass
class Installation:
    """A data folder in external mode with a Control Server and EXCH01, as stub processes."""

    data_dir: Path
    keyring_file: Path
    studio: Studio
    remote: StubProcess
    reseller_id: int

    def run(self, *argv: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
        """``machpanel-studio ARGV…`` as its own process; ``crash_at`` arms a crash point."""
        env = {
            **os.environ,
            **BACKEND_ENV,
            FILE_ENV: str(self.keyring_file),
            "MACHPANEL_STUDIO_HOME": str(self.data_dir),
            "PYTHONPATH": str(REPO),
        }
        env.pop(ENV, None)
        if crash_at:
            env[ENV] = crash_at
        return subprocess.run(
            [sys.executable, "-m", "studio", *argv],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def crash(self, point: str, *argv: str) -> None:
        done = self.run(*argv, crash_at=point)
        assert done.returncode == EXIT_CODE, (point, done.returncode, done.stdout, done.stderr)

    def wait(self, succeeded: bool = True) -> None:
        """``jobs wait`` until no job is unfinished: exit 0 when all succeeded, else 1."""
        done = self.run("jobs", "wait", "--timeout", "60")
        assert done.returncode == (0 if succeeded else 1), (done.stdout, done.stderr)
        assert "no unfinished jobs" in done.stdout

    def jobs(self) -> list[ProvisioningJob]:
        with self.studio.unit_of_work() as session:
            return list(session.scalars(select(ProvisioningJob).order_by(ProvisioningJob.id)))

    def subscriptions(self) -> list[Subscription]:
        with self.studio.unit_of_work() as session:
            return list(session.scalars(select(Subscription).order_by(Subscription.id)))

    def audit(self) -> Counter[tuple[str, str]]:
        """How often each (action, summary) was recorded: 1 everywhere, or twice done."""
        with self.studio.unit_of_work() as session:
            rows = session.execute(select(AuditEvent.action, AuditEvent.summary)).all()
        return Counter((action, summary) for action, summary in rows)

    def server_keys(self, operation: str) -> list[str]:
        """The idempotency key of every job of ``operation`` the server ever accepted
        (its journal, which survives its restarts)."""
        assert self.remote.state is not None
        entries = [json.loads(line) for line in self.remote.state.read_text().splitlines()]
        return sorted(
            {e["key"] for e in entries if e.get("kind") == "job" and e["operation"] == operation}
        )

    def resources(self) -> list[dict[str, Any]]:
        with self.remote.client() as client:
            return client.resources()

    def subscribe(self, *extra: str) -> tuple[str, ...]:
        return ("subscribe", str(self.reseller_id), "--service", "exchange", "--server", "EXCH01",
                *QUOTAS, *extra)  # fmt: skip


@pytest.fixture
def installation(
    request: pytest.FixtureRequest, data_dir: Path, tmp_path: Path, start_stub: StubFactory
) -> Iterator[Installation]:
    """The installation; ``indirect`` parametrisation sets how long a job takes (s)."""
    keyring_file = tmp_path / "keyring.json"
    keyring.set_keyring(FileKeyring(keyring_file))
    control = start_stub(role="control", name="CP01", services=())
    remote = start_stub(name="EXCH01", job_seconds=getattr(request, "param", 0.5))
    admin = Actor.local_administrator()
    studio = open_studio(data_dir)
    try:
        save_provisioning_settings(
            studio,
            admin,
            ProvisioningInput("external", "127.0.0.1", str(control.port), control.token),
        )
        add_remote_server(
            studio,
            admin,
            RemoteServerInput("EXCH01", "127.0.0.1", str(remote.port), ("exchange",), remote.token),
        )
        reseller = create_reseller(studio, admin, sample_reseller(), require_password=False)
        yield Installation(data_dir, keyring_file, studio, remote, reseller.id)
    finally:
        studio.close()
