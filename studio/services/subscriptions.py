"""Subscribe As Reseller, a reseller's subscriptions, and add-ons to them.

A subscription and its job are written in one transaction (``pending``); the job runner
(``studio.provisioning.runner``) submits the job with its idempotency key and tracks it,
and the subscription becomes ``active`` only when the job succeeds. Retry and Cancel of
a job are :mod:`studio.services.jobs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Insert, Row, Table, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from studio.context import Studio
from studio.crash_points import crash_point
from studio.db import audit
from studio.db.models import (
    Addon,
    ProvisioningJob,
    ProvisioningSettings,
    RemoteServer,
    Reseller,
    ServiceOffering,
    Subscription,
    utcnow,
)
from studio.domain.actors import Actor, Permission
from studio.domain.catalog import CATALOG
from studio.domain.job_rules import (
    new_idempotency_key,
)
from studio.domain.quota_rules import quota_values
from studio.domain.reseller_rules import full_name
from studio.errors import FieldError, StudioError
from studio.provisioning.embedded import DEFAULT_STUBS
from studio.provisioning.endpoints import SETTINGS_ROW_ID
from studio.services.jobs import (
    JobView,
    job_view,
    owner_of,
)
from studio.services.server_checks import check_prerequisites


class PrerequisitesFailed(StudioError):
    """The prerequisites check failed: nothing was submitted."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "the prerequisites check failed, nothing was submitted: " + "; ".join(problems)
        )


@dataclass(frozen=True)
class SubscribeInput:
    """Subscribe As Reseller, as typed: quotas are text until checked."""

    reseller_id: int
    service: str
    server: str
    quotas: Mapping[str, str]
    #: A reseller plan (``service_offering`` with audience ``reseller``): its quotas win.
    offering_id: int | None = None


@dataclass(frozen=True)
class SubscriptionView:
    """A subscription with the job that carries it out now."""

    id: int
    reseller_id: int
    service: str
    server: str
    quotas: dict[str, int]
    status: str
    resource_id: str | None
    job: JobView | None
    history: tuple[JobView, ...] = ()


def _subscription_view(session: Session, sub: Subscription) -> SubscriptionView:
    reseller = owner_of(session, sub)
    history = tuple(
        job_view(j, reseller)
        for j in session.scalars(
            select(ProvisioningJob)
            .where(ProvisioningJob.subscription_id == sub.id)
            .order_by(ProvisioningJob.id)
        )
    )
    return SubscriptionView(
        history=history,
        id=sub.id,
        reseller_id=sub.reseller_id,
        service=sub.service,
        server=sub.server,
        quotas={k: int(v) for k, v in sub.quotas.items()},
        status=sub.status,
        resource_id=sub.resource_id,
        job=history[-1] if history else None,  # the current job is the newest
    )


#: Built once: a statement made per call costs more than running it (its cache key).
_INSERT_SUBSCRIPTION = insert(cast(Table, Subscription.__table__))
_INSERT_JOB = insert(cast(Table, ProvisioningJob.__table__))


_RESELLER_TO_SUBSCRIBE = select(
    Reseller.id,
    Reseller.type,
    Reseller.status,
    Reseller.company_name,
    Reseller.first_name,
    Reseller.last_name,
).where(Reseller.id == bindparam("id"))
_SERVER_BY_NAME = select(RemoteServer.name, RemoteServer.services).where(
    func.upper(RemoteServer.name) == bindparam("name")
)


def _insert(connection: Connection, statement: Insert, values: dict[str, Any]) -> int:
    """Insert one row; its new id."""
    key = connection.execute(statement, values).inserted_primary_key
    assert key is not None
    return int(key[0])


def _check_subscribe(
    session: Session, data: SubscribeInput
) -> tuple[Row[int, str, str, str, str, str], dict[str, int], Row[str, list[str]]]:
    """The reseller and server rows the subscription needs (plain rows: this is the hot
    path of subscribing many at once), or every field error at once."""
    errors: dict[str, str] = {}
    connection = session.connection()
    reseller = connection.execute(_RESELLER_TO_SUBSCRIBE, {"id": data.reseller_id}).first()
    if reseller is None:
        raise FieldError.single("reseller", f"reseller {data.reseller_id} does not exist")
    if reseller.type != "subscription":
        errors["reseller"] = (
            "is Commission Based: it sells your offerings and does not subscribe itself"
        )
    elif reseller.status != "active":
        errors["reseller"] = "is suspended: activate it first"
    requested = data.quotas
    if data.offering_id is not None:
        plan = session.get(ServiceOffering, data.offering_id)
        if plan is None or plan.audience != "reseller" or not plan.enabled:
            errors["offering"] = "must be an enabled reseller plan"
        elif plan.service != data.service:
            errors["offering"] = f"{plan.name} is a plan for {CATALOG[plan.service].title}"
        else:
            requested = {k: str(v) for k, v in plan.quotas.items()}
    quotas, quota_errors = quota_values(data.service, requested)
    errors.update(quota_errors)
    server = connection.execute(_SERVER_BY_NAME, {"name": data.server.strip().upper()}).first()
    if server is None:
        errors["server"] = f"no Remote Server is called {data.server.strip()!r}"
    elif data.service in CATALOG and data.service not in server.services:
        errors["server"] = f"{server.name} does not host {CATALOG[data.service].title}"
    if errors:
        raise FieldError(errors)
    assert server is not None
    return reseller, quotas, server


def precheck_subscribe(studio: Studio, actor: Actor, data: SubscribeInput) -> None:
    """The input checks of :func:`subscribe_reseller`, reading only, for a caller that
    must do something first only if the input is right: the command line starts the
    embedded stubs, which registers their Remote Servers the first time, and a refused
    command must change nothing. An embedded Remote Server not registered yet passes
    (starting the stubs registers it); :func:`subscribe_reseller` checks it again.

    Raises:
        FieldError: every field that is wrong, as :func:`subscribe_reseller` names it.
    """
    actor.require(Permission.MANAGE_RESELLERS)
    with studio.unit_of_work() as session:
        try:
            _check_subscribe(session, data)
        except FieldError as exc:
            errors = dict(exc.errors)
            if "server" in errors and _embedded_server_to_come(session, data.server):
                del errors["server"]
            if errors:
                raise FieldError(errors) from None


def _embedded_server_to_come(session: Session, name: str) -> bool:
    """Whether ``name`` is an embedded Remote Server that is not registered yet."""
    settings = session.get(ProvisioningSettings, SETTINGS_ROW_ID)
    if settings is not None and settings.mode != "embedded":
        return False
    wanted = name.strip().upper()
    registered = session.scalar(select(RemoteServer.id).where(RemoteServer.name == wanted))
    return registered is None and any(
        spec.role == "remote" and spec.name == wanted for spec in DEFAULT_STUBS
    )


def subscribe_reseller(
    studio: Studio, actor: Actor, data: SubscribeInput, *, check: Any = None
) -> SubscriptionView:
    """Run the prerequisites check, check the input, then write the subscription and
    its job in one transaction.

    ``check`` is the prerequisites check to run (default: the real one; the GUI calls
    this off its thread); a failure raises :class:`PrerequisitesFailed` naming each
    problem and its fix, and nothing is written.
    """
    actor.require(Permission.MANAGE_RESELLERS)
    if check is None:
        check = check_prerequisites
    report = check(studio, actor)  # first, and with no transaction open while it waits
    with studio.unit_of_work() as session:
        reseller, quotas, server = _check_subscribe(session, data)
        server_name = server.name
        problems = [
            f"{p.message} (fix: {p.fix})" if p.fix else p.message
            for p in report.failures(server_name)
        ]
        if problems or not report.server_ready(server_name):
            raise PrerequisitesFailed(problems or [f"{server_name} is not ready"])
        name = reseller.company_name or full_name(reseller.first_name, reseller.last_name)
        # Plain inserts on the transaction's connection: subscribing is the hot path of
        # provisioning many at once, and ORM objects tripled its cost (the benchmark).
        connection = session.connection()
        now = utcnow()
        sub_id = _insert(
            connection,
            _INSERT_SUBSCRIPTION,
            dict(
                reseller_id=reseller.id,
                service=data.service,
                server=server_name,
                offering_id=data.offering_id,
                quotas=quotas,
                status="pending",
                created_at=now,
                updated_at=now,
            ),
        )
        job_id = _insert(
            connection,
            _INSERT_JOB,
            dict(
                subscription_id=sub_id,
                operation="provision",
                idempotency_key=new_idempotency_key(),
                server=server_name,
                service=data.service,
                parameters={"name": name[:120], **quotas},
                state="pending",
                requested_by=actor.name,
                created_at=now,
                updated_at=now,
            ),
        )
        audit.record(
            session,
            actor,
            action="subscription.create",
            entity="reseller",
            entity_id=reseller.id,
            changes={
                "service": [None, data.service],
                "server": [None, server_name],
                **{f"quota.{k}": [None, v] for k, v in quotas.items()},
            },
            summary=f"{CATALOG[data.service].title} on {server_name}, job {job_id} pending",
        )
        # Built from what was just written: no query (subscribing 1,000 at once counts).
        view = JobView(
            id=job_id,
            subscription_id=sub_id,
            reseller_id=reseller.id,
            reseller=full_name(reseller.first_name, reseller.last_name),
            operation="provision",
            service=data.service,
            server=server_name,
            state="pending",
            progress=0,
            error="",
            attempts=0,
            created_at=now,
            finished_at=None,
        )
        result = SubscriptionView(
            sub_id, reseller.id, data.service, server_name, quotas, "pending", None, view, (view,)
        )
    crash_point("subscribe.written")
    return result


def list_subscriptions(studio: Studio, actor: Actor, reseller_id: int) -> list[SubscriptionView]:
    """A reseller's own subscriptions (not its end customers') with their current jobs."""
    actor.require(Permission.VIEW_RESELLERS)
    with studio.unit_of_work() as session:
        subs = session.scalars(
            select(Subscription)
            .where(Subscription.reseller_id == reseller_id, Subscription.customer_id.is_(None))
            .order_by(Subscription.id)
        )
        return [_subscription_view(session, sub) for sub in subs]


def add_addon(studio: Studio, actor: Actor, subscription_id: int, addon_id: int) -> JobView:
    """Add an add-on's resources to an active subscription, through an ``update`` job.

    The new quotas (current + the add-on's increments) must stay within the catalog's
    limits; the subscription holds them once the job succeeds.
    """
    actor.require(Permission.MANAGE_RESELLERS)
    with studio.unit_of_work() as session:
        sub = session.get(Subscription, subscription_id)
        if sub is None:
            raise FieldError.single(
                "subscription", f"subscription {subscription_id} does not exist"
            )
        addon = session.get(Addon, addon_id)
        errors: dict[str, str] = {}
        if addon is None or not addon.enabled:
            errors["addon"] = "must be an enabled add-on"
        elif addon.service != sub.service:
            errors["addon"] = (
                f"{addon.name} adds to {CATALOG[addon.service].title}, not this service"
            )
        if sub.customer_id is not None:
            errors["subscription"] = (
                "is an end customer's: it gets more by a bigger plan from its reseller, "
                "within the reseller's quota"
            )
        elif sub.status != "active" or not sub.resource_id:
            errors["subscription"] = f"is {sub.status}: only an active subscription takes add-ons"
        if errors:
            raise FieldError(errors)
        assert addon is not None
        wanted = {k: int(v) for k, v in sub.quotas.items()}
        for name, increment in addon.quotas.items():
            wanted[name] = wanted.get(name, 0) + int(increment)
        _values, quota_errors = quota_values(sub.service, {k: str(v) for k, v in wanted.items()})
        if quota_errors:
            raise FieldError(quota_errors)
        job = ProvisioningJob(
            subscription_id=sub.id,
            operation="update",
            idempotency_key=new_idempotency_key(),
            server=sub.server,
            service=sub.service,
            parameters={"resource_id": sub.resource_id, **wanted},
            state="pending",
            requested_by=actor.name,
        )
        session.add(job)
        try:
            session.flush()
        except IntegrityError:
            raise FieldError.single(
                "subscription", "another job of this subscription is under way: wait for it"
            ) from None
        audit.record(
            session,
            actor,
            action="subscription.addon",
            entity="reseller",
            entity_id=sub.reseller_id,
            changes={f"quota.{k}": [sub.quotas.get(k), v] for k, v in wanted.items()},
            summary=f"{addon.name} on {CATALOG[sub.service].title}, job {job.id} pending",
        )
        result = job_view(job, owner_of(session, sub))
    crash_point("addon.written")
    return result
