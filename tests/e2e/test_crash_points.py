"""A crash at every step of a job: the next studio finishes it, once.

Each test runs the command line as a real process against real stub processes, with
``MACHPANEL_STUDIO_CRASH_AT`` naming one crash point (``studio/crash_points.py``): the
process ends there with ``os._exit``, as a power cut would. ``jobs wait`` then runs
without it, and the test checks the promises: one resource per subscription on the
server, the subscription in the state asked for, the job's idempotency key unchanged
(the server saw one key for it, never a second), and no audit record written twice.
"""

from __future__ import annotations

import pytest

from studio.domain.actors import Actor
from studio.services import customer_plans, customers
from studio.services.customer_plans import PlanInput
from studio.services.offerings import OfferingInput, save_offering
from studio.services.reseller_panel import open_panel_as
from tests.e2e.conftest import Installation
from tests.support.panel import customer

pytestmark = pytest.mark.slow


#: Events that may rightly recur word for word: each opening of a panel is one.
RECURRING = {"reseller_panel.open_as"}


def _no_record_twice(installation: Installation) -> None:
    twice = {
        event: n for event, n in installation.audit().items() if n > 1 and event[0] not in RECURRING
    }
    assert twice == {}


@pytest.mark.parametrize(
    "point", ["subscribe.written", "runner.submitted", "runner.finished", "runner.mid-tick"]
)
def test_a_provision_survives_a_crash_at(installation: Installation, point: str) -> None:
    installation.crash(point, *installation.subscribe("--wait", "--timeout", "60"))
    [job] = installation.jobs()
    key = job.idempotency_key

    installation.wait()

    [after] = installation.jobs()
    assert (after.id, after.idempotency_key, after.state) == (job.id, key, "succeeded")
    [sub] = installation.subscriptions()
    assert sub.status == "active"
    [resource] = installation.resources()
    assert resource["id"] == sub.resource_id
    assert installation.server_keys("provision") == [key]
    _no_record_twice(installation)


@pytest.mark.parametrize(
    "point", ["addon.written", "runner.submitted", "runner.finished", "runner.mid-tick"]
)
def test_an_update_survives_a_crash_at(installation: Installation, point: str) -> None:
    admin = Actor.local_administrator()
    addon = save_offering(
        installation.studio,
        admin,
        OfferingInput("Five more mailboxes", "exchange", "reseller", {"mailboxes": "5"}, "4.00"),
        addon=True,
    )
    done = installation.run(*installation.subscribe("--wait", "--timeout", "60"))
    assert done.returncode == 0, (done.stdout, done.stderr)
    [sub] = installation.subscriptions()

    installation.crash(point, "subscription", "addon", str(sub.id), "--addon", str(addon.id),
                       "--wait", "--timeout", "60")  # fmt: skip
    update = installation.jobs()[-1]
    assert update.operation == "update"
    key = update.idempotency_key

    installation.wait()

    jobs = installation.jobs()
    assert [(j.operation, j.state) for j in jobs] == [
        ("provision", "succeeded"),
        ("update", "succeeded"),
    ]
    assert jobs[-1].idempotency_key == key
    [after] = installation.subscriptions()
    assert after.quotas["mailboxes"] == 10
    [resource] = installation.resources()
    assert (resource["id"], resource["quotas"]["mailboxes"]) == (after.resource_id, 10)
    assert installation.server_keys("update") == [key]
    _no_record_twice(installation)


@pytest.mark.parametrize("installation", [60.0], indirect=True)
@pytest.mark.parametrize("point", ["cancel.written", "runner.finished"])
def test_a_cancel_survives_a_crash_at(installation: Installation, point: str) -> None:
    done = installation.run(*installation.subscribe())
    assert done.returncode == 0, (done.stdout, done.stderr)
    started = installation.run("jobs", "wait", "--timeout", "1")  # submitted, not finished
    assert started.returncode == 1, (started.stdout, started.stderr)
    [job] = installation.jobs()
    assert job.state in ("queued", "running") and job.remote_id

    if point == "cancel.written":
        installation.crash(point, "jobs", "cancel", str(job.id))
    else:
        done = installation.run("jobs", "cancel", str(job.id))
        assert done.returncode == 0, (done.stdout, done.stderr)
        installation.crash(point, "jobs", "wait", "--timeout", "60")

    installation.wait(succeeded=False)

    [after] = installation.jobs()
    assert (after.state, after.idempotency_key) == ("cancelled", job.idempotency_key)
    [sub] = installation.subscriptions()
    assert sub.status == "cancelled"
    assert installation.resources() == []
    assert installation.server_keys("provision") == [job.idempotency_key]
    _no_record_twice(installation)


@pytest.mark.parametrize(
    "point", ["sale.written", "runner.submitted", "runner.finished", "runner.mid-tick"]
)
def test_a_customer_sale_survives_a_crash_at(installation: Installation, point: str) -> None:
    done = installation.run(*installation.subscribe("--wait", "--timeout", "60"))
    assert done.returncode == 0, (done.stdout, done.stderr)
    [parent] = installation.subscriptions()
    admin = Actor.local_administrator()
    panel = open_panel_as(installation.studio, admin, installation.reseller_id)
    plan = customer_plans.create_plan(
        installation.studio,
        panel,
        PlanInput("Mail", parent.id, {"mailboxes": "2", "mailbox_size_mb": "512"}, "5"),
    )
    buyer = customers.create_customer(installation.studio, panel, customer())

    reseller = str(installation.reseller_id)
    installation.crash(point, "customer", "subscribe", str(buyer.id), "--plan", str(plan.id),
                       "--reseller", reseller, "--wait", "--timeout", "60")  # fmt: skip
    parent_job, sale_job = installation.jobs()
    key = sale_job.idempotency_key

    installation.wait()

    jobs = installation.jobs()
    assert [(j.id, j.state) for j in jobs] == [
        (parent_job.id, "succeeded"),
        (sale_job.id, "succeeded"),
    ]
    assert jobs[1].idempotency_key == key
    subs = installation.subscriptions()
    assert [(s.customer_id, s.parent_id, s.status) for s in subs] == [
        (None, None, "active"),
        (buyer.id, parent.id, "active"),
    ]
    held = sorted(str(r["id"]) for r in installation.resources())
    assert held == sorted(str(s.resource_id) for s in subs)
    assert installation.server_keys("provision") == sorted([parent_job.idempotency_key, key])
    _no_record_twice(installation)
