"""Phone numbers keep their extension, and e-mail addresses keep RFC 5321's lengths:
nothing typed is dropped without a word, and nothing too long for a mail server is
stored."""

from __future__ import annotations

import pytest

from studio.domain.contact import (
    EXTENSION_DIGITS,
    LIMITS,
    email_value,
    phone_display,
    phone_value,
)


@pytest.mark.parametrize(
    "typed",
    [
        "+44 20 7946 0958 ext. 12",
        "+44 20 7946 0958 x12",
        "+44 20 7946 0958 extension 12",
        "+44 20 7946 0958 #12",
        "020 7946 0958 ext 12",
        "tel:+44-20-7946-0958;ext=12",
    ],
)
def test_a_phone_extension_is_kept(typed: str) -> None:
    assert phone_value(typed, "GB") == ("+442079460958;ext=12", None)


def test_a_phone_without_extension_is_plain_e164_as_before() -> None:
    assert phone_value("020 7946 0958", "GB") == ("+442079460958", None)
    assert phone_display("+442079460958") == "+44 20 7946 0958"


def test_the_stored_extension_is_shown_and_reads_back_unchanged() -> None:
    stored, error = phone_value("+1 202 555 0143 ext. 55")
    assert (stored, error) == ("+12025550143;ext=55", None)
    shown = phone_display(stored)
    assert shown == "+1 202-555-0143 ext. 55"
    # An edit form fills in what is stored or what is shown: both give the same number.
    assert phone_value(stored) == (stored, None)
    assert phone_value(shown) == (stored, None)


def test_an_extension_longer_than_the_column_allows_is_refused() -> None:
    longest = "4" * EXTENSION_DIGITS
    stored, error = phone_value(f"+44 20 7946 0958 ext. {longest}")
    assert error is None
    assert len(stored) <= LIMITS["phone"]
    typed = f"+442079460958;ext={longest}5"
    assert phone_value(typed) == (
        typed,
        f"extension must be at most {EXTENSION_DIGITS} digits (this is {EXTENSION_DIGITS + 1})",
    )


def _address(local: int, domain: int) -> str:
    """An address with ``local`` characters before the @ and ``domain`` after it."""
    body = (("d" * 62 + ".") * 4)[: domain - len(".com")]
    if body.endswith("."):  # a label one longer, still within DNS's 63
        body = body[:-1] + "d"
    host = f"{body}.com"
    assert len(host) == domain
    return "l" * local + "@" + host


def test_the_part_before_the_at_sign_is_at_most_64_characters() -> None:
    assert email_value(_address(64, 20)) == (_address(64, 20), None)
    text, error = email_value(_address(65, 20))
    assert text == _address(65, 20)
    assert error is not None and "too long before the @-sign" in error


def test_the_whole_address_is_at_most_254_characters() -> None:
    longest = _address(64, 254 - 65)
    assert len(longest) == 254
    assert email_value(longest) == (longest, None)
    too_long = _address(64, 254 - 64)
    assert email_value(too_long) == (too_long, "must be at most 254 characters (this is 255)")
