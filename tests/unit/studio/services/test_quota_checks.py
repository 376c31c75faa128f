"""Customer Products Plans and the quota across the hierarchy, concurrent sales included."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from studio.context import Studio, open_studio
from studio.db.models import ProvisioningJob, Subscription
from studio.domain.actors import Actor
from studio.domain.job_rules import JobStatus, SubscriptionStatus
from studio.errors import FieldError
from studio.services import customer_plans, customer_sales, customers, quota_usage
from studio.services.customer_plans import PlanInput
from studio.services.customer_sales import SaleInput
from studio.services.reseller_panel import set_oversell
from tests.support.panel import active_subscription, customer, make_reseller, sign_in


def _plan(mailboxes: int, size: int = 1024) -> dict[str, str]:
    return {"mailboxes": str(mailboxes), "mailbox_size_mb": str(size)}


@pytest.fixture
def reseller(studio: Studio, admin: Actor) -> tuple[Actor, int]:
    """Reseller 1 signed in, with an active subscription of 10 mailboxes of 2 GB."""
    made = make_reseller(studio, admin)
    sub_id = active_subscription(studio, made.id)
    return sign_in(studio, "reseller1"), sub_id


def test_a_plan_holds_at_most_what_the_subscription_does(
    studio: Studio, reseller: tuple[Actor, int]
) -> None:
    actor, sub_id = reseller
    with pytest.raises(FieldError) as caught:
        customer_plans.create_plan(
            studio, actor, PlanInput(" ", sub_id, _plan(11, 4096), "-1", "weekly")
        )
    assert caught.value.errors == {
        "name": "is required",
        "quota.mailboxes": f"must be at most 10 (what subscription #{sub_id} holds)",
        "quota.mailbox_size_mb": f"must be at most 2,048 (what subscription #{sub_id} holds)",
        "price": "must be between 0 and 1,000,000",
        "billing_cycle": "must be one of monthly, quarterly, yearly",
    }
    plan = customer_plans.create_plan(
        studio, actor, PlanInput("Basic", sub_id, _plan(10, 2048), "4.50", "monthly")
    )
    assert (plan.quotas, plan.price_text, plan.server, plan.in_use) == (
        {"mailboxes": 10, "mailbox_size_mb": 2048},
        "4.50",
        "EXCH01",
        0,
    )
    with pytest.raises(FieldError) as clash:
        customer_plans.create_plan(studio, actor, PlanInput("BASIC", sub_id, _plan(1), "1"))
    assert clash.value.errors == {"name": "is already the name of another of your plans"}


def test_a_sold_plan_is_disabled_not_deleted(studio: Studio, reseller: tuple[Actor, int]) -> None:
    actor, sub_id = reseller
    unsold = customer_plans.create_plan(studio, actor, PlanInput("Spare", sub_id, _plan(1), "1"))
    assert customer_plans.delete_plan(studio, actor, unsold.id) == "Spare"
    sold = customer_plans.create_plan(studio, actor, PlanInput("Basic", sub_id, _plan(2), "3"))
    buyer = customers.create_customer(studio, actor, customer())
    customer_sales.subscribe_customer(studio, actor, SaleInput(buyer.id, plan_id=sold.id))
    with pytest.raises(FieldError) as caught:
        customer_plans.delete_plan(studio, actor, sold.id)
    assert caught.value.errors == {
        "plan": "Basic was sold 1 time(s): disable it instead of deleting"
    }
    assert not customer_plans.set_plan_enabled(studio, actor, sold.id, False).enabled
    with pytest.raises(FieldError) as disabled:
        customer_sales.subscribe_customer(studio, actor, SaleInput(buyer.id, plan_id=sold.id))
    assert disabled.value.errors == {"plan": "Basic is disabled"}


def test_a_commission_reseller_has_no_plans_of_its_own(studio: Studio, admin: Actor) -> None:
    made = make_reseller(studio, admin, type="commission")
    sub_id = active_subscription(studio, made.id)
    actor = sign_in(studio, "reseller1")
    with pytest.raises(FieldError) as caught:
        customer_plans.create_plan(studio, actor, PlanInput("Basic", sub_id, _plan(1), "1"))
    assert caught.value.errors == {
        "reseller": "is Commission Based: it sells the offerings assigned to it, "
        "not plans of its own"
    }


def test_sales_stop_at_the_subscriptions_quota_naming_what_is_left(
    studio: Studio, reseller: tuple[Actor, int]
) -> None:
    actor, sub_id = reseller
    plan = customer_plans.create_plan(studio, actor, PlanInput("Four", sub_id, _plan(4), "5"))
    buyers = [customers.create_customer(studio, actor, customer(n)) for n in range(3)]
    customer_sales.subscribe_customer(studio, actor, SaleInput(buyers[0].id, plan_id=plan.id))
    customer_sales.subscribe_customer(studio, actor, SaleInput(buyers[1].id, plan_id=plan.id))
    with pytest.raises(FieldError) as caught:
        customer_sales.subscribe_customer(studio, actor, SaleInput(buyers[2].id, plan_id=plan.id))
    assert caught.value.errors == {
        "quota.mailboxes": f"Mailboxes: subscription #{sub_id} holds 10 mailboxes, 2 left; "
        "Four needs 4"
    }
    [usage] = quota_usage.my_subscriptions(studio, actor)
    mailboxes, size = usage.quotas
    assert (mailboxes.limit, mailboxes.allocated, mailboxes.left, usage.customers) == (10, 8, 2, 2)
    assert (size.pooled, size.allocated) == (False, 1024)  # a size per mailbox: the largest
    # A suspended (still held) subscription counts; a deleted customer's frees its share
    # once deprovisioned, which the runner records; here nothing was provisioned yet.
    customers.set_customer_status(studio, actor, buyers[0].id, "suspended")
    with pytest.raises(FieldError) as still:
        customer_sales.subscribe_customer(studio, actor, SaleInput(buyers[2].id, plan_id=plan.id))
    assert still.value.errors == caught.value.errors


def test_overselling_needs_the_providers_leave_and_shows_in_the_report(
    studio: Studio, admin: Actor, reseller: tuple[Actor, int]
) -> None:
    actor, sub_id = reseller
    plan = customer_plans.create_plan(studio, actor, PlanInput("Six", sub_id, _plan(6), "5"))
    buyers = [customers.create_customer(studio, actor, customer(n)) for n in range(2)]
    customer_sales.subscribe_customer(studio, actor, SaleInput(buyers[0].id, plan_id=plan.id))
    assert quota_usage.over_usage(studio, admin) == []
    set_oversell(studio, admin, actor.reseller_id or 0, True)
    customer_sales.subscribe_customer(studio, actor, SaleInput(buyers[1].id, plan_id=plan.id))
    [(username, usage)] = quota_usage.over_usage(studio, admin)
    mailboxes = usage.quotas[0]
    assert (username, mailboxes.limit, mailboxes.allocated, mailboxes.over) == (
        "reseller1",
        10,
        12,
        2,
    )


def test_a_size_per_item_is_never_oversold(
    studio: Studio, admin: Actor, reseller: tuple[Actor, int]
) -> None:
    actor, sub_id = reseller
    plan = customer_plans.create_plan(studio, actor, PlanInput("Big", sub_id, _plan(1, 2048), "5"))
    with studio.unit_of_work() as session:  # the subscription shrank (e.g. the provider edited it)
        sub = session.get(Subscription, sub_id)
        assert sub is not None
        sub.quotas = {"mailboxes": 10, "mailbox_size_mb": 1024}
    set_oversell(studio, admin, actor.reseller_id or 0, True)
    buyer = customers.create_customer(studio, actor, customer())
    with pytest.raises(FieldError) as caught:
        customer_sales.subscribe_customer(studio, actor, SaleInput(buyer.id, plan_id=plan.id))
    assert caught.value.errors == {
        "quota.mailbox_size_mb": f"Mailbox size: subscription #{sub_id} allows 1,024 MB each; "
        "Big gives 2,048"
    }


def test_concurrent_sales_never_exceed_the_quota(
    studio: Studio, reseller: tuple[Actor, int]
) -> None:
    """Eight threads, each with its own studio (its own connections) on one database,
    sell 3 mailboxes at once against 10: exactly three sales can fit."""
    actor, sub_id = reseller
    plan = customer_plans.create_plan(studio, actor, PlanInput("Three", sub_id, _plan(3), "5"))
    buyers = [customers.create_customer(studio, actor, customer(n)) for n in range(8)]
    start = threading.Barrier(8)
    sold: list[int] = []
    refused: list[str] = []

    def sell(customer_id: int) -> None:
        own = open_studio(studio.data_dir)
        try:
            start.wait()
            view = customer_sales.subscribe_customer(
                own, actor, SaleInput(customer_id, plan_id=plan.id)
            )
            sold.append(view.id)
        except FieldError as exc:
            refused.append(exc.errors["quota.mailboxes"])
        finally:
            own.close()

    threads = [threading.Thread(target=sell, args=(b.id,)) for b in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sold) == 3
    assert sorted(set(refused)) == [
        f"Mailboxes: subscription #{sub_id} holds 10 mailboxes, 1 left; Three needs 3"
    ]
    with studio.unit_of_work() as session:
        held = session.scalars(select(Subscription.quotas).where(Subscription.parent_id == sub_id))
        assert sum(q["mailboxes"] for q in held) == 9
        jobs = session.scalars(select(ProvisioningJob.subscription_id)).all()
        assert sorted(jobs) == sorted(sold)  # one job per sale, none for a refusal


def test_customers_are_checked_like_resellers_and_unique_per_reseller(
    studio: Studio, admin: Actor, reseller: tuple[Actor, int]
) -> None:
    actor, _ = reseller
    with pytest.raises(FieldError) as caught:
        customers.create_customer(studio, actor, customer(email="nope", phone="12"))
    assert list(caught.value.errors) == ["email", "phone"]
    first = customers.create_customer(studio, actor, customer())
    assert first.phone == "+442079460100"  # read in the address's country, stored E.164
    with pytest.raises(FieldError) as twice:
        customers.create_customer(studio, actor, customer(email="GRACE1@customer.example.com"))
    assert twice.value.errors == {"email": "is already the e-mail of another of your customers"}
    make_reseller(studio, admin, 2)
    other = sign_in(studio, "reseller2")
    assert customers.create_customer(studio, other, customer()).email == first.email


def test_a_reseller_with_customers_is_deleted_only_once_they_are(
    studio: Studio, admin: Actor, reseller: tuple[Actor, int]
) -> None:
    from studio.errors import StudioError
    from studio.services.resellers import delete_reseller

    actor, sub_id = reseller
    plan = customer_plans.create_plan(studio, actor, PlanInput("Two", sub_id, _plan(2), "5"))
    buyer = customers.create_customer(studio, actor, customer())
    sale = customer_sales.subscribe_customer(studio, actor, SaleInput(buyer.id, plan_id=plan.id))
    reseller_id = actor.reseller_id or 0
    with pytest.raises(StudioError) as refused:
        delete_reseller(studio, admin, reseller_id)
    assert "subscription(s) still" in str(refused.value)
    with studio.unit_of_work() as session:  # as the runner leaves them once deprovisioned
        for sub_id_ in (sub_id, sale.id):
            row = session.get(Subscription, sub_id_)
            assert row is not None
            row.status = SubscriptionStatus.REMOVED
        for job in session.scalars(select(ProvisioningJob)):
            job.state = JobStatus.SUCCEEDED
    with pytest.raises(StudioError) as still:
        delete_reseller(studio, admin, reseller_id)
    assert str(still.value) == (
        "Ada Lovelace1 has 1 end customer(s): they must be deleted in its panel first; "
        "suspend the reseller instead"
    )
    customers.set_customer_status(studio, actor, buyer.id, "deleted")
    assert delete_reseller(studio, admin, reseller_id) == "Ada Lovelace1"
    with studio.unit_of_work() as session:
        assert session.scalars(select(Subscription)).all() == []


def test_a_retry_and_an_addon_cannot_get_around_the_quota(
    studio: Studio, admin: Actor, reseller: tuple[Actor, int]
) -> None:
    from studio.db.models import Addon
    from studio.services.jobs import retry_job
    from studio.services.subscriptions import add_addon

    actor, sub_id = reseller
    plan = customer_plans.create_plan(studio, actor, PlanInput("Six", sub_id, _plan(6), "5"))
    first, second = (customers.create_customer(studio, actor, customer(n)) for n in (1, 2))
    failed = customer_sales.subscribe_customer(studio, actor, SaleInput(first.id, plan_id=plan.id))
    with studio.unit_of_work() as session:  # its job failed: it holds nothing
        session.get(Subscription, failed.id).status = SubscriptionStatus.FAILED  # type: ignore[union-attr]
        job = session.get(ProvisioningJob, failed.job_id)
        assert job is not None
        job.state = JobStatus.FAILED
    customer_sales.subscribe_customer(studio, actor, SaleInput(second.id, plan_id=plan.id))
    with pytest.raises(FieldError) as caught:
        retry_job(studio, admin, failed.job_id or 0)
    assert caught.value.errors == {
        "job": f"cannot run again: Mailboxes: subscription #{sub_id} holds 10 mailboxes, "
        f"4 left; subscription #{failed.id} needs 6"
    }
    with studio.unit_of_work() as session:
        assert session.get(Subscription, failed.id).status == "failed"  # type: ignore[union-attr]
        addon = Addon(name="More", service="exchange", quotas={"mailboxes": 1}, updated_by="t")
        session.add(addon)
        session.flush()
        addon_id = addon.id
        sold = session.scalars(
            select(Subscription.id).where(Subscription.customer_id == second.id)
        ).one()
        session.get(Subscription, sold).resource_id = "r"  # type: ignore[union-attr]
        session.get(Subscription, sold).status = "active"  # type: ignore[union-attr]
    with pytest.raises(FieldError) as refused:
        add_addon(studio, admin, sold, addon_id)
    assert refused.value.errors == {
        "subscription": "is an end customer's: it gets more by a bigger plan from its "
        "reseller, within the reseller's quota"
    }


def test_a_sold_plan_stays_on_its_subscription(
    studio: Studio, admin: Actor, reseller: tuple[Actor, int]
) -> None:
    actor, sub_id = reseller
    other = active_subscription(studio, actor.reseller_id or 0)
    plan = customer_plans.create_plan(studio, actor, PlanInput("Two", sub_id, _plan(2), "5"))
    buyer = customers.create_customer(studio, actor, customer())
    customer_sales.subscribe_customer(studio, actor, SaleInput(buyer.id, plan_id=plan.id))
    with pytest.raises(FieldError) as caught:
        customer_plans.update_plan(studio, actor, plan.id, PlanInput("Two", other, _plan(2), "5"))
    assert caught.value.errors == {
        "subscription": f"Two was sold: it stays on subscription #{sub_id} "
        "(make a new plan for another)"
    }
    changed = customer_plans.update_plan(
        studio, actor, plan.id, PlanInput("Two+", sub_id, _plan(3), "6")
    )
    assert (changed.name, changed.quotas["mailboxes"], changed.price_text) == ("Two+", 3, "6.00")


def test_an_edit_over_someone_elses_is_a_conflict(
    studio: Studio, reseller: tuple[Actor, int]
) -> None:
    from studio.errors import ConflictError

    actor, _ = reseller
    view = customers.create_customer(studio, actor, customer())
    customers.update_customer(studio, actor, view.id, customer(company_name="New"), view.version)
    with pytest.raises(ConflictError):
        customers.update_customer(
            studio, actor, view.id, customer(company_name="Old"), view.version
        )
    customers.set_customer_status(studio, actor, view.id, "deleted")
    with pytest.raises(FieldError) as caught:
        customers.create_customer(studio, actor, customer())
    assert caught.value.errors == {
        "email": "is the e-mail of a customer you deleted (kept for your statements)"
    }
