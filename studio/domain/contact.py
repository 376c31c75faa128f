"""Contact details as the world types them: text, phone numbers, countries, locales, URLs.

Pure, no I/O: one validator set for the New Reseller wizard, Edit, the command line and
the CSV import. Each ``*_value`` function returns ``(normalised value, error)``; exactly
one of them is meaningful. Text is stored as typed (accents, CJK, right-to-left scripts,
emoji, text that looks like SQL or HTML) with surrounding spaces trimmed; the characters
the text rule refuses (``studio.domain.validation.text_value``, re-exported here) never
get in.
"""

from __future__ import annotations

import re
from functools import lru_cache

from studio.domain.validation import text_value

#: Longest accepted value per kind of field, stated in the refusal message.
LIMITS = {
    "name": 64,
    "email": 254,
    "phone": 32,
    "address": 120,
    "city": 80,
    "state": 80,
    "postal_code": 20,
    "company": 120,
    "website": 253,
    "tax_id": 40,
    "department": 40,
    "signature": 4000,
}
#: A phone extension's longest length: E.164's 16 characters, the mark and this many
#: digits fit the phone column's 32.
EXTENSION_DIGITS = 10
EXTENSION_MARK = ";ext="


def email_value(value: str, *, required: bool = False) -> tuple[str, str | None]:
    """A syntactically valid e-mail address (email-validator), trimmed; case kept.

    At most 64 characters before the @ (RFC 5321) and 254 in all: email-validator checks
    the first only in its strict mode, so it is asked for."""
    text, error = text_value(value, LIMITS["email"], required=required)
    if error or not text:
        return text, error
    return text, _email_syntax_error(text)


@lru_cache(maxsize=8192)
def _email_syntax_error(text: str) -> str | None:
    """email-validator's verdict; cached because an import repeats addresses a lot."""
    # Imported on first use: the window's first paint does not wait for it.
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(text, check_deliverability=False, strict=True)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def phone_value(
    value: str, default_country: str = "", *, required: bool = False
) -> tuple[str, str | None]:
    """A phone number stored as E.164 (``+441632960961``), parsed with phonenumbers.

    Numbers without ``+`` are read as national numbers of ``default_country`` (the
    address's country), as people type them. An extension (``ext. 12``, ``x12``,
    ``#12``) is kept after the number as RFC 3966 writes it: ``+442079460958;ext=12``,
    which phonenumbers reads back (:func:`phone_display` shows ``+44 20 7946 0958 x12``).
    Numbers stored before extensions were kept are plain E.164 and read as before.
    """
    text, error = text_value(value, LIMITS["phone"], required=required)
    if error or not text:
        return text, error
    return _parse_phone(text, default_country.strip().upper())


@lru_cache(maxsize=8192)
def _parse_phone(text: str, country: str) -> tuple[str, str | None]:
    """Parse and validate once per (text, country): departments often share a number."""
    import phonenumbers  # start-up

    region = country or None
    if not text.startswith("+") and region is None:
        return text, "choose the country first, or start with + and the country code"
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return text, "is not a phone number"
    if not phonenumbers.is_valid_number(number):
        return text, "is not a valid phone number for its country"
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    extension = number.extension or ""
    if not extension:
        return e164, None
    if len(extension) > EXTENSION_DIGITS:
        return (
            text,
            f"extension must be at most {EXTENSION_DIGITS} digits (this is {len(extension)})",
        )
    return f"{e164}{EXTENSION_MARK}{extension}", None


def phone_display(e164: str) -> str:
    """``+441632960961`` → ``+44 1632 960961`` (international format), for showing;
    an extension as the number's country writes it (``+442079460958;ext=12`` →
    ``+44 20 7946 0958 x12``)."""
    if not e164:
        return ""
    import phonenumbers  # start-up

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → common English name, sorted by name."""
    import pycountry  # start-up

    names = {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    return dict(sorted(names.items(), key=lambda item: item[1]))


def country_value(value: str, *, required: bool = False) -> tuple[str, str | None]:
    """An ISO 3166-1 alpha-2 code, upper case."""
    code = value.strip().upper()
    if not code:
        return "", "is required" if required else None
    if code not in countries():
        return code, f"{value.strip()!r} is not an ISO 3166 country code (e.g. US, GB, DE)"
    return code, None


def warm_up() -> None:
    """Load what the validators read on first use (pycountry's countries and languages,
    email-validator, phonenumbers and a region's metadata), so that forms checking as
    you type never load it on the GUI thread. Call it from a background task."""
    countries()
    _languages()
    email_value("warm.up@example.com")
    phone_value("+1 202 555 0143")
    website_value("https://münchen.de/")


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    import pycountry  # start-up

    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


_LOCALE = re.compile(r"^([A-Za-z]{2})(?:[-_]([A-Za-z]{2}))?$")


def locale_value(value: str) -> tuple[str, str | None]:
    """A language and optional region, as a BCP 47 tag: ``en-GB``, ``de``, ``ja-JP``."""
    text = value.strip()
    if not text:
        return "", None
    match = _LOCALE.match(text)
    if not match or match.group(1).lower() not in _languages():
        return text, "must be a language code with an optional region, e.g. en-US or de-DE"
    language, region = match.group(1).lower(), (match.group(2) or "").upper()
    if region and region not in countries():
        return text, f"{region!r} is not an ISO 3166 region"
    return f"{language}-{region}" if region else language, None


def website_value(value: str) -> tuple[str, str | None]:
    """An http(s) URL (:mod:`studio.domain.web_address`), kept as typed;
    ``example.com`` becomes ``https://example.com``."""
    text, error = text_value(value, LIMITS["website"])
    if error or not text:
        return text, error
    # Imported on first use: rfc3986 and idna's tables are not needed for the first paint.
    from studio.domain.web_address import web_address_error, with_scheme

    url = with_scheme(text)
    if len(url) > LIMITS["website"]:
        return text, f"must be at most {LIMITS['website']} characters (this is {len(url)})"
    problem = web_address_error(url)
    if problem:
        return text, problem
    return url, None


#: Logo formats accepted by content, not by file name.
LOGO_MAX_BYTES = 1024 * 1024


def logo_error(data: bytes) -> str | None:
    """Why ``data`` is not an acceptable logo (PNG, JPEG or SVG, at most 1 MiB)."""
    if len(data) > LOGO_MAX_BYTES:
        return f"must be at most 1 MiB (this is {len(data) / 1024 / 1024:.1f} MiB)"
    if logo_type(data) is None:
        return "must be a PNG, JPEG or SVG image"
    return None


def logo_type(data: bytes) -> str | None:
    """``image/png``, ``image/jpeg``, ``image/svg+xml`` by the file's content, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    head = data[:1024].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml"
    return None
