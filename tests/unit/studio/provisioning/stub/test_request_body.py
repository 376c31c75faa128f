"""``studio/provisioning/stub/request_body.py``: every malformed body is one typed error."""

from __future__ import annotations

import pytest

from studio.domain.json_text import nesting_depth
from studio.provisioning.protocol import MAX_JSON_DEPTH, MAX_NUMBER_CHARS
from studio.provisioning.stub.request_body import MalformedBody, parse_json_object


def _nested(depth: int) -> bytes:
    """An object holding ``depth - 1`` nested lists: ``depth`` levels in all."""
    return b'{"a": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


@pytest.mark.parametrize(
    ("raw", "depth"),
    [
        (b"", 0),
        (b"1", 0),
        (b"{}", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'["[[[", "{{{"]', 1),  # brackets inside texts do not count
        (b'["\\"[[[", "]"]', 1),  # nor after an escaped quote
        (b'["\\\\", [[]]]', 3),  # an escaped backslash ends its escape
        (b"[[]][[[]]]", 3),
        (b"[" * 100_000, 100_000),
    ],
)
def test_nesting_depth(raw: bytes, depth: int) -> None:
    assert nesting_depth(raw.decode()) == depth


def test_depth_at_the_limit_is_parsed_one_past_it_is_refused() -> None:
    innermost: list[object] = []
    expected = innermost
    for _ in range(MAX_JSON_DEPTH - 2):
        expected = [expected]
    assert parse_json_object(_nested(MAX_JSON_DEPTH)) == {"a": expected}
    with pytest.raises(MalformedBody, match=f"deeper than {MAX_JSON_DEPTH} levels"):
        parse_json_object(_nested(MAX_JSON_DEPTH + 1))


def test_a_body_deep_enough_to_exhaust_the_stack_is_refused_not_raised() -> None:
    for raw in (b"[" * 60_000, b'{"a":' * 20_000 + b"1" + b"}" * 20_000):
        with pytest.raises(MalformedBody, match="deeper than"):
            parse_json_object(raw)


def test_numbers_at_the_limit_are_parsed_one_character_more_is_refused() -> None:
    longest = "9" * MAX_NUMBER_CHARS
    assert parse_json_object(f'{{"n": {longest}}}'.encode()) == {"n": int(longest)}
    assert parse_json_object(f'{{"n": -{longest[1:]}}}'.encode()) == {"n": -int(longest[1:])}
    for number in ("9" * (MAX_NUMBER_CHARS + 1), "7" * 5_000, "1." + "5" * MAX_NUMBER_CHARS):
        with pytest.raises(MalformedBody, match=f"at most {MAX_NUMBER_CHARS}"):
            parse_json_object(f'{{"n": {number}}}'.encode())


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"n": 1e999}', "has a number too large to hold"),
        (b'{"n": -1e999}', "has a number too large to hold"),
        (b'{"n": NaN}', "has NaN, which is not a JSON value"),
        (b'{"n": Infinity}', "has Infinity, which is not a JSON value"),
        (b'{"k": 1, "k": 2}', "has the key 'k' twice"),
        (b'{"k": "\\udc00"}', "lone surrogate"),
        (b'{"\\ud800": 1}', "lone surrogate"),
        (b'{"k": ["ok", ["\\ud83d"]]}', "lone surrogate"),
        (b'{"k": "\xe9"}', "not UTF-8"),
        (b'\xef\xbb\xbf{"k": 1}', "malformed JSON"),
        (b"{not json", "malformed JSON: the body is not JSON \\(line 1: Expecting property name"),
        (b"", "must be a JSON object"),
        (b"[1, 2]", "must be a JSON object"),
        (b'"text"', "must be a JSON object"),
    ],
)
def test_malformed_bodies(raw: bytes, reason: str) -> None:
    with pytest.raises(MalformedBody, match=reason):
        parse_json_object(raw)


def test_a_well_formed_body_is_returned_as_is() -> None:
    raw = '{"name": "Contoso, café 😀", "quota": {"mailboxes": 25, "rate": 0.5}, "ids": []}'
    assert parse_json_object(raw.encode()) == {
        "name": "Contoso, café 😀",
        "quota": {"mailboxes": 25, "rate": 0.5},
        "ids": [],
    }
