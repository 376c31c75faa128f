"""The job runner, one tick at a time, against Provisioning Service stubs served in this
process (the same engine and HTTP server as the stub process, on a thread): submitting
with the job's idempotency key, recording what the server reports, finishing the
subscription, failures, back-off, giving up and reconciling, Cancel, and a subscription
following its owner. Fast enough for the mutation score (``scripts/mutation.py``); the
kill tests with real processes are in ``tests/e2e/``."""

from __future__ import annotations

import time

from sqlalchemy import select

from studio.context import Studio
from studio.db.models import AuditEvent, ProvisioningJob
from studio.domain.actors import Actor
from studio.provisioning.protocol import Mode
from studio.provisioning.runner import JobRunner
from studio.security.keyring_store import remote_token_name
from studio.services.jobs import cancel_job
from studio.services.resellers import set_reseller_status
from tests.support.in_process_stub import (
    TOKEN,
    InProcessStub,
    audit_actions,
    read_job,
    read_jobs,
    read_subscription,
    subscribe_on_exch01,
    tick_until,
)


def test_a_job_is_submitted_with_its_key_then_finished_once(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job_id = subscribe_on_exch01(studio, admin)
    key = read_job(studio, job_id).idempotency_key
    assert runner._tick() == [job_id]
    submitted = read_job(studio, job_id)
    assert submitted.state in ("queued", "running") and submitted.remote_id
    assert remote.engine.by_key == {key: submitted.remote_id}

    tick_until(runner, lambda: read_job(studio, job_id).state == "succeeded")
    done = read_job(studio, job_id)
    assert (done.progress, done.attempts, done.finished_at is not None) == (100, 0, True)
    sub = read_subscription(studio, done)
    [resource] = remote.resources()
    assert (sub.status, sub.resource_id) == ("active", resource["id"])
    assert audit_actions(studio).count("provisioning_job.succeed") == 1
    assert runner._tick() == []  # nothing left to do


def test_a_job_the_studio_lost_track_of_is_found_again_by_its_key(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    """The server accepted it, the studio did not record that: the next submission with
    the same key finds the same job, and the server holds one resource."""
    job_id = subscribe_on_exch01(studio, admin)
    runner._tick()
    remote_id = read_job(studio, job_id).remote_id
    with studio.unit_of_work() as session:  # as if the studio had died before recording
        job = session.get(ProvisioningJob, job_id)
        assert job is not None
        job.remote_id, job.state = None, "pending"  # type: ignore[assignment]
    runner._tick()
    assert read_job(studio, job_id).remote_id == remote_id
    tick_until(runner, lambda: read_job(studio, job_id).state == "succeeded")
    assert len(remote.resources()) == 1 and len(remote.engine.jobs) == 1


def test_a_failure_on_the_server_fails_the_job_and_the_subscription(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.faults.fail_rate = 1.0
    job_id = subscribe_on_exch01(studio, admin)
    tick_until(runner, lambda: read_job(studio, job_id).state == "failed")
    job = read_job(studio, job_id)
    assert "simulated failure" in job.error and not job.local_failure
    assert read_subscription(studio, job).status == "failed"
    assert remote.resources() == []
    assert audit_actions(studio).count("provisioning_job.fail") == 1


def test_an_unreachable_server_is_tried_again_then_given_up_then_reconciled(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job_id = subscribe_on_exch01(studio, admin)
    runner._tick()  # submitted: the server has it
    remote.engine.faults.mode = Mode.UNAVAILABLE  # 503 to every call
    runner._tick()
    job = read_job(studio, job_id)
    assert job.attempts == 1 and job.state in ("queued", "running")
    assert job.next_attempt_at is not None and not job.local_failure
    tick_until(runner, lambda: read_job(studio, job_id).state == "failed")
    given_up = read_job(studio, job_id)
    assert given_up.local_failure and given_up.attempts == 3
    assert read_subscription(studio, given_up).status == "failed"

    remote.engine.faults.mode = Mode.NORMAL  # back: the job had finished there
    tick_until(runner, lambda: read_job(studio, job_id).state == "succeeded")
    found = read_job(studio, job_id)
    assert (found.local_failure, found.error) == (False, "")
    assert read_subscription(studio, found).status == "active"
    assert "provisioning_job.reconcile" in audit_actions(studio)


def test_a_cancelled_job_is_cancelled_on_the_server(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.job_seconds = 30.0
    job_id = subscribe_on_exch01(studio, admin)
    runner._tick()
    assert cancel_job(studio, admin, job_id).state == "cancelling"
    tick_until(runner, lambda: read_job(studio, job_id).state == "cancelled")
    job = read_job(studio, job_id)
    assert remote.engine.jobs[job.remote_id or ""].state.value == "cancelled"
    assert read_subscription(studio, job).status == "cancelled"
    assert remote.resources() == []
    assert audit_actions(studio).count("provisioning_job.cancelled") == 1


def test_a_subscription_provisioned_for_a_suspended_reseller_is_suspended_next(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job_id = subscribe_on_exch01(studio, admin)
    sub = read_subscription(studio, read_job(studio, job_id))
    set_reseller_status(studio, admin, sub.reseller_id, "suspended")  # while provisioning
    tick_until(runner, lambda: read_job(studio, job_id).state == "succeeded")
    with studio.unit_of_work() as session:
        follow = session.scalars(select(ProvisioningJob).where(ProvisioningJob.id != job_id)).one()
    assert (follow.operation, follow.subscription_id) == ("suspend", sub.id)
    tick_until(runner, lambda: read_job(studio, follow.id).state == "succeeded")
    assert read_subscription(studio, follow).status == "suspended"
    [resource] = remote.resources()
    assert resource.get("suspended") is True


def test_the_runner_s_own_thread_carries_jobs_out_and_reports_them(
    studio: Studio, admin: Actor, remote: InProcessStub
) -> None:
    heard: list[int] = []
    runner = JobRunner(studio, admin, poll_s=0.02, listener=heard.append)
    try:
        job_id = subscribe_on_exch01(studio, admin)
        runner.wake()
        assert runner.run_until(lambda: read_job(studio, job_id).state == "succeeded", 10.0)
    finally:
        runner.stop()
    assert job_id in heard


def _audit(studio: Studio, action: str) -> list[str]:
    with studio.unit_of_work() as session:
        return list(
            session.scalars(
                select(AuditEvent.summary)
                .where(AuditEvent.action == action)
                .order_by(AuditEvent.id)
            )
        )


def test_each_ending_is_recorded_in_the_audit_log_in_words(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job_id = subscribe_on_exch01(studio, admin)
    tick_until(runner, lambda: read_job(studio, job_id).state == "succeeded")
    assert _audit(studio, "provisioning_job.succeed") == [
        f"job {job_id} (provision exchange on EXCH01): exchange on EXCH01 active"
    ]


def test_a_refusal_fails_the_job_at_once_with_the_server_s_words(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job_id = subscribe_on_exch01(studio, admin)
    studio.secrets.set(remote_token_name("EXCH01"), "not-the-token-0123456789abcdef")
    assert runner._tick() == [job_id]
    job = read_job(studio, job_id)
    assert job.state == "failed" and job.attempts == 0
    assert job.error == f"EXCH01: http://127.0.0.1:{remote.port} refused the token"
    assert read_subscription(studio, job).status == "failed"
    assert _audit(studio, "provisioning_job.fail") == [
        f"job {job_id} (provision exchange on EXCH01): {job.error}"
    ]
    assert remote.engine.jobs == {}


def test_a_server_without_its_token_is_waited_for_then_given_up(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job_id = subscribe_on_exch01(studio, admin)
    studio.secrets.delete(remote_token_name("EXCH01"))
    runner._tick()
    waiting = read_job(studio, job_id)
    assert (waiting.state, waiting.attempts) == ("pending", 1)
    assert waiting.error == "EXCH01 has no address or token (is it running?)"
    tick_until(runner, lambda: read_job(studio, job_id).state == "failed")
    failed = read_job(studio, job_id)
    assert failed.error == (
        "EXCH01 could not be reached after 3 attempts: "
        "EXCH01 has no address or token (is it running?)"
    )
    assert failed.local_failure and failed.remote_id is None


def test_a_job_waiting_out_its_back_off_is_left_alone_until_then(
    studio: Studio, admin: Actor, remote: InProcessStub
) -> None:
    patient = JobRunner(studio, admin, poll_s=0.0, backoff=(60.0,))
    try:
        job_id = subscribe_on_exch01(studio, admin)
        studio.secrets.delete(remote_token_name("EXCH01"))
        assert patient._tick() == [job_id]
        before = read_job(studio, job_id)
        assert before.next_attempt_at is not None
        wait = (before.next_attempt_at - before.updated_at).total_seconds()
        assert 59 <= wait <= 61
        studio.secrets.set(remote_token_name("EXCH01"), TOKEN)
        assert patient._tick() == []  # not due for a minute: nothing submitted
        assert read_job(studio, job_id).attempts == 1 and remote.engine.jobs == {}
    finally:
        patient.stop()


def test_a_job_cancelled_before_it_was_submitted_is_cancelled_as_it_is_submitted(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.job_seconds = 30.0
    job_id = subscribe_on_exch01(studio, admin)
    assert cancel_job(studio, admin, job_id).state == "cancelling"
    tick_until(runner, lambda: read_job(studio, job_id).state == "cancelled")
    job = read_job(studio, job_id)
    assert job.remote_id and remote.engine.jobs[job.remote_id].state.value == "cancelled"
    assert remote.resources() == []


def test_a_reseller_suspended_and_activated_again_meanwhile_needs_no_follow_up(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job_id = subscribe_on_exch01(studio, admin)
    sub = read_subscription(studio, read_job(studio, job_id))
    set_reseller_status(studio, admin, sub.reseller_id, "suspended")
    set_reseller_status(studio, admin, sub.reseller_id, "active")
    tick_until(runner, lambda: read_job(studio, job_id).state == "succeeded")
    runner._tick()
    assert [j.id for j in read_jobs(studio)] == [job_id]
    assert read_subscription(studio, read_job(studio, job_id)).status == "active"


def test_a_job_that_finished_before_its_cancel_arrived_is_recorded_as_it_ended(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    """The server answers 409 to a cancel of a finished job: the runner reads the job
    instead, so a resource the server made is never lost from the studio's records."""
    job_id = subscribe_on_exch01(studio, admin)
    runner._tick()
    remote_id = read_job(studio, job_id).remote_id or ""
    assert cancel_job(studio, admin, job_id).state == "cancelling"
    deadline = time.monotonic() + 5
    while not remote.engine.job(remote_id).state.finished:  # type: ignore[union-attr]
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert runner._tick() == [job_id]
    job = read_job(studio, job_id)
    [resource] = remote.resources()
    assert job.state == "succeeded"
    assert read_subscription(studio, job).resource_id == resource["id"]
