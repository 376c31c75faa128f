"""Command-line handlers of the reseller panel.

``agreement show|accept``, ``usage``, ``plan create|list|enable|disable|delete``,
``customer create|list|subscribe|suspend|activate|delete``, ``statement RESELLER
--period P [--csv F]``, and the provider's ``reseller oversell ID on|off`` and
``over-usage``. Panel commands act as the reseller signed in with ``--as USERNAME``
(password: first line of standard input); a provider administrator adds ``--reseller
ID`` to work in that reseller's panel, which the audit log records.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, TextIO

from studio.cli.common import (
    EXIT_OK,
    Params,
    Result,
    act,
    actor_for,
    dump_json,
    embedded_provisioning,
    job_outcome,
    on_success,
    opened,
    parse_quotas,
    positive_id,
    run_job,
    wait_seconds,
)
from studio.domain.actors import Actor, Role
from studio.domain.catalog import BILLING_CYCLES, quotas_text
from studio.domain.customer_rules import CustomerInput
from studio.domain.reseller_rules import ADDRESS_FIELDS, Address
from studio.domain.statement_rules import csv_rows
from studio.errors import FieldError

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.domain.actors import Actor


def panel_actor(args: argparse.Namespace, studio: Studio) -> Actor:
    """The reseller signed in with ``--as``, or a provider working "as" ``--reseller``."""
    from studio.services.reseller_panel import open_panel_as, panel_as  # start-up

    actor = actor_for(args, studio)
    if actor.role is Role.RESELLER:
        return actor
    reseller = getattr(args, "panel_reseller", None)
    if reseller is None:
        raise FieldError.single(
            "reseller", "sign in as the reseller (--as USERNAME), or name its panel: --reseller ID"
        )
    panel = panel_as(studio, actor, reseller)
    # Recorded once the command has succeeded: a refused command changes nothing.
    on_success(args, lambda: open_panel_as(studio, actor, reseller))
    return panel


def act_in_panel(
    args: argparse.Namespace,
    use_case: Callable[Concatenate[Studio, Actor, Params], Result],
    *values: Params.args,
    **options: Params.kwargs,
) -> Result:
    """:func:`~studio.cli.common.act` in a reseller's panel: as the reseller signed in
    with ``--as``, or as a provider administrator working in ``--reseller``'s panel."""
    with opened(args) as studio:
        return use_case(studio, panel_actor(args, studio), *values, **options)


def cmd_agreement_show(args: argparse.Namespace, out: TextIO) -> int:
    """The terms of the reseller's type and whether they were accepted."""
    from studio.services.reseller_panel import agreement  # start-up

    view = act(args, agreement)
    state = f"accepted {view.accepted_at:%Y-%m-%d %H:%M}" if view.accepted_at else "not accepted"
    print(f"{view.type_label} agreement ({state})\n\n{view.terms or '(no terms)'}", file=out)
    return EXIT_OK


def cmd_agreement_accept(args: argparse.Namespace, out: TextIO) -> int:
    """Accept the terms (the reseller itself, signed in with ``--as``)."""
    from studio.services.reseller_panel import accept_agreement, agreement  # start-up

    with opened(args) as studio:
        actor = actor_for(args, studio)
        terms = agreement(studio, actor)
        print(terms.terms or "(no terms)", file=out)
        accept_agreement(studio, actor, terms.terms)
    print(f"accepted the {terms.type_label} agreement", file=out)
    return EXIT_OK


def cmd_usage(args: argparse.Namespace, out: TextIO) -> int:
    """The reseller's subscriptions: each quota, what customers hold, what is left."""
    from studio.services.quota_usage import my_subscriptions  # start-up

    subs = act_in_panel(args, my_subscriptions)
    if args.json:
        dump_json([{**s.__dict__, "quotas": [q.__dict__ for q in s.quotas]} for s in subs], out)
        return EXIT_OK
    for sub in subs:
        print(
            f"subscription {sub.id}: {sub.service} on {sub.server} ({sub.status}), "
            f"{sub.customers} customer(s)",
            file=out,
        )
        for q in sub.quotas:
            each = "" if q.pooled else " each"
            over = f", OVER by {q.over:,}" if q.over else ""
            print(f"  {q.label}: {q.allocated:,} of {q.limit:,} {q.unit}{each}{over}", file=out)
    return EXIT_OK


def _plan_json(plan: Any) -> dict[str, Any]:
    return {**plan.__dict__, "price": plan.price_text}


def cmd_plan_create(args: argparse.Namespace, out: TextIO) -> int:
    """A Customer Products Plan from one of the reseller's subscriptions."""
    from studio.services.customer_plans import PlanInput, create_plan  # start-up

    data = PlanInput(
        args.name,
        args.subscription,
        parse_quotas(args.quota or []),
        args.price,
        args.billing_cycle,
        not args.disabled,
    )
    plan = act_in_panel(args, create_plan, data)
    print(f"created plan {plan.id}: {plan.name} ({plan.price_text} {plan.billing_cycle})", file=out)
    return EXIT_OK


def cmd_plan_list(args: argparse.Namespace, out: TextIO) -> int:
    """The reseller's plans, or a Commission Based reseller's assigned offerings."""
    from studio.services.customer_plans import list_plans, panel_offerings  # start-up
    from studio.services.reseller_panel import panel  # start-up

    with opened(args) as studio:
        actor = panel_actor(args, studio)
        if panel(studio, actor).type == "commission":
            offerings = panel_offerings(studio, actor)
            if args.json:
                dump_json(
                    [
                        {
                            **o.offering.__dict__,
                            "price": o.offering.price_text,
                            "commission_percent": o.commission_text,
                        }
                        for o in offerings
                    ],
                    out,
                )
                return EXIT_OK
            for o in offerings:
                print(
                    f"offering {o.offering.id}: {o.offering.name} {o.offering.price_text} "
                    f"{o.offering.billing_cycle}, commission {o.commission_text} %",
                    file=out,
                )
            return EXIT_OK
        plans = list_plans(studio, actor)
    if args.json:
        dump_json([_plan_json(p) for p in plans], out)
        return EXIT_OK
    for p in plans:
        quotas = quotas_text(p.service, p.quotas)
        state = "" if p.enabled else " (disabled)"
        print(
            f"plan {p.id}: {p.name}{state} — {p.service} from subscription "
            f"{p.subscription_id}, {quotas}, {p.price_text} {p.billing_cycle}, "
            f"{p.in_use} sold",
            file=out,
        )
    return EXIT_OK


def _plan_action(action: str) -> Any:
    def handler(args: argparse.Namespace, out: TextIO) -> int:
        from studio.services.customer_plans import delete_plan, set_plan_enabled  # start-up

        with opened(args) as studio:
            actor = panel_actor(args, studio)
            if action == "delete":
                name = delete_plan(studio, actor, args.id)
                print(f"deleted plan {args.id} ({name})", file=out)
            else:
                plan = set_plan_enabled(studio, actor, args.id, action == "enable")
                print(f"plan {plan.id} ({plan.name}) is {action}d", file=out)
        return EXIT_OK

    return handler


def _customer_input(args: argparse.Namespace) -> Any:

    return CustomerInput(
        args.first_name,
        args.last_name,
        args.email,
        args.phone,
        Address(
            args.address_line1,
            args.address_line2,
            args.city,
            args.state,
            args.postal_code,
            args.country,
        ),
        args.company_name,
    )


def _customer_json(view: Any) -> dict[str, Any]:
    """A customer as JSON: the field names of its input and errors (``address_line1``)."""

    data = {k: v for k, v in view.__dict__.items() if k != "address"}
    address = {field: getattr(view.address, attr) for attr, field in ADDRESS_FIELDS.items()}
    return {**data, **address, "name": view.name}


def cmd_customer_create(args: argparse.Namespace, out: TextIO) -> int:
    """A new end customer."""
    from studio.services.customers import create_customer  # start-up

    view = act_in_panel(args, create_customer, _customer_input(args))
    print(f"created customer {view.id}: {view.name} <{view.email}>", file=out)
    return EXIT_OK


def cmd_customer_list(args: argparse.Namespace, out: TextIO) -> int:
    """The reseller's customers."""
    from studio.services.customers import list_customers  # start-up

    views = act_in_panel(args, list_customers, include_deleted=args.all)
    if args.json:
        dump_json([_customer_json(v) for v in views], out)
        return EXIT_OK
    for v in views:
        print(
            f"customer {v.id}: {v.name} <{v.email}> {v.status}, {v.subscriptions} subscription(s)",
            file=out,
        )
    return EXIT_OK


def cmd_customer_subscribe(args: argparse.Namespace, out: TextIO) -> int:
    """Sell a plan or an assigned offering; with ``--wait``, until active or failed."""
    from studio.services.customer_sales import SaleInput, subscribe_customer  # start-up

    data = SaleInput(args.customer, args.plan, args.offering, args.server or "")
    with opened(args) as studio:
        actor = panel_actor(args, studio)
        sale = subscribe_customer(studio, actor, data)
        assert sale.job_id is not None
        job_id = sale.job_id
        print(
            f"subscription {sale.id}: {sale.sold_as} for {sale.customer} on {sale.server}, "
            f"job {job_id} pending",
            file=out,
            flush=True,
        )
        if not args.wait:
            return EXIT_OK

        runner_actor = Actor.local_administrator()  # the job runner works for the studio
        with embedded_provisioning(studio, runner_actor):
            finished, job = run_job(studio, runner_actor, job_id, args.timeout)
    return job_outcome(job, finished, args.timeout, f"subscription {sale.id} is active", out)


def _customer_status(status: str) -> Any:
    def handler(args: argparse.Namespace, out: TextIO) -> int:
        from studio.services.customers import set_customer_status, status_effects  # start-up

        with opened(args) as studio:
            actor = panel_actor(args, studio)
            for line in status_effects(studio, actor, args.id, status):
                print(line, file=out)
            view = set_customer_status(studio, actor, args.id, status)
        print(f"customer {view.id} ({view.name}) is {view.status}", file=out)
        return EXIT_OK

    return handler


def cmd_statement(args: argparse.Namespace, out: TextIO) -> int:
    """A Commission Based reseller's statement for a month or a quarter."""
    from studio.services.statements import commission_statement, write_statement_csv  # start-up

    with opened(args) as studio:
        statement = commission_statement(
            studio, actor_for(args, studio), args.reseller, args.period
        )
    if args.csv:
        write_statement_csv(Path(args.csv), statement)
    if args.json:
        dump_json(
            {
                "reseller": statement.reseller,
                "period": statement.period.label,
                "currency": statement.currency,
                "lines": csv_rows(statement)[:-1],
                "total_sales": str(statement.total_sales),
                "total_commission": str(statement.total_commission),
            },
            out,
        )
        return EXIT_OK
    print(
        f"{statement.reseller}: commission statement {statement.period.label} "
        f"({statement.currency})",
        file=out,
    )
    for line in statement.lines:
        print(
            f"  {line.sale.sold_on}  {line.sale.customer:<24.24} {line.sale.offering:<20.20} "
            f"{line.amount:>10} x {line.percent:>6} % = {line.commission:>9}",
            file=out,
        )
    print(
        f"  {len(statement.lines)} sale(s): {statement.total_sales} sold, "
        f"commission {statement.total_commission}",
        file=out,
    )
    if args.csv:
        print(f"written to {args.csv}", file=out)
    return EXIT_OK


def cmd_oversell(args: argparse.Namespace, out: TextIO) -> int:
    """Allow (on) or stop (off) a reseller's customers holding more than it."""
    from studio.services.reseller_panel import set_oversell  # start-up

    allowed = act(args, set_oversell, args.id, args.state == "on")
    print(f"reseller {args.id}: overselling {'allowed' if allowed else 'not allowed'}", file=out)
    return EXIT_OK


def cmd_over_usage(args: argparse.Namespace, out: TextIO) -> int:
    """Quota Over Usage: subscriptions whose customers hold more than they do."""
    from studio.services.quota_usage import over_usage  # start-up

    report = act(args, over_usage)
    if args.json:
        dump_json(
            [
                {
                    "reseller": name,
                    "subscription": u.id,
                    "quotas": [q.__dict__ for q in u.quotas if q.over],
                }
                for name, u in report
            ],
            out,
        )
        return EXIT_OK
    if not report:
        print("no quota is exceeded", file=out)
    for name, usage in report:
        for q in usage.quotas:
            if q.over:
                print(
                    f"{name}, subscription {usage.id}: {q.label} {q.allocated:,} of "
                    f"{q.limit:,} {q.unit}, over by {q.over:,}",
                    file=out,
                )
    return EXIT_OK


def _panel_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reseller",
        dest="panel_reseller",
        type=positive_id,
        metavar="ID",
        help="a provider administrator: work in this reseller's panel (audited)",
    )


def add_commands(commands: Any) -> None:
    """Add the reseller panel's commands."""
    agreement = commands.add_parser("agreement", help="the reseller's agreement terms")
    verbs = agreement.add_subparsers(title="agreement commands", metavar="ACTION", required=True)
    verbs.add_parser("show", help="the terms and whether accepted").set_defaults(
        handler=cmd_agreement_show
    )
    verbs.add_parser("accept", help="accept them (the reseller, with --as)").set_defaults(
        handler=cmd_agreement_accept
    )

    usage = commands.add_parser("usage", help="the reseller's subscriptions and their quotas")
    _panel_option(usage)
    usage.add_argument("--json", action="store_true")
    usage.set_defaults(handler=cmd_usage)

    plan = commands.add_parser("plan", help="Customer Products Plans")
    plans = plan.add_subparsers(title="plan commands", metavar="ACTION", required=True)
    create = plans.add_parser("create", help="a plan from one of your subscriptions")
    _panel_option(create)
    create.add_argument(
        "--subscription", type=positive_id, required=True, help="your subscription's id"
    )
    create.add_argument("--name", required=True)
    create.add_argument("--quota", action="append", metavar="NAME=VALUE", help="per customer")
    create.add_argument("--price", required=True, help="per billing cycle, e.g. 9.99")
    create.add_argument("--billing-cycle", default="monthly", choices=BILLING_CYCLES)
    create.add_argument("--disabled", action="store_true", help="create it not yet for sale")
    create.set_defaults(handler=cmd_plan_create)
    listing = plans.add_parser("list", help="your plans (Commission Based: your offerings)")
    _panel_option(listing)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_plan_list)
    for action in ("enable", "disable", "delete"):
        verb = plans.add_parser(action, help=f"{action} a plan")
        _panel_option(verb)
        verb.add_argument("id", type=positive_id)
        verb.set_defaults(handler=_plan_action(action))

    customer = commands.add_parser("customer", help="the reseller's end customers")
    cust = customer.add_subparsers(title="customer commands", metavar="ACTION", required=True)
    new = cust.add_parser("create", help="a new end customer")
    _panel_option(new)
    for name in ("first-name", "last-name", "email", "phone", "address-line1", "city"):
        new.add_argument(f"--{name}", required=True)
    new.add_argument("--country", required=True, help="ISO 3166 code, e.g. GB")
    for name in ("address-line2", "state", "postal-code", "company-name"):
        new.add_argument(f"--{name}", default="")
    new.set_defaults(handler=cmd_customer_create)
    cust_list = cust.add_parser("list", help="your customers")
    _panel_option(cust_list)
    cust_list.add_argument("--all", action="store_true", help="deleted ones too")
    cust_list.add_argument("--json", action="store_true")
    cust_list.set_defaults(handler=cmd_customer_list)
    sell = cust.add_parser("subscribe", help="sell a plan (or an assigned offering)")
    _panel_option(sell)
    sell.add_argument("customer", type=positive_id, help="the customer's id")
    what = sell.add_mutually_exclusive_group(required=True)
    what.add_argument("--plan", type=positive_id, help="your plan's id (Subscription Based)")
    what.add_argument(
        "--offering", type=positive_id, help="an assigned offering (Commission Based)"
    )
    sell.add_argument("--server", help="Commission Based: the Remote Server (default: first)")
    sell.add_argument("--wait", action="store_true", help="until active or failed")
    sell.add_argument("--timeout", type=wait_seconds, default=300.0)
    sell.set_defaults(handler=cmd_customer_subscribe)
    for action, status in (("suspend", "suspended"), ("activate", "active"), ("delete", "deleted")):
        verb = cust.add_parser(action, help=f"{action} a customer (its subscriptions follow)")
        _panel_option(verb)
        verb.add_argument("id", type=positive_id)
        verb.set_defaults(handler=_customer_status(status))

    statement = commands.add_parser("statement", help="a commission statement")
    statement.add_argument("reseller", type=positive_id, help="the reseller's id")
    statement.add_argument("--period", default="", help="2026-11 or 2026-Q4 (default: current)")
    statement.add_argument("--csv", metavar="FILE", help="also write it as CSV")
    statement.add_argument("--json", action="store_true")
    statement.set_defaults(handler=cmd_statement)

    over = commands.add_parser("over-usage", help="Quota Over Usage (provider)")
    over.add_argument("--json", action="store_true")
    over.set_defaults(handler=cmd_over_usage)


def add_reseller_commands(reseller_actions: Any) -> None:
    """``reseller oversell ID on|off``."""
    oversell = reseller_actions.add_parser(
        "oversell", help="allow a reseller's customers to hold more than its subscriptions"
    )
    oversell.add_argument("id", type=positive_id)
    oversell.add_argument("state", choices=("on", "off"))
    oversell.set_defaults(handler=cmd_oversell)
