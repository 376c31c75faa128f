"""Deleting a reseller and changing its status, as an administrator meets them: a
reseller holding anything on a server or any end customer is not deleted (and nothing
changes); one whose subscriptions all ended goes with its plans, customers and jobs,
its history staying in the audit log; suspending and activating write one job per
subscription that must follow, and none for those already busy or held by the
reseller's own decision about an end customer."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from studio.context import Studio
from studio.db.models import (
    AuditEvent,
    CustomerPlan,
    EndCustomer,
    ProvisioningJob,
    Reseller,
    Subscription,
)
from studio.domain.actors import Actor, Role
from studio.errors import ConflictError, FieldError, StudioError
from studio.services import customer_plans, customer_sales, customers
from studio.services.customer_plans import PlanInput
from studio.services.customer_sales import SaleInput
from studio.services.reseller_settings import get_reseller_settings, save_reseller_settings
from studio.services.resellers import (
    ResellerNotFound,
    availability_errors,
    delete_reseller,
    get_reseller,
    set_reseller_status,
    update_reseller,
)
from tests.support.panel import active_subscription, customer, make_reseller, sign_in


def _counts(studio: Studio) -> dict[str, int]:
    with studio.unit_of_work() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Reseller, Subscription, ProvisioningJob, CustomerPlan, EndCustomer)
        }


def _set(studio: Studio, model: type, row_id: int, **values: object) -> None:
    with studio.unit_of_work() as session:
        row = session.get(model, row_id)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)


def _sale(studio: Studio, admin: Actor) -> tuple[int, int, int, int]:
    """Reseller 1 with an active subscription, a plan, a customer and its sale:
    (reseller, its subscription, the customer, the sold subscription)."""
    reseller = make_reseller(studio, admin).id
    own = active_subscription(studio, reseller)
    actor = sign_in(studio, "reseller1")
    quotas = {"mailboxes": "2", "mailbox_size_mb": "512"}
    plan = customer_plans.create_plan(studio, actor, PlanInput("Two", own, quotas, "1"))
    buyer = customers.create_customer(studio, actor, customer(1)).id
    sold = customer_sales.subscribe_customer(studio, actor, SaleInput(buyer, plan_id=plan.id))
    return reseller, own, buyer, sold.id


def test_a_reseller_holding_a_live_subscription_is_not_deleted(
    studio: Studio, admin: Actor
) -> None:
    reseller = make_reseller(studio, admin).id
    active_subscription(studio, reseller)
    before = _counts(studio)
    with pytest.raises(StudioError) as refused:
        delete_reseller(studio, admin, reseller)
    assert str(refused.value) == (
        "Ada Lovelace1 has 1 subscription(s) still active: they must be removed on their "
        "servers first; suspend the reseller instead"
    )
    assert _counts(studio) == before


def test_a_reseller_with_end_customers_is_not_deleted(studio: Studio, admin: Actor) -> None:
    reseller, own, _buyer, sold = _sale(studio, admin)
    for sub in (own, sold):
        _set(studio, Subscription, sub, status="failed")
    before = _counts(studio)
    with pytest.raises(StudioError) as refused:
        delete_reseller(studio, admin, reseller)
    assert str(refused.value) == (
        "Ada Lovelace1 has 1 end customer(s): they must be deleted in its panel first; "
        "suspend the reseller instead"
    )
    assert _counts(studio) == before


def test_a_reseller_whose_subscriptions_ended_goes_with_all_it_held(
    studio: Studio, admin: Actor
) -> None:
    reseller, own, buyer, sold = _sale(studio, admin)
    for sub in (own, sold):
        _set(studio, Subscription, sub, status="failed")
    _set(studio, EndCustomer, buyer, status="deleted")
    assert delete_reseller(studio, admin, reseller) == "Ada Lovelace1"
    assert _counts(studio) == {
        "reseller": 0,
        "subscription": 0,
        "provisioning_job": 0,
        "customer_plan": 0,
        "end_customer": 0,
    }
    with studio.unit_of_work() as session:
        history = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.entity == "reseller", AuditEvent.entity_id == str(reseller)
            )
        ).all()
    assert history[0] == "reseller.create" and history[-1] == "reseller.delete"


def _jobs(studio: Studio) -> list[tuple[str, int]]:
    with studio.unit_of_work() as session:
        return [
            (job.operation, job.subscription_id)
            for job in session.scalars(select(ProvisioningJob).order_by(ProvisioningJob.id))
        ]


def test_suspending_then_activating_writes_a_job_per_subscription_that_follows(
    studio: Studio, admin: Actor
) -> None:
    reseller, own, buyer, sold = _sale(studio, admin)
    _set(studio, Subscription, sold, status="active", resource_id="res-sold")
    with studio.unit_of_work() as session:  # the sale's provision job has ended
        for job in session.scalars(select(ProvisioningJob)):
            job.state = "succeeded"  # type: ignore[assignment]
    other = active_subscription(studio, reseller)
    pending = active_subscription(studio, reseller)
    _set(studio, Subscription, pending, resource_id=None)  # nothing on a server yet
    made = len(_jobs(studio))

    set_reseller_status(studio, admin, reseller, "suspended")
    suspended = _jobs(studio)[made:]
    assert sorted(suspended) == sorted([("suspend", own), ("suspend", sold), ("suspend", other)])

    with studio.unit_of_work() as session:  # the suspensions ran; the customer is held
        for job in session.scalars(select(ProvisioningJob)):
            job.state = "succeeded"  # type: ignore[assignment]
    for sub in (own, sold, other):
        _set(studio, Subscription, sub, status="suspended")
    _set(studio, EndCustomer, buyer, status="suspended")
    _set(studio, Subscription, other, status="suspended")
    with studio.unit_of_work() as session:  # one still has a job under way
        session.add(
            ProvisioningJob(
                subscription_id=other,
                operation="suspend",
                idempotency_key="busy-key",
                server="EXCH01",
                service="exchange",
                parameters={},
                state="running",
                requested_by="test",
            )
        )
    made = len(_jobs(studio))
    set_reseller_status(studio, admin, reseller, "active")
    assert _jobs(studio)[made:] == [("resume", own)]


def test_a_status_outside_the_list_is_refused_by_field(studio: Studio, admin: Actor) -> None:
    reseller = make_reseller(studio, admin).id
    with pytest.raises(FieldError) as refused:
        set_reseller_status(studio, admin, reseller, "paused")
    assert refused.value.errors == {"status": "must be one of active, suspended"}


def test_a_status_change_is_recorded_with_its_before_and_after(
    studio: Studio, admin: Actor
) -> None:
    reseller = make_reseller(studio, admin).id
    set_reseller_status(studio, admin, reseller, "suspended")
    with studio.unit_of_work() as session:
        row = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "reseller.suspend")
        ).one()
        assert (row.entity, row.entity_id) == ("reseller", str(reseller))
        assert row.changes == {"status": ["active", "suspended"]}
        assert row.summary == "Ada Lovelace1 (reseller1)"


def test_an_edit_that_came_too_late_names_the_reseller_and_who_saved(
    studio: Studio, admin: Actor
) -> None:
    created = make_reseller(studio, admin)
    other = Actor("mallory", Role.PROVIDER_ADMINISTRATOR)
    update_reseller(
        studio, other, created.id, replace(created.data, first_name="Augusta"), created.version
    )
    with pytest.raises(ConflictError) as late:
        update_reseller(studio, admin, created.id, created.data, created.version)
    assert str(late.value).startswith("Augusta Lovelace1 was changed by mallory at ")


def test_an_unknown_reseller_is_named_by_its_id(studio: Studio, admin: Actor) -> None:
    with pytest.raises(ResellerNotFound) as missing:
        set_reseller_status(studio, admin, 999, "suspended")
    assert missing.value.reseller_id == 999
    assert str(missing.value) == "reseller 999 does not exist (it may have been deleted)"


def test_a_reseller_s_own_username_is_free_for_its_own_edit(studio: Studio, admin: Actor) -> None:
    created = make_reseller(studio, admin)
    data = created.data
    assert availability_errors(studio, admin, data.username, data.email, created.id) == {}
    assert set(availability_errors(studio, admin, data.username, data.email)) == {
        "username",
        "email",
    }


def test_an_edit_records_what_changed_and_that_a_password_was_set(
    studio: Studio, admin: Actor
) -> None:
    created = make_reseller(studio, admin)
    changed = replace(created.data, first_name="Augusta", password="An0ther-Passw0rd!")
    update_reseller(studio, admin, created.id, changed, created.version)
    with studio.unit_of_work() as session:
        row = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "reseller.update")
        ).one()
    assert row.changes["first_name"] == ["Ada", "Augusta"]
    assert row.changes["password"] == ["********", "********"]
    assert row.summary == "first_name, password"


def test_a_change_of_type_the_settings_forbid_is_refused_and_nothing_saved(
    studio: Studio, admin: Actor
) -> None:
    created = make_reseller(studio, admin)
    settings = get_reseller_settings(studio, admin)
    save_reseller_settings(
        studio,
        admin,
        [
            replace(s.as_input(), enabled=s.as_input().type != "commission")
            for s in settings.values()
        ],
    )
    commission = replace(created.data, type="commission", password=None)
    with pytest.raises(FieldError) as refused:
        update_reseller(studio, admin, created.id, commission, created.version)
    assert "type" in refused.value.errors
    assert get_reseller(studio, admin, created.id).data.type == "subscription"
