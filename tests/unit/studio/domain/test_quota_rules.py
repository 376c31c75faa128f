"""Quota arithmetic without a database: quotas as typed, prices, what customers hold
together, and a sale at the exact limits of a reseller subscription."""

from __future__ import annotations

import pytest

from studio.domain.catalog import CATALOG
from studio.domain.quota_rules import (
    held_totals,
    price_cents,
    quota_values,
    sale_quota_errors,
)

EXCHANGE = CATALOG["exchange"]
#: A reseller subscription of 20 mailboxes of at most 2,048 MB each.
LIMITS = {"mailboxes": 20, "mailbox_size_mb": 2048}


def _errors(held: dict[str, int], wanted: dict[str, int], oversell: bool = False) -> dict[str, str]:
    return sale_quota_errors(
        EXCHANGE,
        9,
        limits=LIMITS,
        held=held,
        wanted=wanted,
        what="Mail 8",
        oversell_allowed=oversell,
    )


def test_exactly_what_is_left_may_be_sold() -> None:
    assert _errors({"mailboxes": 16}, {"mailboxes": 4}) == {}


def test_one_more_than_what_is_left_is_refused_naming_the_quota() -> None:
    assert _errors({"mailboxes": 16}, {"mailboxes": 5}) == {
        "quota.mailboxes": "Mailboxes: subscription #9 holds 20 mailboxes, 4 left; Mail 8 needs 5"
    }


def test_nothing_left_refuses_even_one() -> None:
    assert _errors({"mailboxes": 20}, {"mailboxes": 1}) == {
        "quota.mailboxes": "Mailboxes: subscription #9 holds 20 mailboxes, 0 left; Mail 8 needs 1"
    }


def test_overselling_lifts_pooled_limits_only() -> None:
    assert _errors({"mailboxes": 20}, {"mailboxes": 7}, oversell=True) == {}
    assert _errors({}, {"mailbox_size_mb": 2049}, oversell=True) == {
        "quota.mailbox_size_mb": "Mailbox size: subscription #9 allows 2,048 MB each; "
        "Mail 8 gives 2,049"
    }


def test_a_size_per_item_is_a_limit_per_customer_not_a_pool() -> None:
    """Another customer's 2,048 MB mailboxes take nothing from this sale's."""
    assert _errors({"mailbox_size_mb": 2048}, {"mailbox_size_mb": 2048}) == {}
    assert "quota.mailbox_size_mb" in _errors({}, {"mailbox_size_mb": 2049})


def test_held_sums_pooled_quotas_and_takes_the_largest_size() -> None:
    holdings = [
        {"mailboxes": 3, "mailbox_size_mb": 1024},
        {"mailboxes": 5, "mailbox_size_mb": 2048},
        {"mailboxes": 1, "mailbox_size_mb": 512},
    ]
    assert held_totals(EXCHANGE, holdings) == {"mailboxes": 9, "mailbox_size_mb": 2048}


@pytest.mark.parametrize(
    ("typed", "values", "errors"),
    [
        (
            {"mailboxes": "10", "mailbox_size_mb": "2048"},
            {"mailboxes": 10, "mailbox_size_mb": 2048},
            {},
        ),
        (
            {"mailboxes": "ten", "mailbox_size_mb": "", "sites": "1"},
            {},
            {
                "quota.sites": "Hosted Exchange has no quota 'sites'",
                "quota.mailboxes": "must be a whole number",
                "quota.mailbox_size_mb": "is required",
            },
        ),
    ],
)
def test_quota_values_name_each_quota(
    typed: dict[str, str], values: dict[str, int], errors: dict[str, str]
) -> None:
    assert quota_values("exchange", typed) == (values, errors)


@pytest.mark.parametrize(
    ("typed", "values", "errors"),
    [
        (
            {"mailbox_size_mb": "1024"},
            {"mailbox_size_mb": 1024},
            {"quota.mailboxes": "is required"},
        ),
        (
            {"mailboxes": "0", "mailbox_size_mb": "1024"},
            {"mailbox_size_mb": 1024},
            {"quota.mailboxes": "must be between 1 and 100,000 mailboxes"},
        ),
        (
            {"mailboxes": "x", "mailbox_size_mb": "1024"},
            {"mailbox_size_mb": 1024},
            {"quota.mailboxes": "must be a whole number"},
        ),
    ],
)
def test_a_bad_quota_does_not_stop_the_others_being_read(
    typed: dict[str, str], values: dict[str, int], errors: dict[str, str]
) -> None:
    assert quota_values("exchange", typed) == (values, errors)


def test_a_quota_outside_the_catalog_is_named_as_given() -> None:
    """No limit is held for it: nothing of it may be sold, and the message says so."""
    assert _errors({}, {"archive_gb": 1}) == {
        "quota.archive_gb": "archive_gb: subscription #9 holds 0, 0 left; Mail 8 needs 1"
    }


def test_each_wanted_quota_is_checked_whatever_comes_first() -> None:
    assert _errors({"mailboxes": 16}, {"mailbox_size_mb": 1024, "mailboxes": 5}) == {
        "quota.mailboxes": "Mailboxes: subscription #9 holds 20 mailboxes, 4 left; Mail 8 needs 5"
    }


def test_quota_values_refuse_an_unknown_service() -> None:
    values, errors = quota_values("gopher", {})
    assert values == {}
    assert errors == {"service": f"must be one of {', '.join(CATALOG)}"}


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("9.99", (999, None)),
        ("0", (0, None)),
        ("12.5", (1250, None)),
        ("1.234", (None, "may have at most two decimals")),
        ("-1", (None, "must be between 0 and 1,000,000")),
        ("nine", (None, "must be an amount, e.g. 9.99")),
    ],
)
def test_prices_are_whole_cents(text: str, result: tuple[int | None, str | None]) -> None:
    assert price_cents(text) == result
