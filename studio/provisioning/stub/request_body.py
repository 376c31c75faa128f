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

from studio.provisioning.protocol import MAX_JSON_DEPTH, MAX_NUMBER_CHARS

#: The characters that open or close a container or a text, or escape the next one.
_STRUCTURE = re.compile(rb'["\\\[\]{}]')
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
    depth = nesting_depth(raw)
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


def nesting_depth(raw: bytes) -> int:
    """The deepest nesting of ``[`` and ``{`` outside texts, in one pass over the bytes.

    Only the structural characters are visited (a regular expression finds them), so a
    64 KiB body costs about a millisecond; brackets inside a text do not count.
    """
    depth = deepest = 0
    in_text = False
    escaped_at = -1  # the position a backslash inside a text has escaped
    for match in _STRUCTURE.finditer(raw):
        position = match.start()
        char = raw[position]
        if in_text:
            if position == escaped_at:
                continue
            if char == 0x5C:  # backslash
                escaped_at = position + 1
            elif char == 0x22:  # quote
                in_text = False
        elif char == 0x22:
            in_text = True
        elif char in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif char in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


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
