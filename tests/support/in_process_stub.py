"""Provisioning Service stubs served on a thread of the test's own process, and the
small readers the job runner's tests share.

The same engine and HTTP server as the stub process, so the runner talks real HTTP;
in-process so a tick can be driven one at a time and fast enough for the mutation
score (``scripts/mutation.py``). The kill tests with real processes are in
``tests/e2e/``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import select

from studio import CONTROL_SERVER_BUILD
from studio.context import Studio
from studio.db.models import AuditEvent, ProvisioningJob, Subscription
from studio.domain.actors import Actor
from studio.provisioning.client import ProvisioningClient
from studio.provisioning.protocol import Role
from studio.provisioning.runner import JobRunner
from studio.provisioning.stub.engine import StubEngine
from studio.provisioning.stub.server import StubServer
from studio.services.resellers import create_reseller
from studio.services.subscriptions import SubscribeInput, subscribe_reseller
from tests.support.resellers import sample_reseller

TOKEN = "in-process-stub-token-0123456789"
QUOTAS = {"mailboxes": "5", "mailbox_size_mb": "1024"}


class InProcessStub:
    """A stub's engine and HTTP server on a thread of this process."""

    def __init__(self, role: Role, name: str, services: tuple[str, ...]) -> None:
        self.engine = StubEngine.open(
            role=role,
            name=name,
            build=CONTROL_SERVER_BUILD,
            services=services,
            state_file=None,
            job_seconds=0.05,
        )
        self.server = StubServer(("127.0.0.1", 0), self.engine, TOKEN)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def resources(self) -> list[dict[str, object]]:
        with ProvisioningClient(self.server.url, TOKEN) as client:
            return client.resources()

    def hurry(self) -> None:
        """Every job under way is due to finish now (its time as if already spent)."""
        for job in self.engine.jobs.values():
            job.submitted_at -= 3600.0

    def forget_job(self, remote_id: str) -> None:
        """The server lost one job (as if its record had been removed)."""
        lost = self.engine.jobs.pop(remote_id)
        del self.engine.by_key[lost.key]
        self.engine._unfinished.discard(remote_id)

    def forget_jobs(self) -> None:
        """The server started again without its state: it knows no job any more."""
        self.engine = StubEngine.open(
            role=self.engine.role,
            name=self.engine.name,
            build=CONTROL_SERVER_BUILD,
            services=self.engine.services,
            state_file=None,
            job_seconds=self.engine.job_seconds,
        )
        self.server.engine = self.engine

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def subscribe_on_exch01(studio: Studio, admin: Actor, n: int = 1) -> int:
    """Reseller ``n`` subscribed to Hosted Exchange on EXCH01; its provision job's id."""
    reseller = create_reseller(studio, admin, sample_reseller(n), require_password=False)
    view = subscribe_reseller(
        studio, admin, SubscribeInput(reseller.id, "exchange", "EXCH01", QUOTAS)
    )
    assert view.job is not None
    return view.job.id


def read_job(studio: Studio, job_id: int) -> ProvisioningJob:
    with studio.unit_of_work() as session:
        found = session.get(ProvisioningJob, job_id)
        assert found is not None
        return found


def read_jobs(studio: Studio) -> list[ProvisioningJob]:
    with studio.unit_of_work() as session:
        return list(session.scalars(select(ProvisioningJob).order_by(ProvisioningJob.id)))


def read_subscription(studio: Studio, of_job: ProvisioningJob) -> Subscription:
    with studio.unit_of_work() as session:
        sub = session.get(Subscription, of_job.subscription_id)
        assert sub is not None
        return sub


def audit_actions(studio: Studio) -> list[str]:
    """Every audit event's action, oldest first."""
    with studio.unit_of_work() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def audit_rows(studio: Studio, action: str) -> list[AuditEvent]:
    """The audit events of one action, oldest first."""
    with studio.unit_of_work() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def tick_until(runner: JobRunner, done: Callable[[], bool], seconds: float = 5.0) -> None:
    """Tick the runner until ``done()``; fails the test after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the job did not get there in time"
        runner._tick()
        time.sleep(0.02)
