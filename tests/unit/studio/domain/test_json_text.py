"""JSON parsed within limits (``studio.domain.json_text``): field errors, never tracebacks."""

from __future__ import annotations

import pytest

from studio.domain.json_text import MAX_DEPTH, MAX_NUMBER_LENGTH, nesting_depth, parse_json
from studio.errors import FieldError


def _refusal(text: str) -> str:
    with pytest.raises(FieldError) as caught:
        parse_json(text, "json-file")
    assert list(caught.value.errors) == ["json-file"]
    return caught.value.errors["json-file"]


def test_nesting_up_to_the_limit_is_read_and_one_more_is_refused() -> None:
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, "f") is not None
    deeper = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    assert _refusal(deeper) == f"is nested deeper than {MAX_DEPTH} levels"


def test_fifty_thousand_levels_are_a_field_error_not_a_recursion_error() -> None:
    assert _refusal('{"a":' * 50_000 + "1" + "}" * 50_000).startswith("is nested deeper")
    assert _refusal("[" * 50_000).startswith("is nested deeper")


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = '{"signature": "' + "[{" * 1000 + '\\"[[["}'
    assert parse_json(text, "f") == {"signature": "[{" * 1000 + '"[[['}


def test_numbers_up_to_the_limit_are_read_and_longer_ones_refused() -> None:
    assert parse_json("9" * MAX_NUMBER_LENGTH, "f") == int("9" * MAX_NUMBER_LENGTH)
    assert _refusal("9" * (MAX_NUMBER_LENGTH + 1)) == (
        f"has a number of {MAX_NUMBER_LENGTH + 1} characters (at most {MAX_NUMBER_LENGTH})"
    )
    # Past Python's own 4,300-digit limit: still a field error, not a ValueError.
    assert _refusal('{"n": ' + "1" * 5000 + "}").startswith("has a number of 5,000 characters")
    assert _refusal("0." + "1" * 200).startswith("has a number of 202 characters")


def test_infinity_and_nan_are_not_json() -> None:
    assert _refusal("1e999") == "has a number too large to hold (1e999)"
    assert _refusal("[NaN]") == "has NaN, which is not a JSON value"
    assert _refusal("-Infinity") == "has -Infinity, which is not a JSON value"


def test_a_key_given_twice_is_refused_rather_than_the_last_one_kept() -> None:
    assert _refusal('{"username": "a", "username": "b"}') == (
        "has the key 'username' twice in one object"
    )
    assert parse_json('[{"a": 1}, {"a": 2}]', "f") == [{"a": 1}, {"a": 2}]


def test_text_that_is_not_json_names_the_line_and_the_source() -> None:
    with pytest.raises(FieldError) as caught:
        parse_json('{\n"a": }', "json-file", "r.json")
    assert caught.value.errors == {"json-file": "r.json is not JSON (line 2: Expecting value)"}


def test_a_long_run_of_escaped_quotes_is_measured_in_one_pass() -> None:
    """The depth check once retried a regular expression from every escaped quote: a
    4 MiB file of them would have taken hours. One pass gives the answer at once."""
    text = '"' + '\\"' * 500_000
    with pytest.raises(FieldError, match="is not JSON"):
        parse_json(text, "json-file")
    assert nesting_depth('["' + '\\"' * 500_000 + '", [[]]]') == 3
