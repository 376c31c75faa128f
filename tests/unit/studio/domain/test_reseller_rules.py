"""Property-based: whatever text arrives, the validators and create never crash.

Every outcome is either a valid, normalised reseller or a FieldError whose fields are
ones the wizard, the CLI and the import know how to show.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from studio.domain.contact import (
    country_value,
    email_value,
    locale_value,
    logo_error,
    phone_value,
    website_value,
)
from studio.domain.reseller_formats import PERSONAL_FIELDS, from_flat, to_flat
from studio.domain.reseller_rules import Address, Company, Department, ResellerInput, check_reseller
from studio.domain.validation import text_value
from studio.errors import FieldError
from tests.support.resellers import sample_reseller

anything = st.text(max_size=300)
KNOWN_FIELDS = set(PERSONAL_FIELDS) | {"password", "password_confirmation", "type"}


def _known(field: str) -> bool:
    return field in KNOWN_FIELDS or field.startswith("company.")


#: Any code point, lone surrogates and controls included: what a wrongly decoded file holds.
any_code_point = st.text(st.characters(exclude_categories=()), max_size=300)


@given(any_code_point, st.integers(min_value=1, max_value=200), st.booleans(), st.booleans())
def test_text_value_trims_or_names_the_problem(
    value: str, limit: int, required: bool, multiline: bool
) -> None:
    text, error = text_value(value, limit, required=required, multiline=multiline)
    # The verdict worked out independently: trimmed, then the first rule broken.
    expected = value.strip()
    if multiline:
        expected = expected.replace("\r\n", "\n").replace("\r", "\n")
    allowed = {"\n", "\t"} if multiline else set()
    bidi = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
    one_line_breaks = set() if multiline else {"\u2028", "\u2029"}
    if not expected:
        assert (text, error) == ("", "is required" if required else None)
    elif any(unicodedata.category(c) == "Cs" for c in expected):
        assert error is not None and error.startswith("must not contain a lone surrogate")
    elif any(
        (unicodedata.category(c) == "Cc" and c not in allowed) or c in bidi or c in one_line_breaks
        for c in expected
    ):
        assert error is not None and error.startswith(("must not contain", "must be one line"))
    elif len(unicodedata.normalize("NFC", expected)) > limit:
        length = len(unicodedata.normalize("NFC", expected))
        assert error == f"must be at most {limit} characters (this is {length})"
    else:
        assert (text, error) == (unicodedata.normalize("NFC", expected), None)


@given(anything, st.sampled_from(["", "US", "GB", "DE", "JP", "zz"]))
def test_field_validators_never_raise(value: str, country: str) -> None:
    for result in (
        email_value(value),
        phone_value(value, country),
        country_value(value),
        locale_value(value),
        website_value(value),
    ):
        normalised, error = result
        assert isinstance(normalised, str)
        assert error is None or (isinstance(error, str) and error)


@given(st.binary(max_size=64))
def test_logo_check_never_raises(data: bytes) -> None:
    assert logo_error(data) in (None, "must be a PNG, JPEG or SVG image")


names = st.text(min_size=0, max_size=80)
resellers = st.builds(
    ResellerInput,
    type=st.sampled_from(["commission", "subscription", "", "gold"]),
    username=st.one_of(st.from_regex(r"[a-z][a-z0-9._-]{2,20}", fullmatch=True), names),
    first_name=names,
    last_name=names,
    email=st.one_of(st.emails(), names),
    phone=st.one_of(st.just("+44 20 7946 0958"), names),
    address=st.builds(
        Address, names, names, names, names, names, st.sampled_from(["GB", "", "xx"])
    ),
    company=st.builds(
        Company,
        name=names,
        website=names,
        departments=st.lists(
            st.builds(Department, names, names, names, st.text(max_size=500)), max_size=4
        ).map(tuple),
    ),
    password=st.one_of(st.none(), names),
    locale=st.sampled_from(["", "en-GB", "xx-YY", "de"]),
)


def test_a_valid_reseller_passes_and_round_trips_through_csv() -> None:
    data = sample_reseller().without_password()
    normalised, errors = check_reseller(data)
    assert errors == {}
    assert from_flat(to_flat(normalised)) == normalised


@given(resellers)
def test_check_reseller_returns_valid_data_or_known_fields(data: ResellerInput) -> None:
    normalised, errors = check_reseller(data)
    assert all(_known(field) and message for field, message in errors.items())
    if not errors:
        assert check_reseller(normalised)[1] == {}


@given(st.dictionaries(st.sampled_from([*PERSONAL_FIELDS, "company.name"]), names))
def test_csv_rows_become_input_or_field_errors(row: dict[str, str]) -> None:
    try:
        data = from_flat(row)
    except FieldError as exc:
        assert all(_known(f) for f in exc.errors)
        return
    check_reseller(data)
