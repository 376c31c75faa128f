"""Resellers as JSON (``reseller create --json-file``, ``show --json``) and as CSV rows.

The field names are a contract (``docs/resellers.md``): top-level personal fields,
``company`` with its address and ``departments`` (department name → ``phone``,
``email``, ``signature``). CSV flattens ``company`` into ``company.<field>`` columns and
keeps the departments as one JSON cell, so export → import round-trips.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from studio.domain.json_text import parse_json
from studio.domain.reseller_rules import ADDRESS_FIELDS, Address, Company, Department, ResellerInput
from studio.errors import FieldError

PERSONAL_FIELDS = (
    "type",
    "username",
    "first_name",
    "last_name",
    "email",
    "alternate_email",
    "phone",
    "mobile",
    "fax",
    *ADDRESS_FIELDS.values(),
    "locale",
)
COMPANY_FIELDS = ("name", "website", "email", "phone", "fax", *ADDRESS_FIELDS.values(), "tax_id")
DEPARTMENT_FIELDS = ("phone", "email", "signature")
#: Keys ``show --json`` adds; ``create`` accepts and ignores them, so show → create works.
READ_ONLY_FIELDS = (
    "id",
    "status",
    "version",
    "has_password",
    "subscriptions",
    "created_at",
    "updated_at",
)
CSV_COLUMNS = (
    "id",
    "status",
    *PERSONAL_FIELDS,
    *(f"company.{name}" for name in COMPANY_FIELDS),
    "company.departments",
    "created_at",
)


def _address(values: Mapping[str, str]) -> Address:
    return Address(**{attr: values.get(name, "") for attr, name in ADDRESS_FIELDS.items()})


def _address_fields(address: Address) -> dict[str, str]:
    return {name: getattr(address, attr) for attr, name in ADDRESS_FIELDS.items()}


def _strings(obj: Mapping[str, Any], names: tuple[str, ...], prefix: str) -> dict[str, str]:
    """The named string fields; a non-string value is a field error."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in names:
        value = obj.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[f"{prefix}{name}"] = f"must be text, not {type(value).__name__}"
        else:
            values[name] = value
    if errors:
        raise FieldError(errors)
    return values


def _unknown(obj: Mapping[str, Any], known: tuple[str, ...], prefix: str) -> dict[str, str]:
    return {f"{prefix}{key}": "is not a known field" for key in obj if key not in known}


def departments_from_json(value: Any, field: str = "company.departments") -> tuple[Department, ...]:
    """``{"Billing": {"phone": …, "email": …, "signature": …}, …}`` in order."""
    if value is None:  # not given: the departments every company starts with
        return Company().departments
    if not isinstance(value, dict):
        raise FieldError.single(field, "must be an object: department name → details")
    departments = []
    errors: dict[str, str] = {}
    for name, details in value.items():
        if not isinstance(details, dict):
            errors[f"{field}.{name}"] = "must be an object with phone, email and signature"
            continue
        errors.update(_unknown(details, DEPARTMENT_FIELDS, f"{field}.{name}."))
        try:
            values = _strings(details, DEPARTMENT_FIELDS, f"{field}.{name}.")
        except FieldError as exc:
            errors.update(exc.errors)
            continue
        departments.append(Department(str(name), **values))
    if errors:
        raise FieldError(errors)
    return tuple(departments)


def departments_to_json(departments: tuple[Department, ...]) -> dict[str, dict[str, str]]:
    """The inverse of :func:`departments_from_json`."""
    return {
        d.name: {"phone": d.phone, "email": d.email, "signature": d.signature} for d in departments
    }


def from_json(obj: Any) -> ResellerInput:
    """A :class:`ResellerInput` from the JSON object; the password is taken if present.

    Raises:
        FieldError: the object is not shaped as documented (wrong types, unknown keys).
    """
    if not isinstance(obj, dict):
        raise FieldError.single("json-file", "must hold a JSON object")
    known = (*PERSONAL_FIELDS, "password", "company", *READ_ONLY_FIELDS)
    errors = _unknown(obj, known, "")
    company_obj = obj.get("company") or {}
    if not isinstance(company_obj, dict):
        raise FieldError.single("company", "must be an object")
    errors.update(_unknown(company_obj, (*COMPANY_FIELDS, "departments"), "company."))
    personal: dict[str, str] = {}
    company: dict[str, str] = {}
    departments: tuple[Department, ...] = ()
    try:
        personal = _strings(obj, PERSONAL_FIELDS, "")
    except FieldError as exc:
        errors.update(exc.errors)
    try:
        company = _strings(company_obj, COMPANY_FIELDS, "company.")
    except FieldError as exc:
        errors.update(exc.errors)
    try:
        departments = departments_from_json(company_obj.get("departments"))
    except FieldError as exc:
        errors.update(exc.errors)
    password = obj.get("password")
    if password is not None and not isinstance(password, str):
        errors["password"] = "must be text"
    if errors:
        raise FieldError(errors)
    return ResellerInput(
        type=personal["type"],
        username=personal["username"],
        first_name=personal["first_name"],
        last_name=personal["last_name"],
        email=personal["email"],
        alternate_email=personal["alternate_email"],
        phone=personal["phone"],
        mobile=personal["mobile"],
        fax=personal["fax"],
        address=_address(personal),
        locale=personal["locale"],
        password=password,
        company=Company(
            name=company["name"],
            website=company["website"],
            email=company["email"],
            phone=company["phone"],
            fax=company["fax"],
            address=_address(company),
            tax_id=company["tax_id"],
            departments=departments,
        ),
    )


def to_json(data: ResellerInput) -> dict[str, Any]:
    """The documented JSON object (no password: it is never read back)."""
    personal = {
        "type": data.type,
        "username": data.username,
        "first_name": data.first_name,
        "last_name": data.last_name,
        "email": data.email,
        "alternate_email": data.alternate_email,
        "phone": data.phone,
        "mobile": data.mobile,
        "fax": data.fax,
        **_address_fields(data.address),
        "locale": data.locale,
    }
    company = data.company
    return {
        **personal,
        "company": {
            "name": company.name,
            "website": company.website,
            "email": company.email,
            "phone": company.phone,
            "fax": company.fax,
            **_address_fields(company.address),
            "tax_id": company.tax_id,
            "departments": departments_to_json(company.departments),
        },
    }


def to_flat(data: ResellerInput) -> dict[str, str]:
    """One CSV row's reseller columns (``company.*`` flattened, departments as JSON)."""
    nested = to_json(data)
    company = nested.pop("company")
    flat = {name: str(value) for name, value in nested.items()}
    for name in COMPANY_FIELDS:
        flat[f"company.{name}"] = company[name]
    flat["company.departments"] = json.dumps(company["departments"], ensure_ascii=False)
    return flat


def from_flat(row: Mapping[str, str]) -> ResellerInput:
    """A :class:`ResellerInput` from a CSV row (no password: imports never carry one)."""
    cell = row.get("company.departments", "").strip()
    departments_obj = parse_json(cell, "company.departments") if cell else None
    obj: dict[str, Any] = {name: row.get(name, "") for name in PERSONAL_FIELDS}
    obj["company"] = {name: row.get(f"company.{name}", "") for name in COMPANY_FIELDS}
    obj["company"]["departments"] = departments_obj
    return from_json(obj).without_password()
