"""Rules for the Provisioning Service endpoint and the Remote Servers (pure, no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from studio.domain.catalog import CATALOG
from studio.domain.validation import host_error, port_value
from studio.errors import FieldError

MODES = ("embedded", "external")
_SERVER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,14}$")
MIN_TOKEN_LENGTH = 16
#: RFC 6750 bearer-token characters: what an HTTP header can carry unchanged.
_TOKEN = re.compile(r"^[A-Za-z0-9\-._~+/]+=*$")


@dataclass(frozen=True)
class ProvisioningInput:
    """``Configure > Provisioning Service`` as typed; ``token`` empty keeps the current one."""

    mode: str
    host: str
    port: str
    token: str = ""


@dataclass(frozen=True)
class RemoteServerInput:
    """A Remote Server as typed in its dialog; ``token`` empty keeps the current one."""

    name: str
    host: str
    port: str
    services: tuple[str, ...]
    token: str = ""


def token_error(token: str, required: bool) -> str | None:
    """Why ``token`` cannot be a bearer token, or None."""
    if not token:
        return "is required" if required else None
    if len(token) < MIN_TOKEN_LENGTH:
        return f"must be at least {MIN_TOKEN_LENGTH} characters"
    if not _TOKEN.match(token):
        return "may hold only letters, digits and - . _ ~ + / (a bearer token)"
    return None


def provisioning_errors(data: ProvisioningInput, token_required: bool) -> dict[str, str]:
    """Every invalid field of the Provisioning Service form, in form order."""
    checks = {
        "mode": None if data.mode in MODES else "must be embedded or external",
        "host": host_error(data.host.strip()) if data.mode == "external" else None,
        "port": port_value(data.port)[1] if data.mode == "external" else None,
        "token": token_error(data.token, token_required and data.mode == "external"),
    }
    return {field: message for field, message in checks.items() if message}


def remote_server_errors(data: RemoteServerInput, token_required: bool) -> dict[str, str]:
    """Every invalid field of the Remote Server dialog, in form order."""
    unknown = [s for s in data.services if s not in CATALOG]
    checks = {
        "name": None
        if _SERVER_NAME.match(data.name.strip())
        else "must be 1-15 letters, digits or hyphens, starting with a letter (e.g. EXCH01)",
        "host": host_error(data.host.strip()),
        "port": port_value(data.port)[1],
        "services": "choose at least one service"
        if not data.services
        else (f"unknown {', '.join(unknown)}" if unknown else None),
        "token": token_error(data.token, token_required),
    }
    return {field: message for field, message in checks.items() if message}


def check(errors: dict[str, str]) -> None:
    """Raise :class:`FieldError` if ``errors`` is not empty."""
    if errors:
        raise FieldError(errors)
