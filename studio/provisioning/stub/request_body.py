"""A request body read as a JSON object, refusing what could make the parser fail.

``json.loads`` alone is not safe on bytes from the network: a body of ``[[[[…`` raises
``RecursionError``, a 5,000-digit integer raises a plain ``ValueError`` (Python's limit on
converting long digit strings), ``NaN`` and ``1e999`` become floats no JSON peer can read
back, and ``"\\ud800"`` becomes a lone surrogate. Each of those escaped the stub's handler
as a traceback with no answer. Here the nesting is measured *before* parsing, by a loop
that cannot recurse, and every number and text is checked as the parser builds it, so the
only error that leaves this module is :class:`MalformedBody`.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from studio.domain.json_text import nesting_depth
from studio.provisioning.protocol import MAX_JSON_DEPTH, MAX_NUMBER_CHARS

_SURROGATE = re.compile("[\ud800-\udfff]")


class MalformedBody(ValueError):
    """The body is not a JSON object within the protocol's limits; the message says why."""


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """The body as a dict, or :class:`MalformedBody`. An empty body is not an object."""
    try:
        text = raw.decode("utf-8")  # strict: no other encoding, no invalid sequence
    except UnicodeDecodeError as exc:
        reason = f"malformed JSON: not UTF-8 ({exc.reason} at byte {exc.start})"
        raise MalformedBody(reason) from None
    depth = nesting_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise MalformedBody(f"malformed JSON: nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        body = json.loads(
            text or "null",
            parse_int=_integer,
            parse_float=_float,
            parse_constant=_constant,
            object_pairs_hook=_object,
        )
    except json.JSONDecodeError as exc:
        raise MalformedBody(f"malformed JSON: {exc}") from None
    except ValueError as exc:  # raised by the hooks below, with the reason
        raise MalformedBody(f"malformed JSON: {exc}") from None
    if not isinstance(body, dict):
        raise MalformedBody("the body must be a JSON object")
    if _has_surrogate(body):
        raise MalformedBody("malformed JSON: a text holds a lone surrogate (\\ud800-\\udfff)")
    return body


def _integer(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a number longer than {MAX_NUMBER_CHARS} characters")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a number longer than {MAX_NUMBER_CHARS} characters")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text} is out of range")
    return value


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object; a key given twice is refused rather than silently keeping the last."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} is given twice")
        result[key] = value
    return result


def _has_surrogate(value: Any) -> bool:
    """Whether any key or text holds a lone surrogate (walked without recursion)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
