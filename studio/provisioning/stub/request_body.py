"""A request body read as a JSON object, refusing what could make the parser fail.

``json.loads`` alone is not safe on bytes from the network: a body of ``[[[[…`` raises
``RecursionError``, a 5,000-digit integer raises a plain ``ValueError`` (Python's limit on
converting long digit strings), ``NaN`` and ``1e999`` become floats no JSON peer can read
back, and ``"\\ud800"`` becomes a lone surrogate. Each of those escaped the stub's handler
as a traceback with no answer. Here the body is read by the studio's one JSON reader
with limits (:func:`studio.domain.json_text.load_within`, given the protocol's), which
measures the nesting before parsing and checks every number as the parser builds it;
lone surrogates are refused after. The only error that leaves this module is
:class:`MalformedBody`.
"""

from __future__ import annotations

import re
from typing import Any

from studio.domain.json_text import JsonRefused, load_within
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
    try:
        body = load_within(text or "null", max_depth=MAX_JSON_DEPTH, max_number=MAX_NUMBER_CHARS)
    except JsonRefused as exc:
        raise MalformedBody(f"malformed JSON: the body {exc}") from None
    if not isinstance(body, dict):
        raise MalformedBody("the body must be a JSON object")
    if _has_surrogate(body):
        raise MalformedBody("malformed JSON: a text holds a lone surrogate (\\ud800-\\udfff)")
    return body


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
