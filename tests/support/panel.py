"""A reseller ready for its panel: signed in, agreement accepted, with an active
subscription (set up in the database, as if its provisioning job had succeeded: the
end-to-end tests provision for real)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from studio.context import Studio
from studio.db.models import RemoteServer, Subscription
from studio.domain.actors import Actor
from studio.domain.customer_rules import CustomerInput
from studio.domain.reseller_rules import Address
from studio.services.offerings import OfferingInput, OfferingView, save_offering
from studio.services.reseller_panel import accept_agreement, agreement
from studio.services.resellers import ResellerDetails, create_reseller
from studio.services.sign_in import authenticate
from tests.support.resellers import PASSWORD, sample_reseller

EXCHANGE = {"mailboxes": 10, "mailbox_size_mb": 2048}


def make_reseller(studio: Studio, admin: Actor, n: int = 1, **overrides: Any) -> ResellerDetails:
    """Reseller ``n`` (Subscription Based unless ``type`` says otherwise)."""
    return create_reseller(studio, admin, sample_reseller(n, **overrides))


def active_subscription(
    studio: Studio,
    reseller_id: int,
    quotas: dict[str, int] | None = None,
    *,
    server: str = "EXCH01",
    service: str = "exchange",
) -> int:
    """An active reseller subscription (and its server's row, once)."""
    with studio.unit_of_work() as session:
        if session.scalar(select(RemoteServer.id).where(RemoteServer.name == server)) is None:
            session.add(RemoteServer(name=server, host="127.0.0.1", port=9, services=[service]))
        sub = Subscription(
            reseller_id=reseller_id,
            service=service,
            server=server,
            quotas=dict(quotas or EXCHANGE),
            status="active",
            resource_id=f"res-{reseller_id}-{dt.datetime.now().timestamp()}",
        )
        session.add(sub)
        session.flush()
        return sub.id


def sign_in(studio: Studio, username: str, *, accept: bool = True) -> Actor:
    """Sign the reseller in with the sample password; accept its terms if asked."""
    actor = authenticate(studio, username, PASSWORD)
    if accept:
        terms = agreement(studio, actor)
        if terms.needs_acceptance:
            accept_agreement(studio, actor, terms.terms)
    return actor


def customer(n: int = 1, **overrides: Any) -> CustomerInput:
    """End customer ``n`` as typed."""
    values: dict[str, Any] = {
        "first_name": "Grace",
        "last_name": f"Hopper{n}",
        "email": f"grace{n}@customer.example.com",
        "phone": "020 7946 0100",
        "address": Address("7 Compiler Street", "", "London", "", "EC1A 1BB", "GB"),
        "company_name": f"Cobol {n} Ltd",
    }
    values.update(overrides)
    return CustomerInput(**values)


def mail_small_offering(studio: Studio, admin: Actor) -> OfferingView:
    """A customer offering of Hosted Exchange, 5 mailboxes of 512 MB at 9.99 a month."""
    return save_offering(
        studio,
        admin,
        OfferingInput(
            "Mail Small",
            "exchange",
            "customer",
            {"mailboxes": "5", "mailbox_size_mb": "512"},
            "9.99",
            "monthly",
        ),
    )
