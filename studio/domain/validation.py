"""Field rules shared by several forms: the text rule, host names and IP addresses, TCP
ports, amounts.

Pure functions returning the message to show beside the field (``None`` when valid), so
the Control Panel Website page, the Provisioning Service page, the Remote Servers
dialog, the command line and the imports word their errors the same way.

**The text rule.** Every text that enters the studio (a form, a JSON file, a CSV cell, a
command-line argument) passes :func:`text_value`, which checks its characters with
:func:`text_problem`. A lone surrogate is refused because it is not a character at all
(it comes from a file decoded wrongly or a JSON ``\\ud83d`` escape) and nothing can
encode it: stored, it would crash every reader of the row. Control characters corrupt
CSV files and mail headers; tab and newline are allowed only in multi-line fields.
Bidirectional controls (U+202A-U+202E, U+2066-U+2069) and marks (U+200E, U+200F,
U+061C) are refused because they make a name read differently from what it is
(U+202E followed by ``gnp.exe`` shows as ``exe.png``); right-to-left scripts need none of them.
Text is stored in NFC, so that ``é`` typed two ways is one name, and its length is
counted in characters after that.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from decimal import Decimal, InvalidOperation

_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")

#: Characters that reorder how the text around them is shown.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # isolates
    "\u200e\u200f\u061c"  # left-to-right, right-to-left and Arabic letter marks
)
#: The control characters a multi-line field (a signature, terms) may hold.
#: The largest id or count a database column holds (a signed 64-bit integer): ids and
#: limits past it are refused where they come in, not by the database driver.
MAX_ROW_NUMBER = 2**63 - 1
MULTILINE_CONTROLS = frozenset("\t\n")
#: Line and paragraph separators: line breaks that a one-line field must not hold.
_LINE_SEPARATORS = frozenset("\u2028\u2029")


def _where(char: str, position: int) -> str:
    return f"U+{ord(char):04X} at character {position}"


def surrogate_problem(text: str) -> str | None:
    """Why ``text`` cannot be encoded: a lone UTF-16 surrogate, or ``None``.

    Passwords are checked with this alone: any character may be part of a password, but
    a surrogate cannot be encoded for hashing."""
    if text.isprintable():  # the common case, checked in C: no surrogate either
        return None
    for position, char in enumerate(text, start=1):
        if "\ud800" <= char <= "\udfff":
            return (
                f"must not contain a lone surrogate ({_where(char, position)}): "
                "the text was not decoded correctly"
            )
    return None


def text_problem(text: str, *, multiline: bool = False) -> str | None:
    """Which character of ``text`` the text rule refuses, or ``None``.

    The rule, in order: no lone surrogate (category Cs); no control character (Cc) but
    tab and newline in a ``multiline`` field; no bidirectional control or mark; in a
    one-line field, no line or paragraph separator.
    """
    if text.isprintable():  # the common case, checked in C: none of the refused kinds
        return None
    if problem := surrogate_problem(text):
        return problem
    for position, char in enumerate(text, start=1):
        if unicodedata.category(char) == "Cc" and not (multiline and char in MULTILINE_CONTROLS):
            return f"must not contain control characters ({_where(char, position)})"
        if char in BIDI_CONTROLS:
            return f"must not contain bidirectional control characters ({_where(char, position)})"
        if char in _LINE_SEPARATORS and not multiline:
            return f"must be one line ({_where(char, position)} is a line break)"
    return None


def escaped(text: str) -> str:
    """``text`` with every character the text rule refuses written as ``\\uXXXX``: how
    text that was never accepted (a username tried at sign-in) may still be recorded,
    without a terminal or a viewer obeying it."""
    if text.isprintable():
        return text
    return "".join(
        f"\\u{ord(char):04x}" if text_problem(char) is not None else char for char in text
    )


def text_value(
    value: str, limit: int, *, required: bool = False, multiline: bool = False
) -> tuple[str, str | None]:
    """The text rule: ``(normalised text, None)``, or ``(text, why it is refused)``.

    Trimmed; in a ``multiline`` field CR LF and CR become LF; characters checked by
    :func:`text_problem`; NFC; at most ``limit`` characters (the column's length).
    """
    text = value.strip()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        return "", "is required" if required else None
    if problem := text_problem(text, multiline=multiline):
        return text, problem
    text = unicodedata.normalize("NFC", text)
    if len(text) > limit:
        return text, f"must be at most {limit} characters (this is {len(text)})"
    return text, None


def host_error(value: str) -> str | None:
    """Why ``value`` is not a host name or IP address, or ``None`` when it is."""
    if not value:
        return "is required"
    try:
        ipaddress.ip_address(value)
    except ValueError:
        pass
    else:
        return None
    if len(value) > 253:
        return "must be at most 253 characters"
    labels = value.rstrip(".").split(".")
    if re.fullmatch(r"[0-9.]+", value):
        return f"{value!r} is not a valid IPv4 address"
    if not all(_HOST_LABEL.match(label) for label in labels):
        return (
            f"{value!r} is not a host name or IP address "
            "(letters, digits and hyphens in dot-separated labels)"
        )
    return None


def hundredths_value(text: str, *, maximum: int, invalid: str) -> tuple[int | None, str | None]:
    """A non-negative amount of at most two decimals, in hundredths (basis points for a
    commission %, cents for a price): exact, never a float. ``invalid`` says what to type."""
    try:
        value = Decimal(text.strip().rstrip("%").strip().replace(",", ""))
    except InvalidOperation:
        return None, invalid
    if not value.is_finite() or not 0 <= value <= maximum:
        return None, f"must be between 0 and {maximum:,}"
    if value != value.quantize(Decimal("0.01")):
        return None, "may have at most two decimals"
    return int(value * 100), None


def hundredths_text(value: int) -> str:
    """``1250`` → ``12.50``."""
    return f"{Decimal(value) / 100:.2f}"


def whole_number(text: str) -> int | None:
    """``"25"`` → 25; anything that is not a whole number (``"2.5"``, ``"²"``) → None."""
    try:
        return int(str(text).strip().replace(",", ""))
    except ValueError:
        return None


def port_value(value: str) -> tuple[int | None, str | None]:
    """``(port, None)`` for a valid port text, else ``(None, message)``."""
    text = value.strip()
    if not text:
        return None, "is required"
    if not (text.isascii() and text.isdecimal()):
        return None, "must be a whole number from 1 to 65535"
    port = int(text)
    if not 1 <= port <= 65535:
        return None, "must be between 1 and 65535"
    return port, None
