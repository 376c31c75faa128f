"""Service offerings, add-ons, and what Commission Based resellers may sell."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from studio.context import Studio
from studio.domain.actors import Actor, PermissionDenied, Role
from studio.domain.reseller_formats import to_json
from studio.errors import FieldError
from studio.services.offerings import (
    OfferingInput,
    delete_offering,
    list_offerings,
    reseller_offerings,
    save_offering,
    set_reseller_offerings,
)
from studio.services.resellers import create_reseller
from tests.support.cli import run
from tests.support.resellers import PASSWORD, sample_reseller

EXCHANGE = {"mailboxes": "10", "mailbox_size_mb": "2048"}


def _offering(studio: Studio, admin: Actor, name: str = "Exchange 10", **kw: str) -> int:
    data = OfferingInput(
        name, "exchange", kw.get("audience", "customer"), EXCHANGE, kw.get("price", "9.99")
    )
    return save_offering(studio, admin, data).id


def test_offerings_are_checked_and_priced_in_cents(studio: Studio, admin: Actor) -> None:
    view = save_offering(
        studio, admin, OfferingInput("Mail Pro", "exchange", "reseller", EXCHANGE, "12.5")
    )
    assert (view.price_cents, view.price_text, view.quotas["mailboxes"]) == (1250, "12.50", 10)
    with pytest.raises(FieldError) as caught:
        save_offering(
            studio,
            admin,
            OfferingInput(
                "mail pro", "exchange", "everyone", {"mailboxes": "0"}, "1.001", "weekly"
            ),
        )
    assert caught.value.errors == {
        "audience": "must be one of reseller, customer",
        "quota.mailboxes": "must be between 1 and 100,000 mailboxes",
        "quota.mailbox_size_mb": "is required",
        "price": "may have at most two decimals",
        "billing_cycle": "must be one of monthly, quarterly, yearly",
    }
    with pytest.raises(FieldError) as caught:
        save_offering(
            studio, admin, OfferingInput("MAIL PRO", "exchange", "customer", EXCHANGE, "1")
        )
    assert caught.value.errors == {"name": "is already used by another offering"}


def test_addons_hold_increments(studio: Studio, admin: Actor) -> None:
    addon = save_offering(
        studio,
        admin,
        OfferingInput("+1 mailbox", "exchange", "", {"mailboxes": "1"}, "2"),
        addon=True,
    )
    assert addon.quotas == {"mailboxes": 1}
    assert [a.name for a in list_offerings(studio, admin, addons=True)] == ["+1 mailbox"]
    with pytest.raises(FieldError) as caught:
        save_offering(studio, admin, OfferingInput("nothing", "exchange", "", {}, "1"), addon=True)
    assert caught.value.errors == {"quotas": "must add at least one quota"}


def test_commission_resellers_sell_offerings_with_a_commission_history(
    studio: Studio, admin: Actor
) -> None:
    mail = _offering(studio, admin, "Exchange 10")
    web = _offering(studio, admin, "Exchange 50")
    plan = _offering(studio, admin, "Reseller plan", audience="reseller")
    seller = create_reseller(
        studio, admin, sample_reseller(1, type="commission"), require_password=False
    )
    prepaid = create_reseller(studio, admin, sample_reseller(2), require_password=False)
    start = dt.date(2026, 11, 1)
    assigned = set_reseller_offerings(studio, admin, seller.id, [(mail, ""), (web, "15")], start)
    assert [(a.offering.name, a.commission_text) for a in assigned] == [
        ("Exchange 10", "10.00"),  # the default of Reseller Settings
        ("Exchange 50", "15.00"),
    ]
    later = dt.date(2026, 12, 1)
    set_reseller_offerings(studio, admin, seller.id, [(mail, "12.5")], later)
    on_nov = reseller_offerings(studio, admin, seller.id, dt.date(2026, 11, 15))
    on_dec = reseller_offerings(studio, admin, seller.id, dt.date(2026, 12, 15))
    assert [(a.offering.name, a.commission_bp) for a in on_nov] == [
        ("Exchange 10", 1000),
        ("Exchange 50", 1500),
    ]
    assert [(a.offering.name, a.commission_bp) for a in on_dec] == [("Exchange 10", 1250)]
    with pytest.raises(FieldError) as caught:
        set_reseller_offerings(studio, admin, prepaid.id, [(plan, "101")])
    assert caught.value.errors == {
        f"offering.{plan}": "commission must be between 0 and 100",
        "reseller": "is Subscription Based: it subscribes to reseller plans and sells its own",
    }
    with pytest.raises(FieldError) as caught:
        set_reseller_offerings(studio, admin, seller.id, [(plan, "")])
    assert "is a reseller plan" in caught.value.errors[f"offering.{plan}"]
    with pytest.raises(FieldError) as caught:
        delete_offering(studio, admin, mail)
    assert caught.value.errors == {"id": "Exchange 10 is in use: disable it instead"}
    staff = Actor("sam", Role.PROVIDER_STAFF)
    with pytest.raises(PermissionDenied):
        set_reseller_offerings(studio, staff, seller.id, [(mail, "")])
    seen = reseller_offerings(studio, staff, seller.id, dt.date(2026, 12, 15))
    assert [(a.offering.name, a.commission_bp) for a in seen] == [("Exchange 10", 1250)]


def test_offerings_on_the_command_line(tmp_path: Path) -> None:
    code, out = run(
        "offerings",
        "add",
        "--name",
        "Exchange 10",
        "--service",
        "exchange",
        "--quota",
        "mailboxes=10",
        "--quota",
        "mailbox_size_mb=2048",
        "--price",
        "9.99",
    )
    assert (code, out) == (0, "offering 1: Exchange 10\n")
    listed = json.loads(run("offerings", "list", "--json")[1])
    assert listed[0]["price"] == "9.99" and listed[0]["audience"] == "customer"
    payload = {**to_json(sample_reseller(1, type="commission").without_password())}
    path = tmp_path / "r.json"
    path.write_text(json.dumps({**payload, "password": PASSWORD}), encoding="utf-8")
    assert run("reseller", "create", "--json-file", str(path))[0] == 0
    code, out = run("offerings", "set", "1", "--offering", "1:12.5", "--json")
    assert code == 0
    assert json.loads(out)[0]["commission"] == "12.50"
    assert run("offerings", "show", "1")[1].endswith("1 offerings\n")


def test_choices_dated_in_the_future_or_past_never_overlap(studio: Studio, admin: Actor) -> None:
    mail = _offering(studio, admin, "Exchange 10")
    seller = create_reseller(
        studio, admin, sample_reseller(1, type="commission"), require_password=False
    )
    set_reseller_offerings(studio, admin, seller.id, [(mail, "10")], dt.date(2027, 1, 1))
    set_reseller_offerings(studio, admin, seller.id, [(mail, "20")], dt.date(2026, 12, 1))
    on = {
        day: [a.commission_bp for a in reseller_offerings(studio, admin, seller.id, day)]
        for day in (dt.date(2026, 11, 30), dt.date(2026, 12, 15), dt.date(2027, 2, 1))
    }
    assert on == {
        dt.date(2026, 11, 30): [],
        dt.date(2026, 12, 15): [2000],
        dt.date(2027, 2, 1): [2000],  # the plan for January was replaced, not kept beside
    }
