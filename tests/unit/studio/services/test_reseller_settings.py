"""Reseller Settings: both types enabled by default, each field checked, one audit record."""

from __future__ import annotations

from dataclasses import replace

import pytest

from studio.context import Studio
from studio.db import audit
from studio.domain.actors import Actor, PermissionDenied, Role
from studio.domain.reseller_settings_rules import ResellerTypeInput
from studio.errors import FieldError
from studio.services.reseller_settings import (
    enabled_types,
    get_reseller_settings,
    save_reseller_settings,
)


def _inputs(studio: Studio, admin: Actor) -> dict[str, ResellerTypeInput]:
    return {k: v.as_input() for k, v in get_reseller_settings(studio, admin).items()}


def test_a_new_installation_enables_both_types(studio: Studio, admin: Actor) -> None:
    settings = get_reseller_settings(studio, admin)
    assert [t.label for t in settings.values()] == ["Commission Based", "Subscription Based"]
    assert all(t.enabled for t in settings.values())
    assert settings["commission"].commission_text == "10.00"


def test_save_normalises_and_records_once(studio: Studio, admin: Actor) -> None:
    inputs = _inputs(studio, admin)
    commission = replace(inputs["commission"], commission="12.5", currency="eur")
    subscription = replace(inputs["subscription"], enabled=False, label="Prepaid")
    saved = save_reseller_settings(studio, admin, [commission, subscription])
    assert saved["commission"].commission_bp == 1250
    assert saved["commission"].currency == "EUR"
    assert [t.type for t in enabled_types(studio, admin)] == ["commission"]
    with studio.unit_of_work() as session:
        events = audit.recent(session)
    assert len(events) == 1
    assert events[0].changes["subscription.enabled"] == [True, False]
    assert events[0].changes["commission.commission_bp"] == [1000, 1250]


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"commission": "101"}, "commission.commission", "between 0 and 100"),
        ({"commission": "12.345"}, "commission.commission", "at most two decimals"),
        ({"commission": "ten"}, "commission.commission", "must be a number"),
        ({"currency": "XYZ"}, "commission.currency", "ISO 4217"),
        ({"label": ""}, "commission.label", "1-40 characters"),
        ({"payout_cycle": "weekly"}, "commission.payout_cycle", "monthly, quarterly"),
    ],
)
def test_each_field_is_named(
    studio: Studio, admin: Actor, change: dict[str, str], field: str, fragment: str
) -> None:
    inputs = _inputs(studio, admin)
    bad = replace(inputs["commission"], **change)  # type: ignore[arg-type]
    with pytest.raises(FieldError) as caught:
        save_reseller_settings(studio, admin, [bad, inputs["subscription"]])
    assert list(caught.value.errors) == [field]
    assert fragment in caught.value.errors[field]


def test_staff_may_read_not_change(studio: Studio, admin: Actor) -> None:
    staff = Actor("staff", Role.PROVIDER_STAFF)
    assert get_reseller_settings(studio, staff)
    with pytest.raises(PermissionDenied):
        save_reseller_settings(studio, staff, list(_inputs(studio, admin).values()))
