"""Text at its column's length, without a database: the limit is accepted, one more
character is refused naming the limit, and each limit is the length of the column that
stores the field."""

from __future__ import annotations

import pytest
from sqlalchemy import String

from studio.db.models import EndCustomer, Reseller
from studio.domain.contact import LIMITS
from studio.domain.validation import text_value

#: Each limit and a column that stores a field under it.
COLUMNS = {
    "name": Reseller.first_name,
    "email": Reseller.email,
    "phone": Reseller.phone,
    "address": Reseller.address_line1,
    "city": Reseller.city,
    "state": Reseller.state,
    "postal_code": EndCustomer.postal_code,
    "company": Reseller.company_name,
    "website": Reseller.company_website,
    "tax_id": Reseller.company_tax_id,
}


@pytest.mark.parametrize("kind", sorted(LIMITS))
def test_text_at_the_limit_is_accepted_one_more_is_refused(kind: str) -> None:
    limit = LIMITS[kind]
    assert text_value("x" * limit, limit) == ("x" * limit, None)
    assert text_value("x" * (limit + 1), limit) == (
        "x" * (limit + 1),
        f"must be at most {limit} characters (this is {limit + 1})",
    )


def test_surrounding_spaces_do_not_count_toward_the_limit() -> None:
    assert text_value("  " + "x" * 64 + "  ", 64) == ("x" * 64, None)


@pytest.mark.parametrize("kind", sorted(COLUMNS))
def test_each_limit_is_its_column_s_length(kind: str) -> None:
    column_type = COLUMNS[kind].property.columns[0].type
    assert isinstance(column_type, String)
    assert column_type.length == LIMITS[kind]
