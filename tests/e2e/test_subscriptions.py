"""Subscribe As Reseller end to end: the job runner against stubs running as processes."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from sqlalchemy import func, insert, select

from studio.context import Studio
from studio.db.models import ProvisioningJob, Subscription
from studio.domain.actors import Actor
from studio.domain.server_rules import ProvisioningInput, RemoteServerInput
from studio.errors import FieldError
from studio.provisioning.runner import JobRunner
from studio.services.jobs import cancel_job, get_job, retry_job
from studio.services.resellers import create_reseller
from studio.services.servers import add_remote_server, save_provisioning_settings
from studio.services.subscriptions import (
    PrerequisitesFailed,
    SubscribeInput,
    list_subscriptions,
    subscribe_reseller,
)
from tests.e2e.conftest import Installation, StubFactory
from tests.support.resellers import sample_reseller
from tests.support.stub_process import StubProcess

pytestmark = pytest.mark.slow

QUOTAS = {"mailboxes": "25", "mailbox_size_mb": "2048"}


@dataclass
class Setup:
    studio: Studio
    admin: Actor
    remote: StubProcess
    reseller_id: int

    def subscribe(self) -> int:
        """Subscribe the reseller to Exchange on EXCH01; the job's id."""
        view = subscribe_reseller(
            self.studio, self.admin, SubscribeInput(self.reseller_id, "exchange", "EXCH01", QUOTAS)
        )
        assert view.status == "pending" and view.job is not None
        return view.job.id

    def run(self, job_id: int, until: tuple[str, ...], timeout: float = 20.0, **kw: object) -> str:
        """Run a job runner until the job reaches one of ``until``; its final state."""
        runner = JobRunner(self.studio, self.admin, **kw)  # type: ignore[arg-type]
        try:
            assert runner.run_until(lambda: self.state(job_id) in until, timeout), self.state(
                job_id
            )
        finally:
            runner.stop()
        return self.state(job_id)

    def state(self, job_id: int) -> str:
        return get_job(self.studio, self.admin, job_id).state


@pytest.fixture
def setup(studio: Studio, admin: Actor, start_stub: StubFactory) -> Setup:
    return _setup(studio, admin, start_stub, job_seconds=0.5)


def _setup(studio: Studio, admin: Actor, start_stub: StubFactory, job_seconds: float) -> Setup:
    control = start_stub(role="control", name="CP01", services=())
    remote = start_stub(name="EXCH01", job_seconds=job_seconds)
    save_provisioning_settings(
        studio, admin, ProvisioningInput("external", "127.0.0.1", str(control.port), control.token)
    )
    add_remote_server(
        studio,
        admin,
        RemoteServerInput(
            "EXCH01", "127.0.0.1", str(remote.port), ("exchange", "sharepoint"), remote.token
        ),
    )
    reseller = create_reseller(studio, admin, sample_reseller(), require_password=False)
    return Setup(studio, admin, remote, reseller.id)


def _resources(remote: StubProcess) -> list[dict[str, object]]:
    with remote.client() as client:
        return client.resources()


def test_a_subscription_becomes_active_when_its_job_succeeds(setup: Setup) -> None:
    job_id = setup.subscribe()
    assert setup.run(job_id, ("succeeded", "failed")) == "succeeded"
    [sub] = list_subscriptions(setup.studio, setup.admin, setup.reseller_id)
    assert sub.status == "active" and sub.quotas == {"mailboxes": 25, "mailbox_size_mb": 2048}
    [resource] = _resources(setup.remote)
    assert resource["id"] == sub.resource_id
    assert resource["quotas"] == {"mailboxes": 25, "mailbox_size_mb": 2048}


def test_a_failure_shows_the_service_s_error_and_retry_succeeds(setup: Setup) -> None:
    with setup.remote.client() as client:
        client.set_faults(fail_rate=1.0)
    job_id = setup.subscribe()
    assert setup.run(job_id, ("succeeded", "failed")) == "failed"
    failed = get_job(setup.studio, setup.admin, job_id)
    assert failed.error == (  # the service's own sentence
        "Hosted Exchange on EXCH01 refused the provision: simulated failure (fault injection)"
    )
    [sub] = list_subscriptions(setup.studio, setup.admin, setup.reseller_id)
    assert sub.status == "failed" and sub.resource_id is None
    assert _resources(setup.remote) == []  # a failed job leaves nothing behind
    with setup.remote.client() as client:
        client.set_faults(fail_rate=0.0)
    again = retry_job(setup.studio, setup.admin, job_id)
    assert again.id != job_id
    assert setup.run(again.id, ("succeeded", "failed")) == "succeeded"
    [sub] = list_subscriptions(setup.studio, setup.admin, setup.reseller_id)
    [resource] = _resources(setup.remote)
    assert (sub.status, resource["id"]) == ("active", sub.resource_id)
    with pytest.raises(FieldError) as caught:
        retry_job(setup.studio, setup.admin, job_id)
    assert caught.value.errors == {"job": f"was retried already as job {again.id}"}


def test_a_failed_prerequisites_check_submits_nothing(
    studio: Studio, admin: Actor, start_stub: StubFactory
) -> None:
    control = start_stub(role="control", name="CP01", services=())
    old = start_stub(name="EXCH01", build="8.1.2")
    save_provisioning_settings(
        studio, admin, ProvisioningInput("external", "127.0.0.1", str(control.port), control.token)
    )
    add_remote_server(
        studio,
        admin,
        RemoteServerInput("EXCH01", "127.0.0.1", str(old.port), ("exchange",), old.token),
    )
    reseller = create_reseller(studio, admin, sample_reseller(), require_password=False)
    with pytest.raises(PrerequisitesFailed) as caught:
        subscribe_reseller(studio, admin, SubscribeInput(reseller.id, "exchange", "EXCH01", QUOTAS))
    assert "EXCH01 is on build 8.1.2, the Control Server on 8.2.0" in str(caught.value)
    assert "Install MachPanel build 8.2.0 on EXCH01" in str(caught.value)
    with studio.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 0


def test_invalid_input_names_the_field(setup: Setup) -> None:
    with pytest.raises(FieldError) as caught:
        subscribe_reseller(
            setup.studio,
            setup.admin,
            SubscribeInput(setup.reseller_id, "exchange", "WEB99", {"mailboxes": "0"}),
        )
    assert caught.value.errors == {
        "quota.mailboxes": "must be between 1 and 100,000 mailboxes",
        "quota.mailbox_size_mb": "is required",
        "server": "no Remote Server is called 'WEB99'",
    }


def test_a_stub_restarted_mid_job_finishes_it(setup: Setup) -> None:
    job_id = setup.subscribe()
    runner = JobRunner(setup.studio, setup.admin, backoff=(0.2, 0.4, 0.8, 1.6, 3.2))
    try:
        assert runner.run_until(lambda: setup.state(job_id) in ("queued", "running"), 10)
        port = setup.remote.port
        setup.remote.kill()
        time.sleep(0.5)
        setup.remote.start(port=port)
        assert runner.run_until(lambda: setup.state(job_id) == "succeeded", 20)
    finally:
        runner.stop()
    [sub] = list_subscriptions(setup.studio, setup.admin, setup.reseller_id)
    [resource] = _resources(setup.remote)
    assert (sub.status, resource["id"]) == ("active", sub.resource_id)


def test_cancel_stops_the_job_on_the_server(
    studio: Studio, admin: Actor, start_stub: StubFactory
) -> None:
    setup = _setup(studio, admin, start_stub, job_seconds=5.0)  # long enough to cancel
    job_id = setup.subscribe()
    runner = JobRunner(setup.studio, setup.admin)
    try:
        assert runner.run_until(lambda: setup.state(job_id) in ("queued", "running"), 10)
        cancel_job(setup.studio, setup.admin, job_id)
        runner.wake()
        assert runner.run_until(lambda: setup.state(job_id) == "cancelled", 10)
    finally:
        runner.stop()
    [sub] = list_subscriptions(setup.studio, setup.admin, setup.reseller_id)
    assert sub.status == "cancelled"
    assert _resources(setup.remote) == []


def test_an_unreachable_server_is_retried_then_fails_with_the_reason(setup: Setup) -> None:
    job_id = setup.subscribe()
    setup.remote.stop()
    assert setup.run(job_id, ("failed",), backoff=(0.05, 0.05, 0.05)) == "failed"
    job = get_job(setup.studio, setup.admin, job_id)
    assert job.error.startswith("EXCH01 could not be reached after 4 attempts")
    with setup.studio.unit_of_work() as session:
        row = session.get(ProvisioningJob, job_id)
        assert row is not None and row.local_failure is True
    # Retry after a failure of ours asks the server again under the same key.
    setup.remote.start(port=setup.remote.port)
    again = retry_job(setup.studio, setup.admin, job_id)
    assert again.id == job_id
    assert setup.run(job_id, ("succeeded", "failed")) == "succeeded"
    [sub] = list_subscriptions(setup.studio, setup.admin, setup.reseller_id)
    [resource] = _resources(setup.remote)
    assert (sub.status, resource["id"]) == ("active", sub.resource_id)


def test_a_reseller_with_an_active_subscription_cannot_be_deleted(setup: Setup) -> None:
    from studio.errors import StudioError
    from studio.services.resellers import delete_reseller

    job_id = setup.subscribe()
    assert setup.run(job_id, ("succeeded",)) == "succeeded"
    with pytest.raises(StudioError) as caught:
        delete_reseller(setup.studio, setup.admin, setup.reseller_id)
    assert "1 subscription(s) still active" in str(caught.value)


def test_suspending_the_reseller_suspends_its_subscriptions_on_the_server(setup: Setup) -> None:
    from studio.services.jobs import count_running_jobs
    from studio.services.resellers import set_reseller_status

    job_id = setup.subscribe()
    assert setup.run(job_id, ("succeeded",)) == "succeeded"

    def settle() -> None:
        runner = JobRunner(setup.studio, setup.admin)
        try:
            assert runner.run_until(lambda: count_running_jobs(setup.studio, setup.admin) == 0, 20)
        finally:
            runner.stop()

    set_reseller_status(setup.studio, setup.admin, setup.reseller_id, "suspended")
    settle()
    [sub] = list_subscriptions(setup.studio, setup.admin, setup.reseller_id)
    assert sub.status == "suspended"
    assert [j.operation for j in sub.history] == ["provision", "suspend"]
    assert _resources(setup.remote)[0]["suspended"] is True
    set_reseller_status(setup.studio, setup.admin, setup.reseller_id, "active")
    settle()
    [sub] = list_subscriptions(setup.studio, setup.admin, setup.reseller_id)
    assert sub.status == "active"
    assert _resources(setup.remote)[0]["suspended"] is False
    assert len(_resources(setup.remote)) == 1


def test_a_reseller_plan_sets_the_quotas(setup: Setup) -> None:
    from studio.services.offerings import OfferingInput, save_offering

    plan = save_offering(
        setup.studio,
        setup.admin,
        OfferingInput(
            "Exchange Reseller 500",
            "exchange",
            "reseller",
            {"mailboxes": "500", "mailbox_size_mb": "4096"},
            "450",
        ),
    )
    customer_plan = save_offering(
        setup.studio,
        setup.admin,
        OfferingInput(
            "Web Starter",
            "web",
            "customer",
            {"sites": "1", "disk_gb": "5", "bandwidth_gb": "100"},
            "5",
        ),
    )
    view = subscribe_reseller(
        setup.studio,
        setup.admin,
        SubscribeInput(setup.reseller_id, "exchange", "EXCH01", {}, plan.id),
    )
    assert view.quotas == {"mailboxes": 500, "mailbox_size_mb": 4096}
    assert view.job is not None
    assert setup.run(view.job.id, ("succeeded",)) == "succeeded"
    assert _resources(setup.remote)[0]["quotas"] == {"mailboxes": 500, "mailbox_size_mb": 4096}
    with pytest.raises(FieldError) as caught:
        subscribe_reseller(
            setup.studio,
            setup.admin,
            SubscribeInput(setup.reseller_id, "exchange", "EXCH01", {}, customer_plan.id),
        )
    assert caught.value.errors["offering"] == "must be an enabled reseller plan"


def test_a_reseller_suspended_mid_provision_has_its_new_subscription_suspended(
    setup: Setup,
) -> None:
    from studio.services.jobs import count_running_jobs
    from studio.services.resellers import set_reseller_status

    job_id = setup.subscribe()
    runner = JobRunner(setup.studio, setup.admin)
    try:
        assert runner.run_until(lambda: setup.state(job_id) in ("queued", "running"), 10)
        set_reseller_status(setup.studio, setup.admin, setup.reseller_id, "suspended")
        assert runner.run_until(
            lambda: (
                count_running_jobs(setup.studio, setup.admin) == 0
                and setup.state(job_id) == "succeeded"
            ),
            20,
        )
    finally:
        runner.stop()
    [sub] = list_subscriptions(setup.studio, setup.admin, setup.reseller_id)
    assert sub.status == "suspended"
    assert [j.operation for j in sub.history] == ["provision", "suspend"]
    assert _resources(setup.remote)[0]["suspended"] is True


def test_a_subscription_never_has_two_unfinished_jobs(setup: Setup) -> None:
    from sqlalchemy.engine import Connection
    from sqlalchemy.exc import IntegrityError

    from studio.domain.job_rules import new_idempotency_key

    def second_pending_job(connection: Connection, job_id: int) -> None:
        row = (
            connection.execute(
                select(ProvisioningJob.__table__).where(ProvisioningJob.id == job_id)
            )
            .mappings()
            .one()
        )
        values = {k: v for k, v in row.items() if k != "id"}
        values.update(idempotency_key=new_idempotency_key(), state="pending")
        connection.execute(insert(ProvisioningJob), values)

    job_id = setup.subscribe()
    engine = setup.studio.engine
    with (
        pytest.raises(
            IntegrityError,  # SQLite names the column, PostgreSQL the index
            match=r"UNIQUE.*provisioning_job\.subscription_id|uq_provisioning_job_unfinished",
        ),
        engine.begin() as connection,
    ):
        second_pending_job(connection, job_id)
    assert setup.run(job_id, ("succeeded",)) == "succeeded"
    with engine.begin() as connection:  # the first has finished: a next job is allowed
        second_pending_job(connection, job_id)


def test_a_job_given_up_here_that_the_server_finished_is_corrected(setup: Setup) -> None:
    job_id = setup.subscribe()
    runner = JobRunner(setup.studio, setup.admin, backoff=(0.05, 0.05), reconcile_s=0.2)
    try:
        assert runner.run_until(lambda: setup.state(job_id) in ("queued", "running"), 10)
        port = setup.remote.port
        setup.remote.kill()  # the server has the job; we cannot reach it
        assert runner.run_until(lambda: setup.state(job_id) == "failed", 10)
        assert get_job(setup.studio, setup.admin, job_id).error.startswith(
            "EXCH01 could not be reached"
        )
        setup.remote.start(port=port)  # its journal finishes the job
        assert runner.run_until(lambda: setup.state(job_id) == "succeeded", 20)
    finally:
        runner.stop()
    [sub] = list_subscriptions(setup.studio, setup.admin, setup.reseller_id)
    assert sub.status == "active"
    [resource] = _resources(setup.remote)
    assert resource["id"] == sub.resource_id


def test_an_addon_adds_to_an_active_subscription(setup: Setup) -> None:
    from studio.services.offerings import OfferingInput, save_offering
    from studio.services.subscriptions import add_addon

    mailbox = save_offering(
        setup.studio,
        setup.admin,
        OfferingInput("One more mailbox", "exchange", "", {"mailboxes": "1"}, "3.5"),
        addon=True,
    )
    job_id = setup.subscribe()
    [sub] = list_subscriptions(setup.studio, setup.admin, setup.reseller_id)
    with pytest.raises(FieldError) as caught:
        add_addon(setup.studio, setup.admin, sub.id, mailbox.id)  # still pending
    assert caught.value.errors["subscription"].startswith("is pending")
    assert setup.run(job_id, ("succeeded",)) == "succeeded"
    update = add_addon(setup.studio, setup.admin, sub.id, mailbox.id)
    assert setup.run(update.id, ("succeeded", "failed")) == "succeeded"
    [sub] = list_subscriptions(setup.studio, setup.admin, setup.reseller_id)
    assert sub.quotas == {"mailboxes": 26, "mailbox_size_mb": 2048}
    assert _resources(setup.remote)[0]["quotas"] == {"mailboxes": 26, "mailbox_size_mb": 2048}


def test_subscribe_wait_says_why_a_job_failed_and_exits_1(installation: Installation) -> None:
    with installation.remote.client() as client:
        client.set_faults(fail_rate=1.0)
    done = installation.run(*installation.subscribe("--wait", "--timeout", "60"))
    assert done.returncode == 1, (done.stdout, done.stderr)
    [job] = installation.jobs()
    assert job.error.endswith("simulated failure (fault injection)")
    assert done.stdout.splitlines()[-1] == f"job {job.id} failed: {job.error}"
