"""What a web address (a reseller's company website) must be: an http or https URL that a
browser opens at the host the studio checked.

The checks exist because a link that looks right can lead elsewhere: a browser reads
``https://example.com\\@evil.example`` as example.com while a lenient parser finds the
host ``evil.example``; ``user:pass@host`` hides the real host behind a familiar name;
``javascript:`` and ``data:`` run code when clicked. So, per RFC 3986 (the generic
syntax, via ``rfc3986``) and IDNA 2008 with the UTS #46 mapping (via ``idna``):

- the scheme is ``http`` or ``https``; a bare host (``example.com``, ``example.com:8080``)
  gets ``https://`` in front, but anything with a scheme of its own keeps it and is
  refused unless it is one of the two;
- no user name or password (no ``@`` before the host);
- a port, if given, is a whole number from 1 to 65535;
- no backslash and no white space anywhere: browsers and parsers disagree about both;
- a host name may be international (``münchen.de``): its ASCII form
  (``xn--mnchen-3ya.de``) must be a valid host name;
- the path, query and fragment hold only what RFC 3986 allows, plus non-ASCII letters
  (an IRI, RFC 3987), with ``%`` only as a well-formed escape.

The address is kept as the administrator typed it (trimmed, ``https://`` added to a
bare host): an international host stays readable in the forms, the list and the
exports. :func:`ascii_web_address` gives the form a program would send (punycode host,
non-ASCII percent-encoded).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

import idna
from rfc3986 import misc, uri, validators
from rfc3986.exceptions import ValidationError

from studio.domain.validation import host_error, port_value

SCHEMES = ("http", "https")

#: ``name:`` at the start, where ``name`` follows RFC 3986's scheme grammar. A colon
#: followed by a digit is a port of a bare host (``example.com:8080``), not a scheme.
_SCHEME_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(?![0-9])")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@dataclass(frozen=True)
class _Parts:
    """An address split into the pieces the rules speak of, host still as typed."""

    scheme: str
    host: str
    port: str | None
    path: str
    query: str | None
    fragment: str | None


def with_scheme(text: str) -> str:
    """``example.com/x`` → ``https://example.com/x``; an address with a scheme unchanged.

    ``javascript:alert(1)`` keeps its scheme (and is then refused): prefixing it would
    turn it into an https address with the host ``javascript``.
    """
    if _SCHEME_PREFIX.match(text):  # not "://" anywhere: a query may hold an address
        return text
    if text.startswith("//"):  # scheme-relative: the host follows
        return f"https:{text}"
    return f"https://{text}"


class _Refused(ValueError):
    """One broken rule, with the message to show beside the field."""


def web_address_error(url: str) -> str | None:
    """Why ``url`` (scheme already added) is not an acceptable web address, or ``None``."""
    try:
        parts = _split(url)
        _check_syntax(parts, _ascii_host(parts.host))
    except _Refused as refused:
        return str(refused)
    return None


def ascii_web_address(url: str) -> str:
    """A valid address in pure ASCII: the host in punycode, other non-ASCII characters
    percent-encoded as UTF-8 (RFC 3987 §3.1). For sending, not for showing.

    Raises:
        ValueError: ``url`` is not an acceptable web address.
    """
    parts = _split(url)
    reference = uri.URIReference(*_ascii_components(parts, _ascii_host(parts.host)))
    return str(reference.unsplit())


def _split(url: str) -> _Parts:
    """The scheme, host and port (with a message for each way they can be wrong), and
    the rest, split by RFC 3986's own regular expression (Appendix B)."""
    if "\\" in url:
        raise _Refused("must not contain a backslash (\\): browsers read it as /")
    if any(char.isspace() for char in url):
        raise _Refused("must not contain spaces (write them as %20)")
    match = misc.IRI_MATCHER.match(url)
    groups = match.groupdict() if match else {}
    scheme = (groups.get("scheme") or "").lower()
    if scheme not in SCHEMES:
        shown = f" (this is {scheme}:)" if scheme else ""
        raise _Refused(f"must be an http:// or https:// address{shown}")
    authority = groups.get("authority")
    if not authority:
        raise _Refused("has no host name after the //")
    if "@" in authority:
        raise _Refused("must not contain a user name or password (the part before @)")
    host, port = _host_and_port(authority)
    return _Parts(
        scheme=scheme,
        host=host,
        port=port,
        path=groups.get("path") or "",
        query=groups.get("query"),
        fragment=groups.get("fragment"),
    )


def _host_and_port(authority: str) -> tuple[str, str | None]:
    """``example.com:8080`` → ``("example.com", "8080")``; ``[::1]`` → ``("[::1]", None)``."""
    if authority.startswith("["):  # an IPv6 literal, [::1]:8080
        end = authority.find("]")
        if end < 0:
            raise _Refused("has an IPv6 address without its closing ]")
        host, rest = authority[: end + 1], authority[end + 1 :]
        if rest and not rest.startswith(":"):
            raise _Refused(f"has {rest!r} after the IPv6 address where a :port may stand")
        port = rest[1:] if rest else None
    else:
        host, colon, port_text = authority.partition(":")
        port = port_text if colon else None
    if port is not None:
        if not port:
            raise _Refused("port is empty: give one from 1 to 65535 or remove the :")
        problem = port_value(port)[1]
        if problem:
            raise _Refused(f"port {port!r} {problem}")
    return host, port


def _ascii_host(host: str) -> str:
    """The host as a DNS name or address literal in ASCII (punycode for an
    international name)."""
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise _Refused(f"host {host} is not an IPv6 address") from None
        return host
    ascii_host = host
    try:
        if not host.isascii():
            ascii_host = idna.encode(host.rstrip("."), uts46=True).decode("ascii")
        elif "xn--" in host.lower():  # typed in punycode: it must decode
            idna.decode(host.rstrip("."))
    except idna.IDNAError as exc:
        raise _Refused(f"host {host!r} is not a valid international domain name ({exc})") from None
    problem = host_error(ascii_host)
    if problem:
        raise _Refused(f"host {problem}")
    _refuse_disguised_ipv4(ascii_host)
    return ascii_host


#: A last label a browser reads as part of an IPv4 address (WHATWG URL: decimal, or hex).
_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)


def _refuse_disguised_ipv4(host: str) -> None:
    """A host whose last label is a number is an IPv4 address to a browser, however it
    is written (``0x7f000001`` and ``2130706433`` are 127.0.0.1): only the plain dotted
    form, which says what it is, is accepted."""
    last = host.rstrip(".").rsplit(".", 1)[-1]
    if not _NUMERIC_LABEL.fullmatch(last):
        return
    try:
        ipaddress.IPv4Address(host.rstrip("."))
    except ValueError:
        raise _Refused(
            f"host {host} is read by browsers as an IPv4 address; write it as four "
            "numbers from 0 to 255 (e.g. 192.0.2.10)"
        ) from None


def _ascii_components(
    parts: _Parts, ascii_host: str
) -> tuple[str, str, str | None, str | None, str | None]:
    authority = ascii_host if parts.port is None else f"{ascii_host}:{parts.port}"
    return (
        parts.scheme,
        authority,
        _percent_encode_non_ascii(parts.path),
        _percent_encode_non_ascii(parts.query),
        _percent_encode_non_ascii(parts.fragment),
    )


def _percent_encode_non_ascii(text: str | None) -> str | None:
    """Only the non-ASCII characters, as UTF-8 escapes: an IRI's path becomes a URI's
    path without hiding anything else the grammar refuses."""
    if text is None:
        return None
    return _NON_ASCII.sub(
        lambda m: "".join(f"%{byte:02X}" for byte in m.group().encode("utf-8")), text
    )


_COMPONENT_NAMES = {
    "path": "path",
    "query": "query (after ?)",
    "fragment": "fragment (after #)",
}


def _check_syntax(parts: _Parts, ascii_host: str) -> None:
    """RFC 3986's grammar over the ASCII form, for what the checks above did not cover."""
    reference = uri.URIReference(*_ascii_components(parts, ascii_host))
    validator = (
        validators.Validator()
        .allow_schemes(*SCHEMES)
        .require_presence_of("scheme", "host")
        .check_validity_of("scheme", "host", "port", "path", "query", "fragment")
    )
    try:
        validator.validate(reference)
    except ValidationError as exc:
        invalid = getattr(exc, "components", None) or []
        for component in ("path", "query", "fragment"):
            if component in invalid:
                raise _Refused(
                    f"{_COMPONENT_NAMES[component]} has characters a web address does not "
                    "allow: write them as %-escapes (< as %3C, [ as %5B), and % only before "
                    "two hex digits"
                ) from None
        raise _Refused("is not a web address") from None
