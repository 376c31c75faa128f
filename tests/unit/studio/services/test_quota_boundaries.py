"""Every quota check at exactly its limit and one past it, through the services: a
sale, a plan, a retry of a failed sale, an add-on, with overselling off and on. The
arithmetic alone is tested in ``tests/unit/studio/domain/test_quota_rules.py``; these
show that each path that sells runs it against the real holdings."""

from __future__ import annotations

import pytest

from studio.context import Studio
from studio.db.models import Addon, ProvisioningJob, Subscription
from studio.domain.actors import Actor
from studio.domain.job_rules import JobStatus, SubscriptionStatus
from studio.errors import FieldError
from studio.services import customer_plans, customer_sales, customers
from studio.services.customer_plans import PlanInput
from studio.services.customer_sales import SaleInput
from studio.services.jobs import retry_job
from studio.services.reseller_panel import set_oversell
from studio.services.subscriptions import add_addon
from tests.support.panel import active_subscription, customer, make_reseller, sign_in


@pytest.fixture
def panel(studio: Studio, admin: Actor) -> tuple[Actor, int]:
    """Reseller 1 signed in, its subscription holding 10 mailboxes of 2,048 MB."""
    made = make_reseller(studio, admin)
    return sign_in(studio, "reseller1"), active_subscription(studio, made.id)


def _plan(studio: Studio, actor: Actor, sub_id: int, mailboxes: int, size: int = 1024) -> int:
    quotas = {"mailboxes": str(mailboxes), "mailbox_size_mb": str(size)}
    name = f"{mailboxes} x {size}"
    return customer_plans.create_plan(studio, actor, PlanInput(name, sub_id, quotas, "1")).id


def _sell(studio: Studio, actor: Actor, plan_id: int, n: int) -> int:
    buyer = customers.create_customer(studio, actor, customer(n))
    return customer_sales.subscribe_customer(studio, actor, SaleInput(buyer.id, plan_id=plan_id)).id


def test_a_sale_of_exactly_what_is_left_fits_one_more_does_not(
    studio: Studio, panel: tuple[Actor, int]
) -> None:
    actor, sub_id = panel
    _sell(studio, actor, _plan(studio, actor, sub_id, 4), 1)
    seven = _plan(studio, actor, sub_id, 7)
    with pytest.raises(FieldError) as caught:
        _sell(studio, actor, seven, 2)
    assert caught.value.errors == {
        "quota.mailboxes": f"Mailboxes: subscription #{sub_id} holds 10 mailboxes, 6 left; "
        "7 x 1024 needs 7"
    }
    _sell(studio, actor, _plan(studio, actor, sub_id, 6), 3)  # exactly the 6 left
    with pytest.raises(FieldError) as full:
        _sell(studio, actor, _plan(studio, actor, sub_id, 1), 4)
    assert full.value.errors == {
        "quota.mailboxes": f"Mailboxes: subscription #{sub_id} holds 10 mailboxes, 0 left; "
        "1 x 1024 needs 1"
    }


def test_overselling_on_lets_the_one_past_through_and_off_stops_it_again(
    studio: Studio, admin: Actor, panel: tuple[Actor, int]
) -> None:
    actor, sub_id = panel
    ten, one = _plan(studio, actor, sub_id, 10), _plan(studio, actor, sub_id, 1)
    _sell(studio, actor, ten, 1)
    set_oversell(studio, admin, actor.reseller_id or 0, True)
    _sell(studio, actor, one, 2)  # 11 of 10
    set_oversell(studio, admin, actor.reseller_id or 0, False)
    with pytest.raises(FieldError) as caught:
        _sell(studio, actor, one, 3)
    assert "quota.mailboxes" in caught.value.errors


def test_a_size_per_item_at_the_limit_fits_one_more_megabyte_does_not(
    studio: Studio, panel: tuple[Actor, int]
) -> None:
    actor, sub_id = panel
    assert _plan(studio, actor, sub_id, 1, 2048)
    with pytest.raises(FieldError) as caught:
        _plan(studio, actor, sub_id, 1, 2049)
    assert caught.value.errors == {
        "quota.mailbox_size_mb": f"must be at most 2,048 (what subscription #{sub_id} holds)"
    }


def test_a_plan_of_exactly_the_subscription_fits_one_more_does_not(
    studio: Studio, panel: tuple[Actor, int]
) -> None:
    actor, sub_id = panel
    assert _plan(studio, actor, sub_id, 10)
    with pytest.raises(FieldError) as caught:
        _plan(studio, actor, sub_id, 11)
    assert caught.value.errors == {
        "quota.mailboxes": f"must be at most 10 (what subscription #{sub_id} holds)"
    }


def _fail(studio: Studio, subscription_id: int) -> int:
    """Mark a sale's provisioning failed (it then holds nothing); its job's id."""
    with studio.unit_of_work() as session:
        sub = session.get(Subscription, subscription_id)
        assert sub is not None
        sub.status = SubscriptionStatus.FAILED
        job = session.query(ProvisioningJob).filter_by(subscription_id=subscription_id).one()
        job.state = JobStatus.FAILED
        return job.id


@pytest.mark.parametrize(("others", "fits"), [(4, True), (5, False)])
def test_a_retry_fits_in_exactly_what_is_left_not_one_more(
    studio: Studio, admin: Actor, panel: tuple[Actor, int], others: int, fits: bool
) -> None:
    actor, sub_id = panel
    failed = _sell(studio, actor, _plan(studio, actor, sub_id, 6), 1)
    job_id = _fail(studio, failed)
    _sell(studio, actor, _plan(studio, actor, sub_id, others), 2)  # leaves 6, or 5
    if fits:
        assert retry_job(studio, admin, job_id).state == "pending"
        return
    with pytest.raises(FieldError) as caught:
        retry_job(studio, admin, job_id)
    assert caught.value.errors == {
        "job": f"cannot run again: Mailboxes: subscription #{sub_id} holds 10 mailboxes, "
        f"5 left; subscription #{failed} needs 6"
    }


@pytest.mark.parametrize(("held", "fits"), [(99_995, True), (99_996, False)])
def test_an_addon_up_to_the_catalog_s_limit_not_one_past(
    studio: Studio, admin: Actor, held: int, fits: bool
) -> None:
    made = make_reseller(studio, admin)
    sub_id = active_subscription(studio, made.id, {"mailboxes": held, "mailbox_size_mb": 1024})
    with studio.unit_of_work() as session:
        addon = Addon(name="Five", service="exchange", quotas={"mailboxes": 5}, updated_by="t")
        session.add(addon)
        session.flush()
        addon_id = addon.id
    if fits:
        assert add_addon(studio, admin, sub_id, addon_id).operation == "update"
        return
    with pytest.raises(FieldError) as caught:
        add_addon(studio, admin, sub_id, addon_id)
    assert caught.value.errors == {"quota.mailboxes": "must be between 1 and 100,000 mailboxes"}
