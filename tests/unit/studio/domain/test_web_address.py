"""A company website is an http(s) address that opens where it says: no other scheme, no
credentials, a real port, no backslash, and international host names checked in their
ASCII form."""

from __future__ import annotations

from dataclasses import replace

import pytest

from studio.domain.contact import website_value
from studio.domain.reseller_rules import check_reseller
from studio.domain.web_address import ascii_web_address, web_address_error, with_scheme
from tests.support.resellers import sample_reseller


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://example.com", "https://example.com"),
        ("example.com", "https://example.com"),
        ("example.com:8080/shop", "https://example.com:8080/shop"),
        ("//example.com/x", "https://example.com/x"),
        ("http://example.com:1/", "http://example.com:1/"),
        ("https://example.com:65535/", "https://example.com:65535/"),
        ("https://[2001:db8::1]:8443/", "https://[2001:db8::1]:8443/"),
        ("https://192.0.2.10/a?b=c#d", "https://192.0.2.10/a?b=c#d"),
        ("https://example.com/a%20b?q=%C3%BC", "https://example.com/a%20b?q=%C3%BC"),
        # International names are kept as typed, for people to read.
        ("https://münchen.de/", "https://münchen.de/"),
        ("münchen.de", "https://münchen.de"),
        ("http://例え.テスト/パス?q=ü#ä", "http://例え.テスト/パス?q=ü#ä"),
        ("https://xn--mnchen-3ya.de/", "https://xn--mnchen-3ya.de/"),
        # An address in the query is the page's business, not a scheme of this one.
        (
            "example.com/login?next=https://x.example",
            "https://example.com/login?next=https://x.example",
        ),
    ],
)
def test_web_addresses_that_are_accepted(typed: str, stored: str) -> None:
    assert website_value(typed) == (stored, None)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("https://example.com:99999", "port '99999' must be between 1 and 65535"),
        ("https://example.com:65536", "port '65536' must be between 1 and 65535"),
        ("https://example.com:0", "port '0' must be between 1 and 65535"),
        ("https://example.com:-1", "port '-1' must be a whole number from 1 to 65535"),
        ("https://example.com:", "port is empty: give one from 1 to 65535 or remove the :"),
        ("https://[::1]:0/", "port '0' must be between 1 and 65535"),
        ("javascript:alert(1)", "must be an http:// or https:// address (this is javascript:)"),
        ("JavaScript:alert(1)", "must be an http:// or https:// address (this is javascript:)"),
        (
            "data:text/html,<script>alert(1)</script>",
            "must be an http:// or https:// address (this is data:)",
        ),
        ("ftp://example.com", "must be an http:// or https:// address (this is ftp:)"),
        ("mailto:sales@example.com", "must be an http:// or https:// address (this is mailto:)"),
        (
            "http://user:pass@evil.example",
            "must not contain a user name or password (the part before @)",
        ),
        (
            "https://example.com@evil.example",
            "must not contain a user name or password (the part before @)",
        ),
        (
            "https://example.com\\@evil.example",
            "must not contain a backslash (\\): browsers read it as /",
        ),
        ("https://example.com/a b", "must not contain spaces (write them as %20)"),
        ("https://", "has no host name after the //"),
        ("https://[::1/", "has an IPv6 address without its closing ]"),
        ("https://[::1]x/", "has 'x' after the IPv6 address where a :port may stand"),
        ("https://[::g]/", "host [::g] is not an IPv6 address"),
    ],
)
def test_web_addresses_that_are_refused_say_why(typed: str, message: str) -> None:
    assert website_value(typed) == (typed, message)


@pytest.mark.parametrize(
    ("typed", "start"),
    [
        ("https://exa_mple.com", "host 'exa_mple.com' is not a host name"),
        ("https://%65xample.com", "host '%65xample.com' is not a host name"),
        ("https://☃.net", "host '☃.net' is not a valid international domain name"),
        ("https://xn--zz.de", "host 'xn--zz.de' is not a valid international domain name"),
        ("https://example.com/%zz", "path has characters a web address does not allow"),
        ("https://example.com/a<b", "path has characters a web address does not allow"),
        ("https://example.com/?q=a%2", "query (after ?) has characters"),
        ("https://example.com/#a#b", "fragment (after #) has characters"),
        # A browser reads these as 127.0.0.1 (WHATWG URL's IPv4 parser).
        ("https://0x7f000001/", "host 0x7f000001 is read by browsers as an IPv4 address"),
        ("https://example.0x7f/", "host example.0x7f is read by browsers as an IPv4"),
        ("https://2130706433/", "host '2130706433' is not a valid IPv4 address"),
    ],
)
def test_hosts_and_paths_outside_the_grammar_are_refused(typed: str, start: str) -> None:
    text, error = website_value(typed)
    assert text == typed
    assert error is not None and error.startswith(start), error


def test_a_scheme_is_never_invented_for_an_address_that_has_one() -> None:
    assert with_scheme("javascript:alert(1)") == "javascript:alert(1)"
    assert with_scheme("data:,x") == "data:,x"
    assert with_scheme("example.com:443") == "https://example.com:443"
    assert with_scheme("localhost") == "https://localhost"


def test_the_length_limit_counts_the_added_scheme() -> None:
    host = ".".join(["a" * 60, "b" * 60, "c" * 60, "d" * 60, "com"])
    assert len(host) == 247  # within the limit as typed, past it with "https://"
    assert website_value(host) == (host, "must be at most 253 characters (this is 255)")


def test_the_ascii_form_is_punycode_and_percent_escapes() -> None:
    assert ascii_web_address("https://MÜNCHEN.de/ü?q=ö#ä") == (
        "https://xn--mnchen-3ya.de/%C3%BC?q=%C3%B6#%C3%A4"
    )
    assert ascii_web_address("https://example.com:8080/x") == "https://example.com:8080/x"
    assert web_address_error(ascii_web_address("http://例え.テスト/パス")) is None
    with pytest.raises(ValueError, match="must be an http:// or https:// address"):
        ascii_web_address("javascript:alert(1)")


def test_a_reseller_s_website_is_checked_under_its_field_name() -> None:
    base = sample_reseller()
    for typed in ("javascript:alert(1)", "https://example.com\\@evil.example"):
        data = replace(base, company=replace(base.company, website=typed))
        _, errors = check_reseller(data)
        assert set(errors) == {"company.website"}, errors
    data = replace(base, company=replace(base.company, website="münchen.de"))
    clean, errors = check_reseller(data)
    assert errors == {}
    assert clean.company.website == "https://münchen.de"
