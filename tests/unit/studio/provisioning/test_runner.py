"""The job runner, one tick at a time, against Provisioning Service stubs served in this
process (the same engine and HTTP server as the stub process, on a thread): submitting
with the job's idempotency key, recording what the server reports, finishing the
subscription, failures, back-off, giving up and reconciling, Cancel, and a subscription
following its owner. Fast enough for the mutation score (``scripts/mutation.py``); the
kill tests with real processes are in ``tests/e2e/``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select

from studio import CONTROL_SERVER_BUILD
from studio.context import Studio
from studio.db.models import AuditEvent, ProvisioningJob, Subscription
from studio.domain.actors import Actor
from studio.domain.server_rules import ProvisioningInput, RemoteServerInput
from studio.provisioning.client import ProvisioningClient
from studio.provisioning.protocol import Mode, Role
from studio.provisioning.runner import JobRunner
from studio.provisioning.stub.engine import StubEngine
from studio.provisioning.stub.server import StubServer
from studio.services.jobs import cancel_job
from studio.services.resellers import create_reseller, set_reseller_status
from studio.services.servers import add_remote_server, save_provisioning_settings
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

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def remote(studio: Studio, admin: Actor) -> Iterator[InProcessStub]:
    """EXCH01 (and a Control Server) served in this process, registered in the studio."""
    control = InProcessStub(Role.CONTROL, "CP01", ())
    exch = InProcessStub(Role.REMOTE, "EXCH01", ("exchange",))
    save_provisioning_settings(
        studio, admin, ProvisioningInput("external", "127.0.0.1", str(control.port), TOKEN)
    )
    add_remote_server(
        studio,
        admin,
        RemoteServerInput("EXCH01", "127.0.0.1", str(exch.port), ("exchange",), TOKEN),
    )
    yield exch
    exch.stop()
    control.stop()


@pytest.fixture
def runner(studio: Studio, admin: Actor) -> Iterator[JobRunner]:
    made = JobRunner(studio, admin, poll_s=0.0, backoff=(0.0, 0.0), reconcile_s=0.0)
    yield made
    made.stop()


def _subscribe(studio: Studio, admin: Actor) -> int:
    reseller = create_reseller(studio, admin, sample_reseller(), require_password=False)
    view = subscribe_reseller(
        studio, admin, SubscribeInput(reseller.id, "exchange", "EXCH01", QUOTAS)
    )
    assert view.job is not None
    return view.job.id


def _job(studio: Studio, job_id: int) -> ProvisioningJob:
    with studio.unit_of_work() as session:
        job = session.get(ProvisioningJob, job_id)
        assert job is not None
        return job


def _subscription(studio: Studio, job: ProvisioningJob) -> Subscription:
    with studio.unit_of_work() as session:
        sub = session.get(Subscription, job.subscription_id)
        assert sub is not None
        return sub


def _actions(studio: Studio) -> list[str]:
    with studio.unit_of_work() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _tick_until(runner: JobRunner, done: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the job did not get there in time"
        runner._tick()
        time.sleep(0.02)


def test_a_job_is_submitted_with_its_key_then_finished_once(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job_id = _subscribe(studio, admin)
    key = _job(studio, job_id).idempotency_key
    assert runner._tick() == [job_id]
    submitted = _job(studio, job_id)
    assert submitted.state in ("queued", "running") and submitted.remote_id
    assert remote.engine.by_key == {key: submitted.remote_id}

    _tick_until(runner, lambda: _job(studio, job_id).state == "succeeded")
    done = _job(studio, job_id)
    assert (done.progress, done.attempts, done.finished_at is not None) == (100, 0, True)
    sub = _subscription(studio, done)
    [resource] = remote.resources()
    assert (sub.status, sub.resource_id) == ("active", resource["id"])
    assert _actions(studio).count("provisioning_job.succeed") == 1
    assert runner._tick() == []  # nothing left to do


def test_a_job_the_studio_lost_track_of_is_found_again_by_its_key(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    """The server accepted it, the studio did not record that: the next submission with
    the same key finds the same job, and the server holds one resource."""
    job_id = _subscribe(studio, admin)
    runner._tick()
    remote_id = _job(studio, job_id).remote_id
    with studio.unit_of_work() as session:  # as if the studio had died before recording
        job = session.get(ProvisioningJob, job_id)
        assert job is not None
        job.remote_id, job.state = None, "pending"  # type: ignore[assignment]
    runner._tick()
    assert _job(studio, job_id).remote_id == remote_id
    _tick_until(runner, lambda: _job(studio, job_id).state == "succeeded")
    assert len(remote.resources()) == 1 and len(remote.engine.jobs) == 1


def test_a_failure_on_the_server_fails_the_job_and_the_subscription(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.faults.fail_rate = 1.0
    job_id = _subscribe(studio, admin)
    _tick_until(runner, lambda: _job(studio, job_id).state == "failed")
    job = _job(studio, job_id)
    assert "simulated failure" in job.error and not job.local_failure
    assert _subscription(studio, job).status == "failed"
    assert remote.resources() == []
    assert _actions(studio).count("provisioning_job.fail") == 1


def test_an_unreachable_server_is_tried_again_then_given_up_then_reconciled(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job_id = _subscribe(studio, admin)
    runner._tick()  # submitted: the server has it
    remote.engine.faults.mode = Mode.UNAVAILABLE  # 503 to every call
    runner._tick()
    job = _job(studio, job_id)
    assert job.attempts == 1 and job.state in ("queued", "running")
    assert job.next_attempt_at is not None and not job.local_failure
    _tick_until(runner, lambda: _job(studio, job_id).state == "failed")
    given_up = _job(studio, job_id)
    assert given_up.local_failure and given_up.attempts == 3
    assert _subscription(studio, given_up).status == "failed"

    remote.engine.faults.mode = Mode.NORMAL  # back: the job had finished there
    _tick_until(runner, lambda: _job(studio, job_id).state == "succeeded")
    found = _job(studio, job_id)
    assert (found.local_failure, found.error) == (False, "")
    assert _subscription(studio, found).status == "active"
    assert "provisioning_job.reconcile" in _actions(studio)


def test_a_cancelled_job_is_cancelled_on_the_server(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.job_seconds = 30.0
    job_id = _subscribe(studio, admin)
    runner._tick()
    assert cancel_job(studio, admin, job_id).state == "cancelling"
    _tick_until(runner, lambda: _job(studio, job_id).state == "cancelled")
    job = _job(studio, job_id)
    assert remote.engine.jobs[job.remote_id or ""].state.value == "cancelled"
    assert _subscription(studio, job).status == "cancelled"
    assert remote.resources() == []
    assert _actions(studio).count("provisioning_job.cancelled") == 1


def test_a_subscription_provisioned_for_a_suspended_reseller_is_suspended_next(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job_id = _subscribe(studio, admin)
    sub = _subscription(studio, _job(studio, job_id))
    set_reseller_status(studio, admin, sub.reseller_id, "suspended")  # while provisioning
    _tick_until(runner, lambda: _job(studio, job_id).state == "succeeded")
    with studio.unit_of_work() as session:
        follow = session.scalars(select(ProvisioningJob).where(ProvisioningJob.id != job_id)).one()
    assert (follow.operation, follow.subscription_id) == ("suspend", sub.id)
    _tick_until(runner, lambda: _job(studio, follow.id).state == "succeeded")
    assert _subscription(studio, follow).status == "suspended"
    [resource] = remote.resources()
    assert resource.get("suspended") is True


def test_the_runner_s_own_thread_carries_jobs_out_and_reports_them(
    studio: Studio, admin: Actor, remote: InProcessStub
) -> None:
    heard: list[int] = []
    runner = JobRunner(studio, admin, poll_s=0.02, listener=heard.append)
    try:
        job_id = _subscribe(studio, admin)
        runner.wake()
        assert runner.run_until(lambda: _job(studio, job_id).state == "succeeded", 10.0)
    finally:
        runner.stop()
    assert job_id in heard
