"""The text rule (``studio.domain.validation``): what a text field accepts and refuses."""

from __future__ import annotations

import pytest

from studio.domain.password_policy import password_error
from studio.domain.validation import surrogate_problem, text_problem, text_value


@pytest.mark.parametrize(
    ("value", "multiline", "expected"),
    [
        ("Zoë 王 😀 مرحبا", False, None),
        ("Kind regards,\n\tBilling", True, None),
        ("Kind regards,\nBilling", False, "must not contain control characters (U+000A at"),
        ("a\x07b", True, "must not contain control characters (U+0007 at character 2)"),
        ("\x85next line", True, "must not contain control characters (U+0085"),
        ("Ada\ud83d", False, "must not contain a lone surrogate (U+D83D at character 4)"),
        ("\udcffsignature", True, "must not contain a lone surrogate (U+DCFF at character 1)"),
        ("\u202egnp.exe", False, "must not contain bidirectional control characters (U+202E"),
        ("a\u2066b\u2069", False, "must not contain bidirectional control characters (U+2066"),
        ("name\u200f", True, "must not contain bidirectional control characters (U+200F"),
        ("\u061cx", False, "must not contain bidirectional control characters (U+061C"),
        ("one\u2028two", False, "must be one line (U+2028 at character 4 is a line break)"),
        ("one\u2028two", True, None),
        ("zero\u200dwidth joiner 👩\u200d💻", False, None),
    ],
)
def test_text_problem_names_the_first_refused_character(
    value: str, multiline: bool, expected: str | None
) -> None:
    problem = text_problem(value, multiline=multiline)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and problem.startswith(expected), problem


def test_text_is_stored_in_nfc_and_counted_after() -> None:
    decomposed = "Zoe\u0301"  # e + combining acute: five code points, four characters
    assert text_value(decomposed, 4) == ("Zo\u00e9", None)
    assert text_value("e\u0301" * 3, 3) == ("\u00e9" * 3, None)
    assert text_value("e\u0301" * 4, 3)[1] == "must be at most 3 characters (this is 4)"


def test_a_multiline_field_keeps_its_line_breaks_as_newlines() -> None:
    assert text_value(" a\r\nb\rc\n ", 10, multiline=True) == ("a\nb\nc", None)
    assert text_value("a\r\nb", 10)[1] == (
        "must not contain control characters (U+000D at character 2)"
    )


def test_required_and_blank() -> None:
    assert text_value("   ", 5, required=True) == ("", "is required")
    assert text_value("   ", 5) == ("", None)


def test_a_password_with_a_lone_surrogate_is_refused_before_hashing() -> None:
    assert surrogate_problem("correct horse battery \ud83d staple") is not None
    error = password_error("correct horse battery \ud83d staple")
    assert error is not None and error.startswith("must not contain a lone surrogate")
    # Any real character may be part of a password, controls and bidi marks included.
    assert password_error("tab\there\u202e and 😀 emoji") is None
