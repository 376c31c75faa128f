"""Which jobs a tick talks about, and how: a running job is asked about once per
``poll_s``, a new or cancelled one at once, a given-up one once per ``reconcile_s``; all
of a server's jobs in one ``POST /v1/jobs/query``, job by job on a server without it; a
job the server no longer knows fails with those words; one HTTP client per server,
reused until its address moves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from studio.context import Studio
from studio.db.models import RemoteServer
from studio.domain.actors import Actor
from studio.domain.server_rules import RemoteServerInput
from studio.provisioning import runner as runner_module
from studio.provisioning.client import JobInfo, ProvisioningClient, RequestRejected
from studio.provisioning.protocol import Mode
from studio.provisioning.runner import REQUEST_TIMEOUT_S, JobRunner, _NotRunning
from studio.security.keyring_store import remote_token_name
from studio.services.jobs import cancel_job
from studio.services.servers import update_remote_server
from tests.support.in_process_stub import (
    TOKEN,
    InProcessStub,
    read_job,
    subscribe_on_exch01,
    tick_until,
)

Calls = list[tuple[str, Any]]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Every call the studio's client makes to a server: (method, its argument)."""
    made: Calls = []

    def spy(name: str) -> None:
        real: Callable[..., Any] = getattr(ProvisioningClient, name)

        def recorded(self: ProvisioningClient, *args: Any) -> Any:
            made.append((name, args[0] if args else None))
            return real(self, *args)

        monkeypatch.setattr(ProvisioningClient, name, recorded)

    for name in ("submit_job", "job", "jobs", "cancel"):
        spy(name)
    return made


@pytest.fixture
def patient(studio: Studio, admin: Actor) -> Iterator[JobRunner]:
    """A runner that asks about a running job once a minute, and about a given-up one
    once an hour; failed calls are retried at once."""
    made = JobRunner(studio, admin, poll_s=60.0, backoff=(0.0, 0.0), reconcile_s=3600.0)
    yield made
    made.stop()


def _named(calls: Calls, name: str) -> list[Any]:
    return [arg for method, arg in calls if method == name]


def test_a_running_job_is_asked_about_once_per_poll_not_at_every_tick(
    studio: Studio, admin: Actor, remote: InProcessStub, patient: JobRunner, calls: Calls
) -> None:
    job_id = subscribe_on_exch01(studio, admin)
    assert patient._tick() == [job_id]
    assert patient._tick() == []
    assert _named(calls, "jobs") == [] and len(_named(calls, "submit_job")) == 1
    assert patient._due() == []


def test_a_runner_started_again_asks_about_running_jobs_at_once(
    studio: Studio, admin: Actor, remote: InProcessStub, patient: JobRunner, calls: Calls
) -> None:
    """The next poll is kept in memory: a new runner (the studio started again) knows
    nothing of it, and asks about every running job straight away."""
    job_id = subscribe_on_exch01(studio, admin)
    patient._tick()
    remote_id = read_job(studio, job_id).remote_id
    again = JobRunner(studio, admin, poll_s=60.0)
    try:
        assert [snap.id for snap in again._due()] == [job_id]
        again._tick()
    finally:
        again.stop()
    assert _named(calls, "jobs") == [[remote_id]]


def test_a_cancelled_job_is_cancelled_at_the_next_tick_whenever_its_poll_is_due(
    studio: Studio, admin: Actor, remote: InProcessStub, patient: JobRunner
) -> None:
    remote.engine.job_seconds = 30.0
    job_id = subscribe_on_exch01(studio, admin)
    patient._tick()
    cancel_job(studio, admin, job_id)
    assert patient._tick() == [job_id]
    assert read_job(studio, job_id).state == "cancelled"


def test_a_job_cancelled_before_submission_is_cancelled_by_the_same_tick(
    studio: Studio, admin: Actor, remote: InProcessStub, patient: JobRunner, calls: Calls
) -> None:
    remote.engine.job_seconds = 30.0
    job_id = subscribe_on_exch01(studio, admin)
    cancel_job(studio, admin, job_id)
    assert patient._tick() == [job_id]
    job = read_job(studio, job_id)
    assert job.state == "cancelled" and _named(calls, "cancel") == [job.remote_id]


def test_a_job_waiting_to_be_submitted_again_is_not_held_back_by_its_poll(
    studio: Studio, admin: Actor, remote: InProcessStub, patient: JobRunner
) -> None:
    job_id = subscribe_on_exch01(studio, admin)
    studio.secrets.delete(remote_token_name("EXCH01"))
    patient._tick()
    assert read_job(studio, job_id).attempts == 1
    studio.secrets.set(remote_token_name("EXCH01"), TOKEN)
    patient._clients.forget()
    assert patient._tick() == [job_id]
    assert read_job(studio, job_id).remote_id


def test_a_given_up_job_is_asked_about_once_per_reconcile_period(
    studio: Studio, admin: Actor, remote: InProcessStub, patient: JobRunner, calls: Calls
) -> None:
    job_id = subscribe_on_exch01(studio, admin)
    patient._tick()
    remote.engine.faults.mode = Mode.UNAVAILABLE
    for _ in range(3):  # two retries, then given up
        patient._next_poll.clear()
        patient._tick()
    assert read_job(studio, job_id).local_failure
    remote.engine.faults.mode = Mode.NORMAL
    calls.clear()
    assert [(snap.id, snap.reconcile) for snap in patient._due()] == [(job_id, True)]
    assert patient._due() == []  # asked; not again for an hour
    assert _named(calls, "jobs") == []


def test_a_given_up_job_whose_server_is_still_down_stays_as_it_is(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job_id = subscribe_on_exch01(studio, admin)
    runner._tick()
    remote.engine.faults.mode = Mode.UNAVAILABLE
    tick_until(runner, lambda: read_job(studio, job_id).state == "failed")
    before = read_job(studio, job_id)
    assert runner._tick() == []
    after = read_job(studio, job_id)
    assert (after.state, after.local_failure, after.error, after.attempts) == (
        "failed",
        True,
        before.error,
        before.attempts,
    )


def test_only_unfinished_and_given_up_jobs_are_due(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    """A job that ended, one the server failed, and one given up before the server ever
    had it are never asked about again."""
    done = subscribe_on_exch01(studio, admin, 1)
    tick_until(runner, lambda: read_job(studio, done).state == "succeeded")
    remote.engine.faults.fail_rate = 1.0
    refused = subscribe_on_exch01(studio, admin, 2)
    tick_until(runner, lambda: read_job(studio, refused).state == "failed")
    remote.engine.faults.fail_rate = 0.0
    never_sent = subscribe_on_exch01(studio, admin, 3)
    studio.secrets.delete(remote_token_name("EXCH01"))
    runner._clients.forget()
    tick_until(runner, lambda: read_job(studio, never_sent).state == "failed")
    assert read_job(studio, never_sent).local_failure
    assert runner._due() == []


def test_the_jobs_of_one_server_are_asked_about_in_one_call_each_once(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner, calls: Calls
) -> None:
    remote.engine.job_seconds = 30.0
    ids = [subscribe_on_exch01(studio, admin, n) for n in (1, 2, 3)]
    assert runner._tick() == ids
    calls.clear()
    remote.hurry()
    assert runner._tick() == ids  # each once, in the order they were made
    [asked] = _named(calls, "jobs")
    assert sorted(asked) == sorted(str(read_job(studio, i).remote_id) for i in ids)
    assert all(read_job(studio, i).state == "succeeded" for i in ids)


def test_more_jobs_than_one_call_may_ask_about_are_split(
    studio: Studio,
    admin: Actor,
    remote: InProcessStub,
    runner: JobRunner,
    *,
    calls: Calls,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner_module, "QUERY_BATCH", 2)
    remote.engine.job_seconds = 30.0
    for n in (1, 2, 3):
        subscribe_on_exch01(studio, admin, n)
    runner._tick()
    calls.clear()
    runner._tick()
    assert [len(asked) for asked in _named(calls, "jobs")] == [2, 1]


def _without_query(monkeypatch: pytest.MonkeyPatch, status: int) -> None:
    """The servers answer ``POST /v1/jobs/query`` with ``status`` (an older server)."""

    def refuse(self: ProvisioningClient, job_ids: list[str]) -> list[JobInfo]:
        raise RequestRejected(status, "not_found", "no such path", None)

    monkeypatch.setattr(ProvisioningClient, "jobs", refuse)


def test_a_server_without_the_query_call_is_asked_job_by_job_and_remembered(
    studio: Studio,
    admin: Actor,
    remote: InProcessStub,
    runner: JobRunner,
    *,
    calls: Calls,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _without_query(monkeypatch, 404)
    remote.engine.job_seconds = 30.0
    first, second = (subscribe_on_exch01(studio, admin, n) for n in (1, 2))
    runner._tick()
    remote.hurry()
    assert runner._tick() == [first, second]
    assert runner._no_batch == {"EXCH01"}
    assert sorted(_named(calls, "job")) == sorted(
        str(read_job(studio, i).remote_id) for i in (first, second)
    )
    assert all(read_job(studio, i).state == "succeeded" for i in (first, second))


def test_a_job_a_server_without_the_query_call_forgot_fails_alone(
    studio: Studio,
    admin: Actor,
    remote: InProcessStub,
    runner: JobRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _without_query(monkeypatch, 404)
    remote.engine.job_seconds = 30.0
    forgotten, kept = (subscribe_on_exch01(studio, admin, n) for n in (1, 2))
    runner._tick()
    lost = read_job(studio, forgotten).remote_id or ""
    remote.forget_job(lost)
    runner._tick()
    assert read_job(studio, forgotten).error == f"EXCH01 no longer knows job {lost}"
    assert read_job(studio, kept).state in ("queued", "running")


def test_any_other_refusal_of_the_query_call_fails_the_jobs_with_the_server_s_words(
    studio: Studio,
    admin: Actor,
    remote: InProcessStub,
    runner: JobRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _without_query(monkeypatch, 405)
    job_id = subscribe_on_exch01(studio, admin)
    runner._tick()
    assert runner._tick() == [job_id]
    job = read_job(studio, job_id)
    assert (job.state, job.error) == ("failed", "EXCH01 refused the job: no such path")
    assert runner._no_batch == set()


def test_a_job_the_server_no_longer_knows_fails_with_those_words(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.job_seconds = 30.0
    job_id = subscribe_on_exch01(studio, admin)
    runner._tick()
    lost = read_job(studio, job_id).remote_id or ""
    remote.forget_jobs()
    assert runner._tick() == [job_id]
    job = read_job(studio, job_id)
    assert (job.state, job.error) == ("failed", f"EXCH01 no longer knows job {lost}")


def test_one_client_per_server_reused_until_its_address_moves(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    clients = runner._clients
    first = clients.get("EXCH01")
    assert clients.get("EXCH01") is first
    assert first._http.timeout.read == REQUEST_TIMEOUT_S
    moved = InProcessStub(remote.engine.role, "EXCH01", ("exchange",))
    try:
        with studio.unit_of_work() as session:
            server_id = session.query(RemoteServer.id).filter_by(name="EXCH01").scalar()
        update_remote_server(
            studio,
            admin,
            server_id,
            RemoteServerInput("EXCH01", "127.0.0.1", str(moved.port), ("exchange",), ""),
        )
        assert clients.get("EXCH01") is first  # addresses are read every few seconds
        clients.forget()  # … or at once after a failure
        second = clients.get("EXCH01")
        assert second is not first and second.base_url.endswith(f":{moved.port}")
        assert first._http.is_closed
    finally:
        moved.stop()


def test_a_server_the_studio_does_not_know_has_no_address(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    with pytest.raises(_NotRunning, match="NOPE01 has no address or token"):
        runner._clients.get("NOPE01")


def test_a_cancel_that_cannot_reach_its_server_is_tried_again(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.job_seconds = 30.0
    job_id = subscribe_on_exch01(studio, admin)
    runner._tick()
    cancel_job(studio, admin, job_id)
    remote.engine.faults.mode = Mode.UNAVAILABLE
    assert runner._tick() == [job_id]
    waiting = read_job(studio, job_id)
    assert (waiting.state, waiting.attempts) == ("cancelling", 1)
    assert "unavailable" in waiting.error.lower()
    remote.engine.faults.mode = Mode.NORMAL
    tick_until(runner, lambda: read_job(studio, job_id).state == "cancelled")


def test_an_unexpected_error_while_submitting_is_tried_again_not_lost(
    studio: Studio,
    admin: Actor,
    remote: InProcessStub,
    runner: JobRunner,
    *,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = ProvisioningClient.submit_job
    failures = [RuntimeError("a bug in a client library")]

    def flaky(self: ProvisioningClient, *args: Any) -> Any:
        if failures:
            raise failures.pop()
        return real(self, *args)

    monkeypatch.setattr(ProvisioningClient, "submit_job", flaky)
    job_id = subscribe_on_exch01(studio, admin)
    assert runner._tick() == [job_id]
    waiting = read_job(studio, job_id)
    assert (waiting.state, waiting.attempts, waiting.error) == (
        "pending",
        1,
        "a bug in a client library",
    )
    tick_until(runner, lambda: read_job(studio, job_id).state == "succeeded")


def test_each_retry_waits_the_back_off_of_its_attempt(
    studio: Studio, admin: Actor, remote: InProcessStub
) -> None:
    stepped = JobRunner(studio, admin, poll_s=0.0, backoff=(10.0, 60.0))
    try:
        job_id = subscribe_on_exch01(studio, admin)
        studio.secrets.delete(remote_token_name("EXCH01"))
        stepped._tick()
        first = read_job(studio, job_id)
        assert first.next_attempt_at is not None
        assert 9 <= (first.next_attempt_at - first.updated_at).total_seconds() <= 11
    finally:
        stepped.stop()
