"""What the runner writes when a server reports on a job: a report that changes
nothing writes nothing, a success without its resource is not taken, a cancelling job
stays cancelling until it ends, each ending is an audit event on its reseller, a job
given up here and found finished is corrected, an add-on's quotas are held once its job
succeeds, and a subscription follows its reseller and its end customer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event

from studio.context import Studio
from studio.db.models import Addon, ProvisioningJob, Subscription
from studio.domain.actors import Actor
from studio.provisioning.client import JobInfo
from studio.provisioning.protocol import JobState, Mode
from studio.provisioning.runner import JobRunner, _Outcome
from studio.services import customer_plans, customer_sales, customers
from studio.services.customer_plans import PlanInput
from studio.services.customer_sales import SaleInput
from studio.services.jobs import cancel_job, retry_job
from studio.services.resellers import set_reseller_status
from studio.services.subscriptions import SubscribeInput, add_addon, subscribe_reseller
from tests.support.in_process_stub import (
    QUOTAS,
    InProcessStub,
    audit_rows,
    read_job,
    read_jobs,
    read_subscription,
    subscribe_on_exch01,
    tick_until,
)
from tests.support.panel import customer, make_reseller, sign_in


def _report(job: ProvisioningJob, state: JobState, **changes: object) -> JobInfo:
    """The server's report on ``job``: as the studio knows it, in ``state``."""
    values: dict[str, object] = {
        "id": job.remote_id or "",
        "idempotency_key": job.idempotency_key,
        "operation": job.operation,
        "service": job.service,
        "parameters": dict(job.parameters),
        "state": state,
        "progress": job.progress,
        "result": None,
        "error": None,
    }
    values.update(changes)
    return JobInfo(**values)  # type: ignore[arg-type]


def _submitted(studio: Studio, admin: Actor, runner: JobRunner, n: int = 1) -> ProvisioningJob:
    job_id = subscribe_on_exch01(studio, admin, n)
    runner._tick()
    return read_job(studio, job_id)


def test_a_report_that_changes_nothing_writes_nothing(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.job_seconds = 30.0
    job = _submitted(studio, admin, runner)
    same = _report(job, JobState(job.state.value))
    assert runner._apply([_Outcome(job.id, info=same)]) == []
    assert runner._apply([_Outcome(job.id, info=_report(job, same.state, progress=50))]) == [job.id]
    assert read_job(studio, job.id).progress == 50


def test_a_success_without_its_resource_is_not_taken_the_next_poll_completes_it(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job = _submitted(studio, admin, runner)
    half_written = _report(job, JobState.SUCCEEDED, result={})
    assert runner._apply([_Outcome(job.id, info=half_written)]) == []
    unchanged = read_job(studio, job.id)
    assert (unchanged.state, unchanged.finished_at) == (job.state, None)
    assert read_subscription(studio, job).status == "pending"
    tick_until(runner, lambda: read_job(studio, job.id).state == "succeeded")
    assert read_subscription(studio, job).resource_id


def test_a_cancelling_job_reported_running_stays_cancelling(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.job_seconds = 30.0
    job = _submitted(studio, admin, runner)
    cancel_job(studio, admin, job.id)
    runner._apply([_Outcome(job.id, info=_report(job, JobState.RUNNING, progress=40))])
    still = read_job(studio, job.id)
    assert (still.state, still.progress) == ("cancelling", 40)


def test_a_failure_reported_without_a_reason_is_said_so(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job = _submitted(studio, admin, runner)
    runner._apply([_Outcome(job.id, info=_report(job, JobState.FAILED))])
    failed = read_job(studio, job.id)
    assert failed.error == "the server reported a failure without a reason"
    assert read_subscription(studio, job).status == "failed"


def test_each_ending_is_an_audit_event_on_its_reseller(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.job_seconds = 30.0
    cancelled = _submitted(studio, admin, runner, 1)
    failed = _submitted(studio, admin, runner, 2)
    cancel_job(studio, admin, cancelled.id)
    runner._apply([_Outcome(failed.id, failure="EXCH01 refused the job: no")])
    tick_until(runner, lambda: read_job(studio, cancelled.id).state == "cancelled")
    for action, job in (
        ("provisioning_job.cancelled", cancelled),
        ("provisioning_job.fail", failed),
    ):
        [row] = audit_rows(studio, action)
        reseller_id = read_subscription(studio, job).reseller_id
        assert (row.entity, row.entity_id) == ("reseller", str(reseller_id))
    [row] = audit_rows(studio, "provisioning_job.cancelled")
    assert row.summary == (
        f"job {cancelled.id} (provision exchange on EXCH01): cancelled on the server"
    )


def test_reports_on_jobs_gone_or_ended_meanwhile_are_passed_over_not_the_rest(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    """Between a tick's read and its write another studio may have ended or removed a
    job: its report is left, and the reports after it are still written."""
    remote.engine.job_seconds = 30.0
    ended = _submitted(studio, admin, runner, 1)
    running = _submitted(studio, admin, runner, 2)
    runner._apply([_Outcome(ended.id, failure="ended by another studio")])
    changed = runner._apply(
        [
            _Outcome(999_999, info=_report(running, JobState.RUNNING, progress=10)),
            _Outcome(ended.id, info=_report(ended, JobState.SUCCEEDED, result={"a": 1})),
            _Outcome(running.id, info=_report(running, JobState.RUNNING, progress=30)),
        ]
    )
    assert changed == [running.id]
    assert read_job(studio, ended.id).state == "failed"
    assert read_job(studio, running.id).progress == 30


def test_a_finished_job_is_no_longer_remembered_for_polling(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job_id = subscribe_on_exch01(studio, admin)
    runner._tick()
    assert job_id in runner._next_poll
    tick_until(runner, lambda: read_job(studio, job_id).state == "succeeded")
    assert job_id not in runner._next_poll


def _give_up(studio: Studio, runner: JobRunner, remote: InProcessStub, *job_ids: int) -> None:
    remote.engine.faults.mode = Mode.UNAVAILABLE
    tick_until(runner, lambda: all(read_job(studio, i).state == "failed" for i in job_ids))
    remote.engine.faults.mode = Mode.NORMAL


def test_jobs_given_up_here_are_each_corrected_in_one_tick(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.job_seconds = 30.0
    first, second = (_submitted(studio, admin, runner, n).id for n in (1, 2))
    _give_up(studio, runner, remote, first, second)
    remote.hurry()
    assert runner._tick() == [first, second]
    for job_id in (first, second):
        job = read_job(studio, job_id)
        assert (job.state, job.local_failure) == ("succeeded", False)
        assert read_subscription(studio, job).status == "active"
    [row, _other] = audit_rows(studio, "provisioning_job.reconcile")
    reseller_id = read_subscription(studio, read_job(studio, first)).reseller_id
    assert (row.entity, row.entity_id) == ("reseller", str(reseller_id))
    assert runner._tick() == []


def test_a_job_given_up_here_that_failed_there_too_keeps_the_server_s_reason(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.faults.fail_rate = 1.0
    job = _submitted(studio, admin, runner)
    _give_up(studio, runner, remote, job.id)
    assert "could not be reached" in read_job(studio, job.id).error
    remote.hurry()
    assert runner._tick() == [job.id]
    found = read_job(studio, job.id)
    assert (found.state, found.local_failure) == ("failed", False)
    assert "simulated failure" in found.error
    assert runner._tick() == []


def test_a_job_given_up_here_still_running_there_is_left_until_it_ends(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.job_seconds = 30.0
    job = _submitted(studio, admin, runner)
    _give_up(studio, runner, remote, job.id)
    assert runner._tick() == []
    assert read_job(studio, job.id).local_failure


def test_a_report_for_a_job_retried_meanwhile_does_not_correct_it(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job = _submitted(studio, admin, runner)
    with studio.unit_of_work() as session:
        row = session.get(ProvisioningJob, job.id)
        assert row is not None
        row.state, row.local_failure = "pending", True  # type: ignore[assignment]
        done = _report(row, JobState.SUCCEEDED, result={"resource_id": "r-1"})
        assert runner._reconcile(session, row, done) is False
        assert (row.state, row.local_failure) == ("pending", True)


def test_a_job_found_finished_after_its_reseller_was_suspended_is_followed(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job = _submitted(studio, admin, runner)
    _give_up(studio, runner, remote, job.id)
    set_reseller_status(studio, admin, read_subscription(studio, job).reseller_id, "suspended")
    remote.hurry()
    runner._tick()
    follow = [j for j in read_jobs(studio) if j.id != job.id]
    assert [(j.operation, j.subscription_id) for j in follow] == [("suspend", job.subscription_id)]


def test_a_reseller_active_again_while_its_subscription_was_suspended_is_resumed_next(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job_id = subscribe_on_exch01(studio, admin)
    tick_until(runner, lambda: read_job(studio, job_id).state == "succeeded")
    reseller_id = read_subscription(studio, read_job(studio, job_id)).reseller_id
    remote.engine.job_seconds = 30.0
    set_reseller_status(studio, admin, reseller_id, "suspended")
    [suspend] = [j for j in read_jobs(studio) if j.operation == "suspend"]
    runner._tick()
    set_reseller_status(studio, admin, reseller_id, "active")  # while it is suspended
    remote.hurry()
    tick_until(runner, lambda: read_job(studio, suspend.id).state == "succeeded")
    assert [j.operation for j in read_jobs(studio)] == ["provision", "suspend", "resume"]
    remote.engine.job_seconds = 0.05
    tick_until(runner, lambda: read_jobs(studio)[-1].state == "succeeded")
    assert read_subscription(studio, suspend).status == "active"


def test_an_addon_s_quotas_are_held_once_its_job_succeeds(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job_id = subscribe_on_exch01(studio, admin)
    tick_until(runner, lambda: read_job(studio, job_id).state == "succeeded")
    sub_id = read_job(studio, job_id).subscription_id
    with studio.unit_of_work() as session:
        addon = Addon(name="Five more", service="exchange", quotas={"mailboxes": 5})
        addon.updated_by = "test"
        session.add(addon)
        session.flush()
        addon_id = addon.id
    update = add_addon(studio, admin, sub_id, addon_id)
    tick_until(runner, lambda: read_job(studio, update.id).state == "succeeded")
    with studio.unit_of_work() as session:
        sub = session.get(Subscription, sub_id)
        assert sub is not None
        assert (sub.status, sub.quotas) == ("active", {"mailboxes": 10, "mailbox_size_mb": 1024})
    [resource] = remote.resources()
    assert resource["quotas"] == {"mailboxes": 10, "mailbox_size_mb": 1024}


@pytest.fixture
def sale(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> Iterator[tuple[Actor, int, int]]:
    """Reseller 1's subscription provisioned; a customer's sale of 2 mailboxes written,
    its job not yet run: (the reseller signed in, the customer, the sale's job)."""
    reseller = make_reseller(studio, admin)
    view = subscribe_reseller(
        studio, admin, SubscribeInput(reseller.id, "exchange", "EXCH01", QUOTAS)
    )
    assert view.job is not None
    first = view.job.id
    tick_until(runner, lambda: read_job(studio, first).state == "succeeded")
    actor = sign_in(studio, "reseller1")
    quotas = {"mailboxes": "2", "mailbox_size_mb": "512"}
    plan = customer_plans.create_plan(studio, actor, PlanInput("Two", view.id, quotas, "1"))
    buyer = customers.create_customer(studio, actor, customer(1))
    sold = customer_sales.subscribe_customer(studio, actor, SaleInput(buyer.id, plan_id=plan.id))
    [job] = [j for j in read_jobs(studio) if j.subscription_id == sold.id]
    yield actor, buyer.id, job.id


@pytest.mark.parametrize(
    ("status", "operation"), [("suspended", "suspend"), ("deleted", "deprovision")]
)
def test_a_sale_provisioned_while_its_customer_changed_follows_the_customer(
    studio: Studio,
    remote: InProcessStub,
    runner: JobRunner,
    sale: tuple[Actor, int, int],
    *,
    status: str,
    operation: str,
) -> None:
    actor, customer_id, job_id = sale
    customers.set_customer_status(studio, actor, customer_id, status)
    tick_until(runner, lambda: read_job(studio, job_id).state == "succeeded")
    sub_id = read_job(studio, job_id).subscription_id
    follow = [j for j in read_jobs(studio) if j.subscription_id == sub_id and j.id != job_id]
    assert [j.operation for j in follow] == [operation]


def test_a_sale_provisioned_for_an_active_customer_needs_no_follow_up(
    studio: Studio, remote: InProcessStub, runner: JobRunner, sale: tuple[Actor, int, int]
) -> None:
    _actor, _customer_id, job_id = sale
    tick_until(runner, lambda: read_job(studio, job_id).state == "succeeded")
    runner._tick()
    assert read_jobs(studio)[-1].id == job_id
    assert read_subscription(studio, read_job(studio, job_id)).status == "active"


def _selects(studio: Studio, runner: JobRunner) -> int:
    """The SELECT statements one tick sends to the database."""
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(studio.engine, "before_cursor_execute", count)
    try:
        runner._tick()
    finally:
        event.remove(studio.engine, "before_cursor_execute", count)
    return len(seen)


def test_a_tick_ending_many_jobs_reads_their_owners_in_as_many_queries_as_for_one(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.job_seconds = 30.0
    one = [_submitted(studio, admin, runner, 1).id]
    remote.hurry()
    for_one = _selects(studio, runner)
    assert read_job(studio, one[0]).state == "succeeded"
    many = [_submitted(studio, admin, runner, n).id for n in (2, 3, 4)]
    remote.hurry()
    assert _selects(studio, runner) == for_one
    assert all(read_job(studio, i).state == "succeeded" for i in many)


def test_a_half_written_success_found_while_reconciling_is_not_taken(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    job = _submitted(studio, admin, runner)
    _give_up(studio, runner, remote, job.id)
    given_up = read_job(studio, job.id)
    half_written = _report(given_up, JobState.SUCCEEDED, result={})
    assert runner._apply([_Outcome(job.id, info=half_written, reconcile=True)]) == []
    still = read_job(studio, job.id)
    assert (still.state, still.local_failure) == ("failed", True)
    assert read_subscription(studio, job).resource_id is None


def test_a_correction_is_audited_in_words(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    remote.engine.job_seconds = 30.0
    job = _submitted(studio, admin, runner)
    _give_up(studio, runner, remote, job.id)
    remote.hurry()
    runner._tick()
    [row] = audit_rows(studio, "provisioning_job.reconcile")
    assert row.summary == (
        f"job {job.id}: EXCH01 finished it after it had been given up here; "
        "exchange on EXCH01 is active"
    )


def test_a_retried_job_its_server_forgot_is_submitted_again_under_its_key(
    studio: Studio, admin: Actor, remote: InProcessStub, runner: JobRunner
) -> None:
    """Given up here after the server accepted it, then Retry: the job is pending with
    the server's id still recorded. It is submitted again (same key), not asked about:
    a server that lost it (started again without its state) makes it anew."""
    remote.engine.job_seconds = 30.0
    job = _submitted(studio, admin, runner)
    _give_up(studio, runner, remote, job.id)
    remote.forget_jobs()
    remote.engine.job_seconds = 0.05
    retried = retry_job(studio, admin, job.id)
    assert (retried.id, retried.state) == (job.id, "pending")
    assert read_job(studio, job.id).remote_id == job.remote_id
    tick_until(runner, lambda: read_job(studio, job.id).state == "succeeded")
    assert list(remote.engine.by_key) == [job.idempotency_key]
    assert read_subscription(studio, job).status == "active"
