"""``machpanel-studio demo``: seed demonstration data, idempotently.

Each capability adds its part here; running the command twice changes nothing the
second time. Nothing is overwritten that an administrator already configured.
"""

from __future__ import annotations

from sqlalchemy import func, select

from studio.context import Studio
from studio.db.models import EndCustomer, Reseller, Subscription
from studio.demo.sample_resellers import demo_reseller
from studio.domain.actors import Actor, Permission
from studio.domain.customer_rules import CustomerInput
from studio.domain.reseller_rules import Address
from studio.domain.website_rules import WebsiteInput
from studio.errors import FieldError
from studio.provisioning.client import ProvisioningClient
from studio.provisioning.runner import JobRunner
from studio.services.customer_plans import PlanInput, create_plan, panel_offerings
from studio.services.customer_sales import SaleInput, subscribe_customer
from studio.services.customers import create_customer
from studio.services.embedded_servers import start_embedded, stop_embedded
from studio.services.jobs import count_running_jobs, get_job
from studio.services.offerings import (
    OfferingInput,
    list_offerings,
    save_offering,
    set_reseller_offerings,
)
from studio.services.reseller_list import list_resellers
from studio.services.reseller_panel import open_panel_as
from studio.services.reseller_settings import enabled_types
from studio.services.resellers import create_reseller
from studio.services.subscriptions import SubscribeInput, subscribe_reseller
from studio.services.website import get_website_settings, save_website_settings

DEMO_WEBSITE = WebsiteInput(
    site_name="MachPanel Demo Control Panel",
    protocol="http",
    host="localhost",
    port="8080",
    virtual_path="/machpanel",
)


def seed_demo(studio: Studio, actor: Actor) -> list[str]:
    """Add what is missing of the demo; return one line per thing added."""
    actor.require(Permission.SEED_DEMO)
    added: list[str] = []
    if not get_website_settings(studio, actor).configured:
        view = save_website_settings(studio, actor, DEMO_WEBSITE)
        added.append(f"Control Panel Website: {view.website.url}")
    added.extend(_demo_resellers(studio, actor))
    added.extend(_demo_offerings(studio, actor))
    added.extend(_demo_subscriptions(studio, actor))
    return added


#: (name, service, audience, quotas, price): the demo's service plans and an add-on.
DEMO_OFFERINGS = (
    (
        "Exchange Reseller 500",
        "exchange",
        "reseller",
        {"mailboxes": "500", "mailbox_size_mb": "2048"},
        "450.00",
    ),
    (
        "Web Reseller 100",
        "web",
        "reseller",
        {"sites": "100", "disk_gb": "200", "bandwidth_gb": "5000"},
        "199.00",
    ),
    (
        "Exchange Business 10",
        "exchange",
        "customer",
        {"mailboxes": "10", "mailbox_size_mb": "2048"},
        "39.90",
    ),
    (
        "Web Starter",
        "web",
        "customer",
        {"sites": "1", "disk_gb": "5", "bandwidth_gb": "100"},
        "4.99",
    ),
    (
        "SharePoint Team",
        "sharepoint",
        "customer",
        {"site_collections": "2", "storage_gb": "50"},
        "24.00",
    ),
)


def _demo_offerings(studio: Studio, actor: Actor) -> list[str]:
    """Reseller and customer plans, one add-on, and what the first Commission Based
    demo resellers may sell (at the default commission, one at 15 %)."""

    if list_offerings(studio, actor) or list_offerings(studio, actor, addons=True):
        return []
    ids = {}
    for name, service, audience, quotas, price in DEMO_OFFERINGS:
        ids[name] = save_offering(
            studio, actor, OfferingInput(name, service, audience, quotas, price)
        ).id
    save_offering(
        studio,
        actor,
        OfferingInput("One more mailbox", "exchange", "", {"mailboxes": "1"}, "3.50"),
        addon=True,
    )
    sellers = [r for r in list_resellers(studio, actor) if r.type == "commission"][:3]
    for n, seller in enumerate(sellers):
        choices = [(ids["Exchange Business 10"], "15" if n == 0 else ""), (ids["Web Starter"], "")]
        set_reseller_offerings(studio, actor, seller.id, choices)
    return [
        f"{len(DEMO_OFFERINGS)} service offerings and 1 add-on; "
        f"{len(sellers)} Commission Based resellers selling them"
    ]


#: (demo reseller number, service, server, quotas): Subscription Based demo resellers.
DEMO_SUBSCRIPTIONS = (
    (1, "exchange", "EXCH01", {"mailboxes": "50", "mailbox_size_mb": "2048"}),
    (2, "web", "WEB01", {"sites": "10", "disk_gb": "20", "bandwidth_gb": "500"}),
    (4, "sharepoint", "EXCH01", {"site_collections": "5", "storage_gb": "100"}),
)
#: The subscription whose job is made to fail, to show Retry.
DEMO_FAILING = (5, "exchange", "EXCH01", {"mailboxes": "20", "mailbox_size_mb": "1024"})


def _demo_subscriptions(studio: Studio, actor: Actor) -> list[str]:
    """A few active subscriptions on the embedded stubs and one failed job (Retry).

    Provisioned for real: the embedded Provisioning Service is started if needed, the
    jobs run to their end, and the failure is the stub's own (fault injection while
    that one job runs). Skipped, and said so, when provisioning is not ready.
    """
    with studio.unit_of_work() as session:
        if session.scalar(select(func.count()).select_from(Subscription)):
            return []
        usernames = {demo_reseller(n).username: n for n, *_ in (*DEMO_SUBSCRIPTIONS, DEMO_FAILING)}
        ids = {
            usernames[u]: i
            for i, u, kind in session.execute(
                select(Reseller.id, Reseller.username, Reseller.type).where(
                    Reseller.username.in_(usernames)
                )
            )
            if kind == "subscription"
        }
    if not start_embedded(studio, actor):
        return [
            "no demo subscriptions: the Provisioning Service is external "
            "(the demo uses the embedded one)"
        ]
    runner = JobRunner(studio, actor)
    try:
        jobs = []
        for n, service, server, quotas in DEMO_SUBSCRIPTIONS:
            if n in ids:
                view = subscribe_reseller(
                    studio, actor, SubscribeInput(ids[n], service, server, quotas)
                )
                assert view.job is not None
                jobs.append(view.job.id)
        runner.run_until(lambda: all(get_job(studio, actor, j).finished for j in jobs), 60)
        added = [f"{len(jobs)} demo subscriptions provisioned on the embedded stubs"]
        n, service, server, quotas = DEMO_FAILING
        assert studio.embedded is not None
        endpoint = studio.embedded.endpoint(server)
        if n in ids and endpoint.url and endpoint.token:
            with ProvisioningClient(endpoint.url, endpoint.token) as client:
                client.set_faults(fail_rate=1.0)
                try:
                    view = subscribe_reseller(
                        studio, actor, SubscribeInput(ids[n], service, server, quotas)
                    )
                    assert view.job is not None
                    job_id = view.job.id
                    runner.wake()
                    runner.run_until(lambda: get_job(studio, actor, job_id).finished, 60)
                finally:
                    client.set_faults(fail_rate=0.0)
            added.append(f"1 failed provisioning job (job {job_id}) to show Retry")
        added.extend(_demo_panel(studio, actor, runner, ids.get(1)))
        return added
    finally:
        runner.stop()
        stop_embedded(studio, only_started=True)


#: Demo reseller 1's Customer Products Plans: (name, quotas, price).
DEMO_PLANS = (
    ("Mail Basic", {"mailboxes": "5", "mailbox_size_mb": "1024"}, "15.00"),
    ("Mail Team", {"mailboxes": "20", "mailbox_size_mb": "2048"}, "49.00"),
)
#: End customers: (first name, last name, company, city, country, phone).
DEMO_CUSTOMERS = (
    ("Grace", "Hopper", "Cobol Systems", "Arlington", "US", "+1 703 555 0101"),
    ("Alan", "Turing", "Bletchley Analytics", "Manchester", "GB", "0161 496 0000"),
    ("Hedy", "Lamarr", "Spread Spectrum GmbH", "Vienna", "AT", "01 58858 0"),
)


def _demo_panel(
    studio: Studio, actor: Actor, runner: object, subscription_reseller: int | None
) -> list[str]:
    """The reseller panel's demo: demo reseller 1 (Subscription Based) with two plans,
    three customers and two sales; the first Commission Based reseller with two
    customers who bought its offerings (this month's statement). The administrator
    works in each panel "as" the reseller, as the audit log records; the sales are
    provisioned for real by ``runner``."""
    assert isinstance(runner, JobRunner)
    with studio.unit_of_work() as session:
        if session.scalar(select(func.count()).select_from(EndCustomer)):
            return []
        own = (
            session.scalars(
                select(Subscription.id).where(
                    Subscription.reseller_id == subscription_reseller,
                    Subscription.status == "active",
                    Subscription.service == "exchange",
                )
            ).first()
            if subscription_reseller
            else None
        )

    def customers(panel: Actor, rows: tuple[tuple[str, ...], ...], domain: str) -> list[int]:
        made: list[int] = []
        for first, last, company, city, country, phone in rows:
            data = CustomerInput(
                first,
                last,
                f"{first.lower()}@{domain}",
                phone,
                Address(f"{len(made) + 1} Main Street", "", city, "", "", country),
                company,
            )
            made.append(create_customer(studio, panel, data).id)
        return made

    added = []
    sales = 0
    if own is not None and subscription_reseller is not None:
        panel = open_panel_as(studio, actor, subscription_reseller)
        plans = [
            create_plan(studio, panel, PlanInput(name, own, quotas, price)).id
            for name, quotas, price in DEMO_PLANS
        ]
        buyers = customers(panel, DEMO_CUSTOMERS, "customers.example.com")
        for buyer, plan in zip(buyers[:2], plans, strict=True):
            subscribe_customer(studio, panel, SaleInput(buyer, plan_id=plan))
            sales += 1
        added.append(f"{len(plans)} Customer Products Plans and {len(buyers)} end customers")
    sellers = [r for r in list_resellers(studio, actor) if r.type == "commission"][:1]
    for seller in sellers:
        panel = open_panel_as(studio, actor, seller.id)
        offers = panel_offerings(studio, panel)
        buyers = customers(panel, DEMO_CUSTOMERS[1:], "commission.example.com")
        for buyer, offer in zip(buyers, offers, strict=False):
            subscribe_customer(studio, panel, SaleInput(buyer, offering_id=offer.offering.id))
            sales += 1
        added.append(f"{len(buyers)} customers of Commission Based {seller.username}")
    runner.wake()
    runner.run_until(lambda: count_running_jobs(studio, actor) == 0, 60)
    added.append(f"{sales} customer subscriptions provisioned")
    return added


DEMO_RESELLERS = 50


def _demo_resellers(studio: Studio, actor: Actor) -> list[str]:
    """About 50 resellers of both types; those already there (by username) are kept.

    They have no password: like imported resellers they cannot sign in until an
    administrator sets one (there are no default passwords).
    """

    enabled = {t.type for t in enabled_types(studio, actor)}
    count = 0
    for n in range(1, DEMO_RESELLERS + 1):
        data = demo_reseller(n)
        if data.type not in enabled:  # an administrator disabled it: respect that
            continue
        try:  # create checks the username and e-mail itself: no second look first
            create_reseller(studio, actor, data, require_password=False)
        except FieldError as exc:
            if set(exc.errors) - {"username", "email"}:
                raise
            continue  # there already (an earlier demo, or the administrator's own)
        count += 1
    return [f"{count} demo resellers with company profiles and signatures"] if count else []
