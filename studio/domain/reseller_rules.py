"""A reseller as typed, and the rules it must meet (pure, no I/O).

MachPanel's New Reseller form: *Reseller Login Information*, *Customer Information* and
the company profile with its departments (Billing, Sales and Support from the start),
each with its own phone, e-mail and mail signature. The wizard, Edit, the command line
(JSON) and the CSV import all build a :class:`ResellerInput` and call
:func:`normalise`, so one rule set names the same field the same way everywhere:
``email``, ``company.name``, ``company.departments.Billing.email``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from studio.domain.contact import (
    LIMITS,
    country_value,
    email_value,
    locale_value,
    logo_error,
    phone_value,
    website_value,
)
from studio.domain.password_policy import password_error
from studio.domain.reseller_settings_rules import TYPES
from studio.domain.user_rules import username_error  # one rule: MachPanel signs resellers in by it
from studio.domain.validation import text_value
from studio.errors import FieldError

STATUSES = ("active", "suspended")
DEFAULT_DEPARTMENTS = ("Billing", "Sales", "Support")
MAX_DEPARTMENTS = 20


@dataclass(frozen=True)
class Address:
    """A postal address; the same widget and rules for the person and the company."""

    line1: str = ""
    line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""


#: Address attribute → the field name used in JSON, CSV and errors.
ADDRESS_FIELDS = {
    "line1": "address_line1",
    "line2": "address_line2",
    "city": "city",
    "state": "state",
    "postal_code": "postal_code",
    "country": "country",
}


@dataclass(frozen=True)
class Department:
    """A company department with its own contact and mail signature."""

    name: str
    phone: str = ""
    email: str = ""
    signature: str = ""


@dataclass(frozen=True)
class Company:
    """The reseller's company profile."""

    name: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    fax: str = ""
    address: Address = field(default_factory=Address)
    tax_id: str = ""
    departments: tuple[Department, ...] = tuple(Department(n) for n in DEFAULT_DEPARTMENTS)
    logo: bytes | None = None


@dataclass(frozen=True)
class ResellerInput:
    """Everything the New Reseller wizard asks, as typed.

    ``password`` is ``None`` when no password is being set (an import, or an edit that
    keeps the current one); an imported reseller cannot sign in until one is set.
    """

    type: str
    username: str
    first_name: str
    last_name: str
    email: str
    phone: str
    address: Address
    company: Company
    password: str | None = field(default=None, repr=False)
    password_confirmation: str | None = field(default=None, repr=False)
    alternate_email: str = ""
    mobile: str = ""
    fax: str = ""
    locale: str = ""

    def without_password(self) -> ResellerInput:
        """The same input with no password being set."""
        return replace(self, password=None, password_confirmation=None)


class FieldChecker:
    """Collects normalised values and errors under their field names."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def take(self, name: str, result: tuple[str, str | None]) -> str:
        """The value of a ``(value, error)`` rule result; its error (the first only)
        is kept under ``name``."""
        value, error = result
        if error and name not in self.errors:
            self.errors[name] = error
        return value


def check_address(check: FieldChecker, prefix: str, address: Address, required: bool) -> Address:
    """An address's rules, shared by resellers, their companies and end customers;
    errors are named ``<prefix>address_line1`` and so on."""
    values = {
        "line1": check.take(
            f"{prefix}address_line1",
            text_value(address.line1, LIMITS["address"], required=required),
        ),
        "line2": check.take(f"{prefix}address_line2", text_value(address.line2, LIMITS["address"])),
        "city": check.take(
            f"{prefix}city", text_value(address.city, LIMITS["city"], required=required)
        ),
        "state": check.take(f"{prefix}state", text_value(address.state, LIMITS["state"])),
        "postal_code": check.take(
            f"{prefix}postal_code", text_value(address.postal_code, LIMITS["postal_code"])
        ),
        "country": check.take(
            f"{prefix}country", country_value(address.country, required=required)
        ),
    }
    return Address(**values)


def _departments(
    check: FieldChecker, departments: tuple[Department, ...], country: str
) -> tuple[Department, ...]:
    if len(departments) > MAX_DEPARTMENTS:
        check.errors["company.departments"] = f"must be at most {MAX_DEPARTMENTS} departments"
        return departments
    seen: set[str] = set()
    result: list[Department] = []
    for position, dept in enumerate(departments, start=1):
        name, name_error = text_value(dept.name, LIMITS["department"], required=True)
        key = f"company.departments.{name or f'#{position}'}"
        if name_error:
            check.errors.setdefault(key, f"name {name_error}")
        elif name.casefold() in seen:
            check.errors.setdefault(key, "appears twice: department names must differ")
        seen.add(name.casefold())
        result.append(
            Department(
                name,
                check.take(f"{key}.phone", phone_value(dept.phone, country)),
                check.take(f"{key}.email", email_value(dept.email)),
                check.take(
                    f"{key}.signature",
                    text_value(dept.signature, LIMITS["signature"], multiline=True),
                ),
            )
        )
    return tuple(result)


def _company(check: FieldChecker, company: Company) -> Company:
    address = check_address(check, "company.", company.address, required=False)
    country = address.country or ""
    if company.logo is not None:
        problem = logo_error(company.logo)
        if problem:
            check.errors["company.logo"] = problem
    return Company(
        name=check.take("company.name", text_value(company.name, LIMITS["company"], required=True)),
        website=check.take("company.website", website_value(company.website)),
        email=check.take("company.email", email_value(company.email)),
        phone=check.take("company.phone", phone_value(company.phone, country)),
        fax=check.take("company.fax", phone_value(company.fax, country)),
        address=address,
        tax_id=check.take("company.tax_id", text_value(company.tax_id, LIMITS["tax_id"])),
        departments=_departments(check, company.departments, country),
        logo=company.logo or None,
    )


def check_reseller(
    data: ResellerInput, *, password_required: bool = False
) -> tuple[ResellerInput, dict[str, str]]:
    """The normalised input and every invalid field, in the wizard's order.

    Phone numbers are read in the country of the address they belong to; the stored
    form is E.164. ``password_required`` is set by create (the wizard and the CLI).
    """
    check = FieldChecker()
    kind = data.type.strip().lower()
    if kind not in TYPES:
        check.errors["type"] = f"must be one of {', '.join(TYPES)}"
    username = data.username.strip()
    if error := username_error(username):
        check.errors["username"] = error
    password, confirmation = data.password, data.password_confirmation
    if password is None and password_required:
        check.errors["password"] = "is required"
    elif password is not None:
        if error := password_error(password, username):
            check.errors["password"] = error
        elif confirmation is not None and confirmation != password:
            check.errors["password_confirmation"] = "does not match the password"
    first = check.take("first_name", text_value(data.first_name, LIMITS["name"], required=True))
    last = check.take("last_name", text_value(data.last_name, LIMITS["name"], required=True))
    email = check.take("email", email_value(data.email, required=True))
    alternate = check.take("alternate_email", email_value(data.alternate_email))
    if alternate and email and alternate.casefold() == email.casefold():
        check.errors.setdefault("alternate_email", "must differ from the e-mail")
    address = check_address(check, "", data.address, required=True)
    country = address.country
    phone = check.take("phone", phone_value(data.phone, country, required=True))
    mobile = check.take("mobile", phone_value(data.mobile, country))
    fax = check.take("fax", phone_value(data.fax, country))
    locale = check.take("locale", locale_value(data.locale))
    company = _company(check, data.company)
    normalised = ResellerInput(
        type=kind,
        username=username,
        first_name=first,
        last_name=last,
        email=email,
        phone=phone,
        address=address,
        company=company,
        password=password,
        password_confirmation=None,
        alternate_email=alternate,
        mobile=mobile,
        fax=fax,
        locale=locale or "en-US",
    )
    return normalised, _in_order(check.errors)


_ORDER = [f.name for f in fields(ResellerInput)]


def _in_order(errors: dict[str, str]) -> dict[str, str]:
    """Errors sorted as the wizard shows its fields (personal before company)."""

    def rank(name: str) -> tuple[int, int]:
        if name.startswith("company."):
            return (1, 0)
        root = name.split(".", 1)[0]
        if root in ADDRESS_FIELDS.values():
            root = "address"
        top = _ORDER.index(root) if root in _ORDER else len(_ORDER)
        return (0, top)

    return dict(sorted(errors.items(), key=lambda item: rank(item[0])))


def normalise(data: ResellerInput, *, password_required: bool = False) -> ResellerInput:
    """The input trimmed and normalised, or :class:`FieldError` naming every bad field."""
    normalised, errors = check_reseller(data, password_required=password_required)
    if errors:
        raise FieldError(errors)
    return normalised


def full_name(first: str, last: str) -> str:
    """``First Last`` as typed (scripts without spaces between names keep theirs)."""
    return f"{first} {last}".strip()
