"""Rules for a reseller's end customers (pure, no I/O).

The person and address are checked by the same rules as a reseller's
(:mod:`studio.domain.reseller_rules`): e-mail, phone read in the address's country and stored as
E.164, ISO 3166 country. Errors use the same field names (``email``, ``city`` …).
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.domain.contact import LIMITS, email_value, phone_value
from studio.domain.reseller_rules import Address, FieldChecker, check_address
from studio.domain.validation import text_value

STATUSES = ("active", "suspended", "deleted")


@dataclass(frozen=True)
class CustomerInput:
    """An end customer as typed in the reseller panel or given to the CLI."""

    first_name: str
    last_name: str
    email: str
    phone: str
    address: Address
    company_name: str = ""


def check_customer(data: CustomerInput) -> tuple[CustomerInput, dict[str, str]]:
    """The normalised input and every invalid field, in the form's order."""
    check = FieldChecker()
    first = check.take("first_name", text_value(data.first_name, LIMITS["name"], required=True))
    last = check.take("last_name", text_value(data.last_name, LIMITS["name"], required=True))
    email = check.take("email", email_value(data.email, required=True))
    address = check_address(check, "", data.address, required=True)
    phone = check.take("phone", phone_value(data.phone, address.country, required=True))
    company = check.take("company_name", text_value(data.company_name, LIMITS["company"]))
    order = ["first_name", "last_name", "email", "phone", "address_line1", "address_line2"]
    order += ["city", "state", "postal_code", "country", "company_name"]
    errors = {name: check.errors[name] for name in order if name in check.errors}
    return CustomerInput(first, last, email, phone, address, company), errors
