"""Demonstration resellers: people and companies from many countries, both types.

Deterministic (reseller ``n`` is always the same), valid by the studio's own rules, and
written in the scripts people really use: accents, CJK, right-to-left. Used by ``demo``
and by the benchmark that fills a database with 100,000 of them.
"""

from __future__ import annotations

from functools import cache

from studio.domain.contact import phone_display
from studio.domain.reseller_rules import Address, Company, Department, ResellerInput

FIRST = (
    "Ada",
    "Zoë",
    "José",
    "Björn",
    "Aiko",
    "Olga",
    "Liam",
    "Fatima",
    "Chloé",
    "Mateus",
    "Priya",
    "Kwame",
    "Ingrid",
    "Hiroshi",
    "Nadia",
    "Seán",
    "Lucía",
    "Yusuf",
    "美咲",
    "Noa",
)
LAST = (
    "Lovelace",
    "Müller",
    "García",
    "Andersson",
    "Tanaka",
    "Ivanova",
    "O'Brien",
    "Haddad",
    "Dubois",
    "Silva",
    "Sharma",
    "Mensah",
    "Larsen",
    "Sato",
    "Petrova",
    "Murphy",
    "López",
    "Demir",
    "山田",
    "כהן",
)
TRADE = (
    "Cloudworks",
    "Hostline",
    "Mailbridge",
    "Datacove",
    "Netharbor",
    "Bytefield",
    "Serverleaf",
    "Skyrack",
    "Webanchor",
    "Portico",
)
SUFFIX = {
    "US": "Inc.",
    "GB": "Ltd",
    "DE": "GmbH",
    "FR": "SARL",
    "JP": "K.K.",
    "AU": "Pty Ltd",
    "CA": "Inc.",
    "NL": "B.V.",
    "ES": "S.L.",
    "IN": "Pvt Ltd",
}
CITIES = {
    "US": ("Austin", "TX", "78701", "en-US"),
    "GB": ("Manchester", "", "M1 1AE", "en-GB"),
    "DE": ("München", "Bayern", "80331", "de-DE"),
    "FR": ("Lyon", "", "69002", "fr-FR"),
    "JP": ("東京", "東京都", "100-0001", "ja-JP"),
    "AU": ("Melbourne", "VIC", "3000", "en-AU"),
    "CA": ("Montréal", "QC", "H2Y 1C6", "fr-CA"),
    "NL": ("Utrecht", "", "3511 AA", "nl-NL"),
    "ES": ("Sevilla", "Andalucía", "41001", "es-ES"),
    "IN": ("Bengaluru", "Karnataka", "560001", "en-IN"),
}
COUNTRIES = tuple(CITIES)


@cache
def _phone(country: str) -> str:
    """A valid number of ``country`` (libphonenumber's example), in E.164."""
    import phonenumbers  # start-up

    number = phonenumbers.example_number(country)
    assert number is not None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def demo_reseller(n: int) -> ResellerInput:
    """Reseller number ``n`` (1, 2, …): unique username, e-mail and company."""
    first = FIRST[n % len(FIRST)]
    last = LAST[(n * 7 + n // len(FIRST)) % len(LAST)]
    country = COUNTRIES[n % len(COUNTRIES)]
    city, state, postal, locale = CITIES[country]
    trade = TRADE[n % len(TRADE)]
    company = f"{trade} {n} {SUFFIX[country]}"
    domain = f"{trade.lower()}{n}.example"
    phone = _phone(country)
    address = Address(f"{10 + n % 90} Harbour Street", "", city, state, postal, country)
    departments = tuple(
        Department(
            name,
            phone,
            f"{name.lower()}@{domain}",
            f"Kind regards,\n{first} {last}\n{name} · {company}\n{phone_display(phone)}",
        )
        for name in ("Billing", "Sales", "Support")
    )
    return ResellerInput(
        type="commission" if n % 3 == 0 else "subscription",
        username=f"{trade.lower()}{n}",
        first_name=first,
        last_name=last,
        email=f"{first.lower() if first.isascii() else 'owner'}.{n}@{domain}",
        phone=phone,
        address=address,
        locale=locale,
        company=Company(
            name=company,
            website=f"https://www.{domain}",
            email=f"hello@{domain}",
            phone=phone,
            address=address,
            tax_id=f"{country}{100000 + n}",
            departments=departments,
        ),
    )
