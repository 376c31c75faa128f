"""The reseller panel end to end: sales provisioned by the job runner on a stub process,
customers suspended, resumed and deleted through jobs, and two CLI processes selling at
once against one quota."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.context import Studio
from studio.domain.actors import Actor
from studio.domain.server_rules import ProvisioningInput, RemoteServerInput
from studio.provisioning.runner import JobRunner
from studio.services import customer_plans, customer_sales, customers, quota_usage
from studio.services.customer_plans import PlanInput
from studio.services.customer_sales import SaleInput
from studio.services.jobs import count_running_jobs
from studio.services.resellers import set_reseller_status
from studio.services.servers import add_remote_server, save_provisioning_settings
from studio.services.subscriptions import SubscribeInput, subscribe_reseller
from tests.e2e.conftest import StubFactory
from tests.support.panel import active_subscription, customer, make_reseller, sign_in
from tests.support.resellers import PASSWORD
from tests.support.stub_process import StubProcess

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def _servers(studio: Studio, admin: Actor, start_stub: StubFactory) -> StubProcess:
    control = start_stub(role="control", name="CP01", services=())
    remote = start_stub(name="EXCH01", job_seconds=0.2)
    save_provisioning_settings(
        studio, admin, ProvisioningInput("external", "127.0.0.1", str(control.port), control.token)
    )
    add_remote_server(
        studio,
        admin,
        RemoteServerInput("EXCH01", "127.0.0.1", str(remote.port), ("exchange",), remote.token),
    )
    return remote


def _settle(studio: Studio, admin: Actor) -> None:
    """Run the job runner until no job is left unfinished."""
    runner = JobRunner(studio, admin, poll_s=0.1)
    try:
        assert runner.run_until(lambda: count_running_jobs(studio, admin) == 0, 30)
    finally:
        runner.stop()


def _resources(remote: StubProcess) -> dict[str, bool]:
    """Resource name → suspended, as the stub holds them."""
    with remote.client() as client:
        return {str(r["name"]): bool(r.get("suspended")) for r in client.resources()}


def test_a_sale_is_provisioned_and_follows_its_customer_and_reseller(
    studio: Studio, admin: Actor, start_stub: StubFactory
) -> None:
    remote = _servers(studio, admin, start_stub)
    made = make_reseller(studio, admin)
    own = subscribe_reseller(
        studio,
        admin,
        SubscribeInput(
            made.id, "exchange", "EXCH01", {"mailboxes": "10", "mailbox_size_mb": "2048"}
        ),
    )
    _settle(studio, admin)
    actor = sign_in(studio, "reseller1")
    plan = customer_plans.create_plan(
        studio,
        actor,
        PlanInput("Team", own.id, {"mailboxes": "5", "mailbox_size_mb": "1024"}, "20"),
    )
    buyer = customers.create_customer(studio, actor, customer())
    sale = customer_sales.subscribe_customer(studio, actor, SaleInput(buyer.id, plan_id=plan.id))
    assert (sale.status, sale.server, sale.sold_as) == ("pending", "EXCH01", "plan Team")
    _settle(studio, admin)

    def status() -> str:
        [view] = customer_sales.customer_subscriptions(studio, actor, buyer.id)
        return view.status

    assert status() == "active"
    assert _resources(remote) == {"Engines 1 Ltd": False, "Grace Hopper1": False}

    assert customers.status_effects(studio, actor, buyer.id, "suspended") == [
        f"suspend subscription #{sale.id}: plan Team on EXCH01 (active)"
    ]
    customers.set_customer_status(studio, actor, buyer.id, "suspended")
    _settle(studio, admin)
    assert status() == "suspended"
    assert _resources(remote) == {"Engines 1 Ltd": False, "Grace Hopper1": True}

    # The reseller suspended and activated again: the customer it suspended stays so.
    set_reseller_status(studio, admin, made.id, "suspended")
    _settle(studio, admin)
    assert _resources(remote) == {"Engines 1 Ltd": True, "Grace Hopper1": True}
    set_reseller_status(studio, admin, made.id, "active")
    _settle(studio, admin)
    assert _resources(remote) == {"Engines 1 Ltd": False, "Grace Hopper1": True}

    customers.set_customer_status(studio, actor, buyer.id, "active")
    _settle(studio, admin)
    assert status() == "active"
    assert _resources(remote) == {"Engines 1 Ltd": False, "Grace Hopper1": False}

    customers.set_customer_status(studio, actor, buyer.id, "deleted")
    _settle(studio, admin)
    assert status() == "removed"
    assert _resources(remote) == {"Engines 1 Ltd": False}
    [usage] = quota_usage.my_subscriptions(studio, actor)
    assert usage.quotas[0].allocated == 0  # a removed subscription holds nothing


def _sell(data_dir: Path, customer_id: int, plan_id: int) -> subprocess.Popen[str]:
    env = {**os.environ, "MACHPANEL_STUDIO_HOME": str(data_dir), "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "studio",
            "--as",
            "reseller1",
            "customer",
            "subscribe",
            str(customer_id),
            "--plan",
            str(plan_id),
        ],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write(PASSWORD + "\n")
    process.stdin.close()
    return process


def test_two_processes_selling_at_once_cannot_both_exceed_the_quota(
    studio: Studio, admin: Actor, data_dir: Path
) -> None:
    made = make_reseller(studio, admin)
    sub_id = active_subscription(studio, made.id)  # 10 mailboxes
    actor = sign_in(studio, "reseller1")
    plan = customer_plans.create_plan(
        studio, actor, PlanInput("Six", sub_id, {"mailboxes": "6", "mailbox_size_mb": "512"}, "9")
    )
    buyers = [customers.create_customer(studio, actor, customer(n)) for n in range(4)]
    processes = [_sell(data_dir, b.id, plan.id) for b in buyers]
    results = []
    for process in processes:  # the password is in; outputs are a line or two each
        assert process.stdout is not None and process.stderr is not None
        out, err = process.stdout.read(), process.stderr.read()
        results.append((process.wait(timeout=120), out, err))
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2, 2, 2], results
    refusals = {err.strip() for code, _, err in results if code == 2}
    assert refusals == {
        f"quota.mailboxes: Mailboxes: subscription #{sub_id} holds 10 mailboxes, 4 left; "
        "Six needs 6"
    }
    [usage] = quota_usage.my_subscriptions(studio, actor)
    assert usage.quotas[0].allocated == 6
