"""Reseller sign-in, the agreement, opening a panel "as", and the panel's boundaries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select

from studio.context import Studio
from studio.db.models import AuditEvent, Reseller
from studio.domain.actors import Actor, Permission, PermissionDenied, Role
from studio.domain.reseller_settings_rules import ResellerTypeInput
from studio.domain.user_rules import NewUserInput
from studio.errors import FieldError
from studio.services import (
    customer_plans,
    customer_sales,
    customers,
    quota_usage,
    reseller_panel,
    statements,
)
from studio.services.jobs import list_jobs
from studio.services.reseller_list import list_resellers
from studio.services.reseller_settings import save_reseller_settings
from studio.services.resellers import set_reseller_status, update_reseller
from studio.services.sign_in import AccountLocked, AccountSuspended, SignInFailed, authenticate
from studio.services.subscriptions import SubscribeInput, subscribe_reseller
from studio.services.users import create_user
from tests.support.panel import active_subscription, customer, make_reseller, sign_in
from tests.support.resellers import PASSWORD, sample_reseller


def _events(studio: Studio, action: str) -> list[AuditEvent]:
    with studio.unit_of_work() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_reseller_signs_in_to_its_own_panel(studio: Studio, admin: Actor) -> None:
    made = make_reseller(studio, admin)
    actor = authenticate(studio, "Reseller1", PASSWORD)
    assert actor == Actor("reseller1", Role.RESELLER, made.id, None)
    assert [p for p in Permission if actor.can(p)] == [Permission.USE_RESELLER_PANEL]
    assert not admin.can(Permission.USE_RESELLER_PANEL)  # a provider opens it "as"


def test_a_wrong_password_is_the_same_answer_and_counts(studio: Studio, admin: Actor) -> None:
    make_reseller(studio, admin)
    with pytest.raises(SignInFailed):
        authenticate(studio, "reseller1", "wrong-password-123")
    with pytest.raises(SignInFailed):
        authenticate(studio, "nobody", "wrong-password-123")
    with studio.unit_of_work() as session:
        row = session.scalars(select(Reseller)).one()
        assert (row.failed_attempts, row.version) == (1, 1)  # counted; details untouched


def test_the_lockdown_policy_locks_a_reseller_too(studio: Studio, admin: Actor) -> None:
    make_reseller(studio, admin)
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    for _ in range(5):  # the default policy: 5 attempts
        with pytest.raises(SignInFailed):
            authenticate(studio, "reseller1", "wrong-password-123", now=now)
    with pytest.raises(SignInFailed):  # locked: no more said than to a wrong password
        authenticate(studio, "reseller1", "wrong-password-123", now=now)
    with pytest.raises(AccountLocked):
        authenticate(studio, "reseller1", PASSWORD, now=now)
    assert len(_events(studio, "reseller.locked")) == 1
    assert len(_events(studio, "sign_in.failed")) == 7  # five, one while locked, the right one


def test_a_suspended_reseller_is_told_so_only_with_the_right_password(
    studio: Studio, admin: Actor
) -> None:
    made = make_reseller(studio, admin)
    set_reseller_status(studio, admin, made.id, "suspended")
    with pytest.raises(SignInFailed):
        authenticate(studio, "reseller1", "wrong-password-123")
    with pytest.raises(AccountSuspended):
        authenticate(studio, "reseller1", PASSWORD)


def test_usernames_are_unique_across_users_and_resellers(studio: Studio, admin: Actor) -> None:
    make_reseller(studio, admin)
    data = NewUserInput(
        "reseller1", "R One", "r1@example.com", PASSWORD, PASSWORD, "provider-staff"
    )
    with pytest.raises(FieldError) as caught:
        create_user(studio, admin, data)
    assert caught.value.errors == {"username": "reseller1 is a reseller's username"}


def test_the_agreement_is_accepted_once_and_asked_again_when_the_terms_change(
    studio: Studio, admin: Actor
) -> None:
    made = make_reseller(studio, admin)
    actor = authenticate(studio, "reseller1", PASSWORD)
    with pytest.raises(FieldError) as caught:
        customers.list_customers(studio, actor)
    assert caught.value.errors == {"agreement": "must be accepted before using the panel"}
    terms = reseller_panel.agreement(studio, actor)
    assert terms.needs_acceptance and terms.type_label == "Subscription Based"
    accepted = reseller_panel.accept_agreement(studio, actor, terms.terms)
    assert not accepted.needs_acceptance and accepted.accepted_at is not None
    assert customers.list_customers(studio, actor) == []
    [event] = _events(studio, "reseller.agreement_accept")
    assert (event.actor, event.entity_id) == ("reseller1", str(made.id))

    save_reseller_settings(
        studio,
        admin,
        [
            ResellerTypeInput("subscription", True, "Prepaid", "New terms.", "0", "monthly", "USD"),
            ResellerTypeInput("commission", True, "Commission Based", "", "10", "monthly", "USD"),
        ],
    )
    again = reseller_panel.agreement(studio, actor)
    assert again.needs_acceptance and again.terms == "New terms."
    with pytest.raises(FieldError) as stale:
        reseller_panel.accept_agreement(studio, actor, terms.terms)  # what it read before
    assert stale.value.errors == {"agreement": "the terms changed meanwhile: read them again"}


def test_a_provider_opens_a_panel_as_the_reseller_recorded(studio: Studio, admin: Actor) -> None:
    made = make_reseller(studio, admin)
    as_reseller = reseller_panel.open_panel_as(studio, admin, made.id)
    assert as_reseller.reseller_id == made.id and as_reseller.on_behalf_of == admin.name
    assert as_reseller.name == f"{admin.name} as reseller1"
    assert customers.list_customers(studio, as_reseller) == []  # not asked to accept
    with pytest.raises(FieldError) as caught:
        reseller_panel.accept_agreement(studio, as_reseller, "")
    assert caught.value.errors == {"agreement": "only the reseller itself can accept its terms"}
    [event] = _events(studio, "reseller_panel.open_as")
    assert (event.actor, event.entity_id) == (admin.name, str(made.id))
    staff = Actor("staff", Role.PROVIDER_STAFF)
    with pytest.raises(PermissionDenied):
        reseller_panel.open_panel_as(studio, staff, made.id)


#: Every panel service, as a provider administrator would call it directly.
PANEL_CALLS: dict[str, Callable[[Studio, Actor], object]] = {
    "panel": reseller_panel.panel,
    "agreement": reseller_panel.agreement,
    "my_subscriptions": quota_usage.my_subscriptions,
    "list_plans": customer_plans.list_plans,
    "panel_offerings": customer_plans.panel_offerings,
    "create_plan": lambda s, a: customer_plans.create_plan(
        s, a, customer_plans.PlanInput("P", 1, {"mailboxes": "1"}, "1")
    ),
    "update_plan": lambda s, a: customer_plans.update_plan(
        s, a, 1, customer_plans.PlanInput("P", 1, {"mailboxes": "1"}, "1")
    ),
    "accept_agreement": lambda s, a: reseller_panel.accept_agreement(s, a, ""),
    "update_customer": lambda s, a: customers.update_customer(s, a, 1, customer(), 1),
    "delete_plan": lambda s, a: customer_plans.delete_plan(s, a, 1),
    "set_plan_enabled": lambda s, a: customer_plans.set_plan_enabled(s, a, 1, False),
    "list_customers": customers.list_customers,
    "create_customer": lambda s, a: customers.create_customer(s, a, customer()),
    "get_customer": lambda s, a: customers.get_customer(s, a, 1),
    "subscribe_customer": lambda s, a: customer_sales.subscribe_customer(
        s, a, customer_sales.SaleInput(1, plan_id=1)
    ),
    "customer_subscriptions": customer_sales.customer_subscriptions,
    "set_customer_status": lambda s, a: customers.set_customer_status(s, a, 1, "suspended"),
    "status_effects": lambda s, a: customers.status_effects(s, a, 1, "suspended"),
}


@pytest.mark.parametrize("call", PANEL_CALLS.values(), ids=PANEL_CALLS.keys())
def test_panel_services_refuse_provider_actors(
    studio: Studio, admin: Actor, call: Callable[[Studio, Actor], object]
) -> None:
    make_reseller(studio, admin)
    for actor in (admin, Actor("staff", Role.PROVIDER_STAFF)):
        with pytest.raises(PermissionDenied):
            call(studio, actor)


@pytest.mark.parametrize(
    "call",
    [
        list_resellers,
        lambda s, a: update_reseller(s, a, 1, sample_reseller(1), 1),
        lambda s, a: set_reseller_status(s, a, 2, "suspended"),
        lambda s, a: subscribe_reseller(s, a, SubscribeInput(1, "exchange", "EXCH01", {})),
        list_jobs,
        lambda s, a: reseller_panel.open_panel_as(s, a, 2),
        lambda s, a: reseller_panel.set_oversell(s, a, 1, True),
        quota_usage.over_usage,
    ],
    ids=[
        "list_resellers",
        "update_reseller",
        "set_reseller_status",
        "subscribe_reseller",
        "list_jobs",
        "open_panel_as",
        "set_oversell",
        "over_usage",
    ],
)
def test_provider_services_refuse_a_reseller(
    studio: Studio, admin: Actor, call: Callable[[Studio, Actor], object]
) -> None:
    make_reseller(studio, admin)
    make_reseller(studio, admin, 2)
    actor = sign_in(studio, "reseller1")
    with pytest.raises(PermissionDenied):
        call(studio, actor)


def test_a_reseller_cannot_reach_another_resellers_records(studio: Studio, admin: Actor) -> None:
    one = make_reseller(studio, admin)
    two = make_reseller(studio, admin, 2)
    sub_two = active_subscription(studio, two.id)
    second = sign_in(studio, "reseller2")
    theirs = customers.create_customer(studio, second, customer())
    plan = customer_plans.create_plan(
        studio,
        second,
        customer_plans.PlanInput(
            "Basic", sub_two, {"mailboxes": "1", "mailbox_size_mb": "100"}, "5"
        ),
    )
    first = sign_in(studio, "reseller1")
    assert one.id != two.id
    attempts: list[tuple[Callable[[], object], dict[str, str]]] = [
        (
            lambda: customers.get_customer(studio, first, theirs.id),
            {"customer": f"#{theirs.id} is not one of your customers"},
        ),
        (
            lambda: customers.set_customer_status(studio, first, theirs.id, "suspended"),
            {"customer": f"#{theirs.id} is not one of your customers"},
        ),
        (
            lambda: customer_plans.delete_plan(studio, first, plan.id),
            {"plan": f"#{plan.id} is not one of your plans"},
        ),
        (
            lambda: customer_plans.create_plan(
                studio,
                first,
                customer_plans.PlanInput("Mine", sub_two, {"mailboxes": "1"}, "5"),
            ),
            {"subscription": f"#{sub_two} is not one of your subscriptions"},
        ),
        (
            lambda: statements.commission_statement(studio, first, two.id, "2026-11"),
            {"reseller": "you can see only your own statements"},
        ),
    ]
    for attempt, errors in attempts:
        with pytest.raises(FieldError) as caught:
            attempt()
        assert caught.value.errors == errors
    assert customers.list_customers(studio, first) == []
