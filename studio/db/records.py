"""Rows and records: the columns a checked input is written as, and the input read back
from a row.

The services write and compare columns (inserts, bulk imports, an edit that saves only
what changed); they read a reseller back as the same :class:`ResellerInput` the wizard
gives, its addresses through the models' ``address`` composites. The audit log shows a
reseller by the JSON/CSV field names, the logo by its size and hash.
"""

from __future__ import annotations

import hashlib
from typing import Any

from studio.db.models import (
    Reseller,
)
from studio.domain.reseller_formats import to_flat
from studio.domain.reseller_rules import (
    ADDRESS_FIELDS,
    Address,
    Company,
    Department,
    ResellerInput,
)


def address_columns(address: Address, prefix: str = "") -> dict[str, str]:
    """The columns of a postal address (``<prefix>address_line1`` … ``<prefix>country``),
    for statements that write columns (inserts, the import's bulk insert, edits that
    compare column by column); reads use the models' ``address`` composites.

    A composite is rebuilt from its columns at the next flush: after writing columns,
    flush before reading ``row.address`` again (the services do)."""
    return {f"{prefix}{field}": getattr(address, attr) for attr, field in ADDRESS_FIELDS.items()}


def reseller_input(row: Reseller, with_logo: bool = True) -> ResellerInput:
    return ResellerInput(
        type=row.type,
        username=row.username,
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        phone=row.phone,
        address=row.address,
        alternate_email=row.alternate_email,
        mobile=row.mobile,
        fax=row.fax,
        locale=row.locale,
        company=Company(
            name=row.company_name,
            website=row.company_website,
            email=row.company_email,
            phone=row.company_phone,
            fax=row.company_fax,
            address=row.company_address,
            tax_id=row.company_tax_id,
            departments=tuple(Department(**d) for d in row.departments),
            logo=row.logo if with_logo else None,
        ),
    )


def reseller_columns(data: ResellerInput) -> dict[str, Any]:
    """Column values of a normalised input (the password is handled apart)."""
    company = data.company
    values: dict[str, Any] = {
        "type": data.type,
        "username": data.username,
        "username_key": data.username.casefold(),
        "first_name": data.first_name,
        "last_name": data.last_name,
        "email": data.email,
        "email_key": data.email.casefold(),
        "alternate_email": data.alternate_email,
        "phone": data.phone,
        "mobile": data.mobile,
        "fax": data.fax,
        "locale": data.locale,
        "company_name": company.name,
        "company_website": company.website,
        "company_email": company.email,
        "company_phone": company.phone,
        "company_fax": company.fax,
        "company_tax_id": company.tax_id,
        "departments": [
            {"name": d.name, "phone": d.phone, "email": d.email, "signature": d.signature}
            for d in company.departments
        ],
        "logo": company.logo,
    }
    values.update(address_columns(data.address))
    values.update(address_columns(company.address, "company_"))
    return values


def reseller_audit_fields(data: ResellerInput) -> dict[str, str]:
    """Every field as the audit log shows it; the logo by size and content hash."""
    fields = to_flat(data)
    logo = data.company.logo
    if logo:
        digest = hashlib.sha256(logo).hexdigest()[:12]
        fields["company.logo"] = f"{len(logo)} bytes, sha256 {digest}"
    else:
        fields["company.logo"] = ""
    return fields
