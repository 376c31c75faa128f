"""Field rules shared by several forms: host names and IP addresses, TCP ports.

Pure functions returning the message to show beside the field (``None`` when valid), so
the Control Panel Website page, the Provisioning Service page and the Remote Servers
dialog word their errors the same way.
"""

from __future__ import annotations

import ipaddress
import re
from decimal import Decimal, InvalidOperation

_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


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
