"""A valid reseller as a test would type it; tests override what they exercise."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from studio.domain.reseller_rules import Address, Company, Department, ResellerInput

PASSWORD = "violet-harbour-lantern-42"


def sample_reseller(n: int = 1, **overrides: Any) -> ResellerInput:
    """Reseller number ``n`` (unique username and e-mail), with a password."""
    data = ResellerInput(
        type="subscription",
        username=f"reseller{n}",
        first_name="Ada",
        last_name=f"Lovelace{n}",
        email=f"ada{n}@example.com",
        phone="020 7946 0958",
        address=Address("12 Analytical Row", "", "London", "", "N1 9GU", "GB"),
        company=Company(
            name=f"Engines {n} Ltd",
            website="engines.example.com",
            email="hello@engines.example.com",
            phone="+44 20 7946 0000",
            address=Address("1 Difference Way", "", "London", "", "N1 9GU", "GB"),
            departments=(
                Department(
                    "Billing",
                    "+44 20 7946 0001",
                    "billing@engines.example.com",
                    "Kind regards,\nBilling team",
                ),
                Department("Sales"),
                Department("Support"),
            ),
        ),
        password=PASSWORD,
        password_confirmation=PASSWORD,
        locale="en-GB",
    )
    return replace(data, **overrides)
