"""Several studios on one database: each job runner claims the jobs it works on for a
lease it renews, so every job is submitted by one runner only; a runner whose studio
died is taken over once its lease has run out; the same studio started again goes on
with its own jobs at once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from studio.context import Studio
from studio.db.models import ProvisioningJob
from studio.domain.actors import Actor
from studio.provisioning.client import ProvisioningClient
from studio.provisioning.runner import JobRunner, runner_identity
from tests.support.in_process_stub import (
    InProcessStub,
    read_job,
    read_jobs,
    subscribe_on_exch01,
    tick_until,
)


@pytest.fixture
def submissions(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each idempotency key was submitted, by any runner."""
    counted: Counter[str] = Counter()
    lock = threading.Lock()
    real = ProvisioningClient.submit_job

    def count(self: ProvisioningClient, key: str, *args: Any) -> Any:
        with lock:
            counted[key] += 1
        return real(self, key, *args)

    monkeypatch.setattr(ProvisioningClient, "submit_job", count)
    return counted


@pytest.fixture
def two_studios(studio: Studio, admin: Actor) -> Iterator[tuple[JobRunner, JobRunner]]:
    """The runners of two studios on the one database (another host each)."""
    made = tuple(
        JobRunner(studio, admin, poll_s=0.0, backoff=(0.0,), identity=f"host-{name} folder")
        for name in "ab"
    )
    yield made  # type: ignore[misc]
    for runner in made:
        runner.stop()


def test_a_job_claimed_by_one_studio_is_left_to_it_by_the_other(
    studio: Studio,
    admin: Actor,
    remote: InProcessStub,
    two_studios: tuple[JobRunner, JobRunner],
    submissions: Counter[str],
) -> None:
    first, second = two_studios
    remote.engine.job_seconds = 30.0
    job_id = subscribe_on_exch01(studio, admin)
    assert first._tick() == [job_id]
    assert second._due() == [] and second._tick() == []
    held = read_job(studio, job_id)
    assert held.claimed_by == "host-a folder" and held.claimed_until is not None
    assert list(submissions.values()) == [1]


def test_a_dead_studio_s_jobs_are_taken_over_when_its_lease_runs_out(
    studio: Studio, admin: Actor, remote: InProcessStub, submissions: Counter[str]
) -> None:
    remote.engine.job_seconds = 30.0
    dead = JobRunner(studio, admin, poll_s=0.0, lease_s=0.3, identity="host-a folder")
    alive = JobRunner(studio, admin, poll_s=0.0, identity="host-b folder")
    try:
        job_id = subscribe_on_exch01(studio, admin)
        dead._tick()  # submitted; then its studio dies and renews nothing
        assert alive._tick() == []
        time.sleep(0.4)
        remote.hurry()
        tick_until(alive, lambda: read_job(studio, job_id).state == "succeeded")
    finally:
        dead.stop()
        alive.stop()
    assert read_job(studio, job_id).claimed_by == "host-b folder"
    assert list(submissions.values()) == [1]  # taken over by asking, not by submitting


def test_the_same_studio_started_again_goes_on_with_its_jobs_at_once(
    studio: Studio, admin: Actor, remote: InProcessStub
) -> None:
    remote.engine.job_seconds = 30.0
    before = JobRunner(studio, admin, poll_s=0.0)
    job_id = subscribe_on_exch01(studio, admin)
    before._tick()
    before.stop()
    again = JobRunner(studio, admin, poll_s=0.0)
    try:
        assert again.identity == before.identity == runner_identity(studio)
        assert [snap.id for snap in again._due()] == [job_id]
    finally:
        again.stop()


def test_two_studios_running_at_once_submit_every_job_once(
    studio: Studio, admin: Actor, remote: InProcessStub, submissions: Counter[str]
) -> None:
    runners = [
        JobRunner(studio, admin, poll_s=0.02, identity=f"host-{name} folder") for name in "ab"
    ]
    try:
        ids = [subscribe_on_exch01(studio, admin, n) for n in range(1, 11)]
        for runner in runners:
            runner.start().wake()
        assert runners[0].run_until(
            lambda: all(job.state == "succeeded" for job in read_jobs(studio)), 30.0
        )
    finally:
        for runner in runners:
            runner.stop()
    assert len(submissions) == len(ids) and set(submissions.values()) == {1}
    assert len(remote.resources()) == len(ids)


def test_a_runner_renews_its_lease_on_the_jobs_it_holds(
    studio: Studio, admin: Actor, remote: InProcessStub
) -> None:
    remote.engine.job_seconds = 30.0
    runner = JobRunner(studio, admin, poll_s=0.0, lease_s=60.0)
    try:
        job_id = subscribe_on_exch01(studio, admin)
        runner._tick()
        first = read_job(studio, job_id).claimed_until
        time.sleep(0.05)
        runner._tick()
        renewed = read_job(studio, job_id)
        assert first is not None and renewed.claimed_until is not None
        assert renewed.claimed_until > first
        assert renewed.updated_at < first  # a lease is not a change of the job
    finally:
        runner.stop()


def test_a_tick_renews_the_jobs_it_holds_not_those_that_ended_nor_others(
    studio: Studio, admin: Actor, remote: InProcessStub
) -> None:
    """A job held but not due this tick (its next poll a minute away) keeps its claim;
    a job that ended keeps the claim it had; a job not wanted is not claimed; and a
    renewal is not a change of the job (``updated_at`` stays)."""
    remote.engine.job_seconds = 30.0
    runner = JobRunner(studio, admin, poll_s=60.0, lease_s=60.0)
    try:
        held = subscribe_on_exch01(studio, admin, 1)
        ended = subscribe_on_exch01(studio, admin, 2)
        runner._tick()
        with studio.unit_of_work() as session:
            done = session.get(ProvisioningJob, ended)
            assert done is not None
            done.state = "succeeded"  # type: ignore[assignment]
        other = subscribe_on_exch01(studio, admin, 3)
        with studio.unit_of_work() as session:  # another studio holds this one
            taken = session.get(ProvisioningJob, other)
            assert taken is not None
            taken.claimed_by = "host-b folder"
            taken.claimed_until = read_job(studio, held).claimed_until
        before = {job_id: read_job(studio, job_id) for job_id in (held, ended, other)}
        time.sleep(0.05)
        fresh = subscribe_on_exch01(studio, admin, 4)
        assert runner._tick() == [fresh]  # only the new job was due
        after = {job_id: read_job(studio, job_id) for job_id in (held, ended, other)}
    finally:
        runner.stop()
    renewed, kept, left = after[held], after[ended], after[other]
    first_claim, renewal = before[held].claimed_until, renewed.claimed_until
    assert first_claim is not None and renewal is not None and renewal > first_claim
    assert renewed.updated_at == before[held].updated_at
    assert kept.claimed_until == before[ended].claimed_until
    assert (left.claimed_by, left.claimed_until) == ("host-b folder", before[other].claimed_until)
