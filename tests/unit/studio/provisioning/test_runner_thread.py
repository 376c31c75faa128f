"""The runner's own threads: named for the log, never keeping the program alive,
surviving a tick that fails, woken early yet paced, talking to the servers with at most
``concurrency`` calls at once, and gone when stopped."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from studio.context import Studio
from studio.domain.actors import Actor
from studio.errors import DatabaseError
from studio.provisioning.client import ProvisioningClient
from studio.provisioning.runner import JobRunner, rest_after_wake
from tests.support.in_process_stub import InProcessStub, read_job, subscribe_on_exch01


@pytest.mark.parametrize(
    ("poll_s", "tick_s", "rest"),
    [(0.2, 0.01, 0.04), (0.2, 0.05, 0.0), (0.2, 0.06, 0.0), (0.2, 1.0, 0.0), (2.0, 0.1, 0.4)],
)
def test_after_an_early_wake_ticks_come_at_most_every_quarter_poll(
    poll_s: float, tick_s: float, rest: float
) -> None:
    assert rest_after_wake(poll_s, tick_s) == pytest.approx(rest)


def test_the_runner_s_threads_are_named_for_the_log_and_end_with_the_program(
    studio: Studio, admin: Actor, remote: InProcessStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted_on: list[str] = []
    real = ProvisioningClient.submit_job

    def spy(self: ProvisioningClient, *args: Any) -> Any:
        submitted_on.append(threading.current_thread().name)
        return real(self, *args)

    monkeypatch.setattr(ProvisioningClient, "submit_job", spy)
    heard_on: list[str] = []
    runner = JobRunner(
        studio,
        admin,
        poll_s=0.02,
        listener=lambda _id: heard_on.append(threading.current_thread().name),
    )
    try:
        job_id = subscribe_on_exch01(studio, admin)
        thread = runner.start()._thread
        assert runner.start()._thread is thread  # started once
        assert thread is not None and thread.daemon
        assert runner.run_until(lambda: read_job(studio, job_id).state == "succeeded", 10.0)
    finally:
        runner.stop()
    assert set(heard_on) == {"job-runner"}
    assert [name.rsplit("_", 1)[0] for name in submitted_on] == ["job"]


def test_stopping_ends_every_thread_of_the_runner(
    studio: Studio, admin: Actor, remote: InProcessStub
) -> None:
    runner = JobRunner(studio, admin, poll_s=0.02)
    job_id = subscribe_on_exch01(studio, admin)
    assert runner.run_until(lambda: read_job(studio, job_id).state == "succeeded", 10.0)
    workers = list(runner._pool._threads)
    runner.stop()
    assert runner._thread is not None and not runner._thread.is_alive()
    assert workers and not any(worker.is_alive() for worker in workers)


@pytest.mark.parametrize("failure", [DatabaseError("database is locked"), RuntimeError("bug")])
def test_a_tick_that_fails_does_not_stop_the_runner(
    studio: Studio,
    admin: Actor,
    remote: InProcessStub,
    monkeypatch: pytest.MonkeyPatch,
    *,
    failure: Exception,
) -> None:
    runner = JobRunner(studio, admin, poll_s=0.02)
    real = runner._tick
    failures = [failure]

    def tick() -> list[int]:
        if failures:
            raise failures.pop()
        return real()

    monkeypatch.setattr(runner, "_tick", tick)
    try:
        job_id = subscribe_on_exch01(studio, admin)
        assert runner.run_until(lambda: read_job(studio, job_id).state == "succeeded", 10.0)
    finally:
        runner.stop()
    assert failures == []


def test_a_wake_during_a_long_poll_is_answered_at_once(
    studio: Studio, admin: Actor, remote: InProcessStub
) -> None:
    """Woken while resting between polls of two seconds, the runner submits the new
    job after the short pause it takes after an early wake (a quarter of a poll), and
    goes on."""
    runner = JobRunner(studio, admin, poll_s=2.0).start()
    try:
        time.sleep(0.1)  # the first tick found nothing; resting now
        job_id = subscribe_on_exch01(studio, admin)
        runner.wake()
        assert runner.run_until(lambda: read_job(studio, job_id).remote_id is not None, 10.0)
        assert runner._thread is not None and runner._thread.is_alive()
    finally:
        runner.stop()


def test_at_most_concurrency_calls_go_to_the_servers_at_once(
    studio: Studio, admin: Actor, remote: InProcessStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = threading.Lock()
    in_flight = [0]
    most = [0]
    real = ProvisioningClient.submit_job

    def slow(self: ProvisioningClient, *args: Any) -> Any:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.2)
        try:
            return real(self, *args)
        finally:
            with lock:
                in_flight[0] -= 1

    monkeypatch.setattr(ProvisioningClient, "submit_job", slow)
    runner = JobRunner(studio, admin, concurrency=2, poll_s=0.0)
    try:
        ids = [subscribe_on_exch01(studio, admin, n) for n in (1, 2, 3, 4)]
        assert runner._tick() == ids
    finally:
        runner.stop()
    assert most == [2]
