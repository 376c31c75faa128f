"""``Configure > Control Panel Website``: the rules for where the Control Panel is served.

Pure functions, no I/O: the GUI calls :func:`website_errors` on every keystroke to show
messages beside the fields, and the service calls :func:`parse_website` before it writes.
One set of rules for the form, the CLI and the service.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from studio.domain.validation import host_error, port_value
from studio.errors import FieldError

PROTOCOLS = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}

#: Field names, in the order the page shows them; also the CLI's and JSON's names.
FIELDS = ("site_name", "protocol", "host", "port", "virtual_path", "certificate")
FIELD_LABELS = {
    "site_name": "Site name",
    "protocol": "Protocol",
    "host": "Host name or IP address",
    "port": "Port",
    "virtual_path": "Virtual path",
    "certificate": "Certificate",
}

_SITE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,63}$")
_PATH_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")
_THUMBPRINT = re.compile(r"^[0-9A-Fa-f]{40}$")
_CERT_FILE_SUFFIXES = (".pfx", ".p12", ".pem", ".crt", ".cer")


@dataclass(frozen=True)
class WebsiteInput:
    """What the form or the command line gathered, as typed (the port still text)."""

    site_name: str
    protocol: str
    host: str
    port: str
    virtual_path: str
    certificate: str = ""


@dataclass(frozen=True)
class Website:
    """Valid, normalised website settings."""

    site_name: str
    protocol: str
    host: str
    port: int
    virtual_path: str
    certificate: str

    @property
    def url(self) -> str:
        """The Control Panel's address, as an administrator would type it."""
        host = self.host
        if ":" in host:  # IPv6 literal
            host = f"[{host}]"
        port = "" if DEFAULT_PORTS[self.protocol] == self.port else f":{self.port}"
        return f"{self.protocol}://{host}{port}{self.virtual_path}"

    def as_input(self) -> WebsiteInput:
        """Back to form values, e.g. to fill the page."""
        values = asdict(self)
        values["port"] = str(self.port)
        return WebsiteInput(**values)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready field values plus the resulting ``url``."""
        return {**asdict(self), "url": self.url}


DEFAULT_WEBSITE = Website(
    site_name="MachPanel Control Panel",
    protocol="http",
    host="localhost",
    port=80,
    virtual_path="/",
    certificate="",
)


def _site_name_error(value: str) -> str | None:
    if not value:
        return "is required"
    if len(value) > 64:
        return "must be at most 64 characters"
    if not _SITE_NAME.match(value):
        return (
            "may hold letters, digits, spaces and . _ ( ) - and must start with a letter or digit"
        )
    return None


def _path_value(value: str) -> tuple[str | None, str | None]:
    text = value.strip() or "/"
    if not text.startswith("/"):
        text = "/" + text
    segments = [s for s in text.split("/") if s]
    if "//" in text.rstrip("/"):
        return None, "must not contain empty segments (//)"
    for segment in segments:
        if segment in (".", ".."):
            return None, "must not contain . or .. segments"
        if not _PATH_SEGMENT.match(segment):
            return None, (f"segment {segment!r} may hold only letters, digits and . _ ~ -")
    normalised = "/" + "/".join(segments)
    if len(normalised) > 200:
        return None, "must be at most 200 characters"
    return normalised, None


def _thumbprint(value: str) -> str | None:
    """The thumbprint in canonical form (40 upper-case hex digits), or ``None``."""
    compact = value.replace(" ", "").replace(":", "")
    return compact.upper() if _THUMBPRINT.match(compact) else None


def _certificate_error(protocol: str, value: str) -> str | None:
    if protocol != "https":
        return None
    if not value:
        return "is required for https: a certificate thumbprint or a .pfx/.pem file"
    if _thumbprint(value):
        return None
    if value.lower().endswith(_CERT_FILE_SUFFIXES):
        return None
    return (
        "must be a 40-hex-digit certificate thumbprint or a path to a "
        ".pfx, .p12, .pem, .crt or .cer file"
    )


def website_errors(data: WebsiteInput) -> dict[str, str]:
    """Every invalid field with its message, in form order; empty when all is valid."""
    errors: dict[str, str] = {}
    protocol = data.protocol.strip().lower()
    checks: dict[str, str | None] = {
        "site_name": _site_name_error(data.site_name.strip()),
        "protocol": None if protocol in PROTOCOLS else "must be http or https",
        "host": host_error(data.host.strip()),
        "port": port_value(data.port)[1],
        "virtual_path": _path_value(data.virtual_path)[1],
        "certificate": _certificate_error(protocol, data.certificate.strip()),
    }
    for field in FIELDS:
        message = checks[field]
        if message:
            errors[field] = message
    return errors


def parse_website(data: WebsiteInput) -> Website:
    """Validate and normalise.

    Raises:
        FieldError: naming every invalid field.
    """
    errors = website_errors(data)
    if errors:
        raise FieldError(errors)
    port, _ = port_value(data.port)
    path, _ = _path_value(data.virtual_path)
    assert port is not None and path is not None  # guaranteed by website_errors
    protocol = data.protocol.strip().lower()
    certificate = data.certificate.strip() if protocol == "https" else ""
    certificate = _thumbprint(certificate) or certificate
    return Website(
        site_name=data.site_name.strip(),
        protocol=protocol,
        host=data.host.strip().rstrip(".").lower(),
        port=port,
        virtual_path=path,
        certificate=certificate,
    )
