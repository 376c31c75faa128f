"""The Control Panel Website rules: each invalid field gets its own message."""

from __future__ import annotations

from dataclasses import replace

import pytest

from studio.domain.website_rules import DEFAULT_WEBSITE, WebsiteInput, parse_website, website_errors
from studio.errors import FieldError

VALID = WebsiteInput(
    site_name="MachPanel Control Panel",
    protocol="http",
    host="cp.example.com",
    port="8080",
    virtual_path="/machpanel",
)


def test_valid_input_has_no_errors() -> None:
    assert website_errors(VALID) == {}
    assert parse_website(VALID).url == "http://cp.example.com:8080/machpanel"


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"site_name": ""}, "site_name", "is required"),
        ({"site_name": "x" * 65}, "site_name", "at most 64"),
        ({"site_name": "<script>"}, "site_name", "may hold letters"),
        ({"protocol": "ftp"}, "protocol", "http or https"),
        ({"host": ""}, "host", "is required"),
        ({"host": "bad_host"}, "host", "not a host name"),
        ({"host": "-lead.example.com"}, "host", "not a host name"),
        ({"host": "300.1.2.3"}, "host", "not a valid IPv4"),
        ({"port": ""}, "port", "is required"),
        ({"port": "0"}, "port", "between 1 and 65535"),
        ({"port": "65536"}, "port", "between 1 and 65535"),
        ({"port": "80a"}, "port", "whole number"),
        ({"port": "\u00b2"}, "port", "whole number"),
        ({"port": "\u0668\u0660"}, "port", "whole number"),
        ({"virtual_path": "/a//b"}, "virtual_path", "empty segments"),
        ({"virtual_path": "/a/../b"}, "virtual_path", ". or .."),
        ({"virtual_path": "/a b"}, "virtual_path", "segment 'a b'"),
        ({"protocol": "https"}, "certificate", "required for https"),
        ({"protocol": "https", "certificate": "abc"}, "certificate", "thumbprint"),
    ],
)
def test_each_rule_names_its_field(change: dict[str, str], field: str, fragment: str) -> None:
    errors = website_errors(replace(VALID, **change))
    assert list(errors) == [field]
    assert fragment in errors[field]
    with pytest.raises(FieldError) as caught:
        parse_website(replace(VALID, **change))
    assert caught.value.errors == errors


def test_several_bad_fields_are_reported_together_in_form_order() -> None:
    errors = website_errors(replace(VALID, port="70000", host="", site_name=""))
    assert list(errors) == ["site_name", "host", "port"]


@pytest.mark.parametrize(
    ("change", "url"),
    [
        ({"port": "80"}, "http://cp.example.com/machpanel"),
        ({"virtual_path": ""}, "http://cp.example.com:8080/"),
        ({"virtual_path": "machpanel/"}, "http://cp.example.com:8080/machpanel"),
        ({"host": "2001:db8::10"}, "http://[2001:db8::10]:8080/machpanel"),
        ({"host": "CP.Example.COM."}, "http://cp.example.com:8080/machpanel"),
        (
            {"protocol": "https", "port": "443", "certificate": "ab" * 20},
            "https://cp.example.com/machpanel",
        ),
    ],
)
def test_url_is_normalised(change: dict[str, str], url: str) -> None:
    assert parse_website(replace(VALID, **change)).url == url


def test_thumbprints_are_normalised_and_http_drops_the_certificate() -> None:
    spaced = " ".join(["ab"] * 20)
    https = parse_website(replace(VALID, protocol="https", certificate=spaced))
    assert https.certificate == "AB" * 20
    http = parse_website(replace(VALID, certificate="ignored.pfx"))
    assert http.certificate == ""


def test_defaults_are_valid() -> None:
    assert website_errors(DEFAULT_WEBSITE.as_input()) == {}
    assert DEFAULT_WEBSITE.url == "http://localhost/"
