"""JSON text read with limits: every JSON the studio is given goes through :func:`parse_json`.

Python's parser has no limits of its own that fail politely: an array nested 50,000
deep ends in ``RecursionError``, an integer of more than 4,300 digits in ``ValueError``,
``1e999`` quietly becomes infinity, and a key given twice keeps its last value without a
word. Here each of these is a :class:`~studio.errors.FieldError` naming the field the
JSON came in (``json-file``, ``company.departments``), before any of it is used.

Pure, no I/O: the file is read by :mod:`studio.jsonfile`; a CSV cell holding JSON (the
departments of a reseller) is parsed here too.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from studio.errors import FieldError

#: Deepest nesting of arrays and objects accepted; a reseller needs 3.
MAX_DEPTH = 64
#: Longest number accepted, in characters (digits, sign, point and exponent).
MAX_NUMBER_LENGTH = 100

#: The characters that open or close a container or a text, or escape the next one.
_STRUCTURE = re.compile(r'["\\\[\]{}]')


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` outside texts, in one pass.

    Only the structural characters are visited (a regular expression finds them), and
    each once: the cost grows with the text's length, never faster, whatever the text
    holds (a run of escaped quotes included). Brackets inside a text do not count. The
    provisioning service's stub measures request bodies with it too.
    """
    depth = deepest = 0
    in_text = False
    escaped_at = -1  # the position a backslash inside a text has escaped
    for match in _STRUCTURE.finditer(text):
        position = match.start()
        char = match.group()
        if in_text:
            if position == escaped_at:
                continue
            if char == "\\":
                escaped_at = position + 1
            elif char == '"':
                in_text = False
        elif char == '"':
            in_text = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


class JsonRefused(ValueError):
    """A JSON text outside its limits; the message says why, as a predicate of the text
    (``is nested deeper than 64 levels``)."""


def load_within(text: str, *, max_depth: int, max_number: int) -> Any:
    """The value ``text`` holds, or :class:`JsonRefused`: nesting at most ``max_depth``
    (measured before parsing, so parsing cannot recurse too deep), numbers of at most
    ``max_number`` characters and finite, no NaN or Infinity, each key once per object.
    The command line's files (:func:`parse_json`) and the stub's request bodies each
    pass their own limits."""
    if nesting_depth(text) > max_depth:
        raise JsonRefused(f"is nested deeper than {max_depth} levels")

    def number(literal: str) -> str:
        if len(literal) > max_number:
            raise JsonRefused(f"has a number of {len(literal):,} characters (at most {max_number})")
        return literal

    def real(literal: str) -> float:
        value = float(number(literal))
        if not math.isfinite(value):
            raise JsonRefused(f"has a number too large to hold ({literal})")
        return value

    try:
        return json.loads(
            text,
            parse_int=lambda literal: int(number(literal)),
            parse_float=real,
            parse_constant=_constant,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as exc:
        raise JsonRefused(f"is not JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:  # a guard only: the depth was checked above
        raise JsonRefused(f"is nested deeper than {max_depth} levels") from None


def _constant(name: str) -> float:
    raise JsonRefused(f"has {name}, which is not a JSON value")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise JsonRefused(f"has the key {key!r} twice in one object")
        obj[key] = value
    return obj


def parse_json(text: str, field: str, source: str = "") -> Any:
    """The value ``text`` holds, within the limits above.

    ``source`` (a file's path) begins each message, as in ``json-file: r.json is not
    JSON (line 1: …)``.

    Raises:
        FieldError: naming ``field`` when ``text`` is not JSON or breaks a limit.
    """
    try:
        return load_within(text, max_depth=MAX_DEPTH, max_number=MAX_NUMBER_LENGTH)
    except JsonRefused as exc:
        message = f"{source} {exc}" if source else str(exc)
        raise FieldError.single(field, message) from None
