"""SQLAlchemy 2.x declarative models: the domain objects the services load and change.

Every table is created by an Alembic migration under ``studio/db/migrations/versions``;
a change here needs a new migration there (``test_migrations_create_exactly_what_the_
models_declare`` in ``tests/unit/studio/db/test_migrate.py`` fails when the two drift apart).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, composite, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from studio.domain.job_rules import (
    UNFINISHED_JOB_STATES,
    JobStatus,
    SubscriptionStatus,
    new_idempotency_key,
)
from studio.domain.reseller_rules import Address

#: Constraint names that Alembic's batch mode on SQLite can find again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Timezone-aware now, the only clock the models use."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in UTC, whatever the database keeps.

    SQLite stores no zone and hands back naive values; without this a time saved at
    22:37 UTC would be shown as 22:37 local time.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        """Store UTC; a naive value is a programming error."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        """Read back as aware UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of every studio table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON,
    }


def _states(states: type[enum.StrEnum]) -> Enum:
    """A column of one of the domain's state enums, stored as its text (``VARCHAR(20)``,
    as before the enums existed): no database enum type, no CHECK constraint to migrate;
    a value outside the enum fails loudly on write and on read."""
    return Enum(
        states,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class WebsiteSettings(Base):
    """``Configure > Control Panel Website``: where the Control Panel is served.

    A single row (id 1). It does not exist until an administrator saves the page, so the
    page can tell "never configured" from "configured".
    """

    __tablename__ = "website_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_name: Mapped[str] = mapped_column(String(64))
    protocol: Mapped[str] = mapped_column(String(5))
    host: Mapped[str] = mapped_column(String(253))
    port: Mapped[int] = mapped_column(Integer)
    virtual_path: Mapped[str] = mapped_column(String(200))
    certificate: Mapped[str] = mapped_column(String(260), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))


class AuditEvent(Base):
    """One change made through a service: who, when, what, to which entity.

    Written in the same transaction as the change, so a change without its record (or
    a record without its change) cannot exist. ``changes`` maps field → [old, new] with
    secrets already masked. ``prev_hash`` and ``hash`` chain the rows
    (:mod:`studio.domain.audit_chain`), so that a changed or removed row shows.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120), index=True)
    action: Mapped[str] = mapped_column(String(80))
    entity: Mapped[str] = mapped_column(String(80), index=True)
    entity_id: Mapped[str] = mapped_column(String(80), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    summary: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")


class ProvisioningSettings(Base):
    """``Configure > Provisioning Service``: where the Control Server's service answers.

    ``mode`` is ``embedded`` (the studio runs the provisioning-service stubs itself, the
    default and demo install) or ``external`` (real servers at ``host``:``port``). The
    token lives in the OS keyring, never here. One row (id 1), absent until saved.
    """

    __tablename__ = "provisioning_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mode: Mapped[str] = mapped_column(String(10))
    host: Mapped[str] = mapped_column(String(253))
    port: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))


class RemoteServer(Base):
    """``Configure > Remote Servers``: a machine that hosts services.

    ``managed`` servers are the embedded stubs the studio starts itself; their port is
    assigned at each start and not stored. Tokens live in the OS keyring.
    """

    __tablename__ = "remote_server"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(15), unique=True)
    host: Mapped[str] = mapped_column(String(253))
    port: Mapped[int] = mapped_column(Integer)
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    managed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class User(Base):
    """A studio user: provider administrator or provider staff (resellers sign in with
    their :class:`Reseller` row).

    ``username`` is stored lower-case (sign-in is case-insensitive). Only the argon2id
    hash of the password is kept. The lockdown counters live here so that a lock
    survives a restart of the studio.
    """

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    locked_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LoginPolicy(Base):
    """``Home » System Configuration » Access Control``: the Login Lockdown Policy.

    After ``max_attempts`` failed sign-ins within ``window_minutes`` the account is
    locked for ``lock_minutes``. One row (id 1); absent means the defaults (5/15/15, on).
    """

    __tablename__ = "login_policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    window_minutes: Mapped[int] = mapped_column(Integer, default=15)
    lock_minutes: Mapped[int] = mapped_column(Integer, default=15)
    #: Minutes without input after which the studio asks for the password again.
    idle_minutes: Mapped[int] = mapped_column(Integer, default=15, server_default="15")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))


class ResellerTypeSettings(Base):
    """``Home » System Configuration » Reseller Settings``: one row per reseller type.

    Absent rows mean the defaults (enabled). Commission is in basis points (exact).
    """

    __tablename__ = "reseller_type_settings"

    type: Mapped[str] = mapped_column(String(20), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    label: Mapped[str] = mapped_column(String(40))
    terms: Mapped[str] = mapped_column(Text, default="")
    commission_bp: Mapped[int] = mapped_column(Integer)
    payout_cycle: Mapped[str] = mapped_column(String(10))
    currency: Mapped[str] = mapped_column(String(3))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))


class Reseller(Base):
    """A reseller customer: login, personal details and company profile.

    ``username_key`` and ``email_key`` are the case-folded username and e-mail, unique,
    so two resellers never share either however they are capitalised. ``version`` is
    the optimistic lock: an update names the version it was read at, and SQLAlchemy
    refuses a save over someone else's (``version_id_col``). ``password_hash`` is empty
    for imported resellers, who cannot sign in until a password is set. ``departments``
    is the ordered list of ``{name, phone, email, signature}``.
    """

    __tablename__ = "reseller"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    username: Mapped[str] = mapped_column(String(254))
    username_key: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    first_name: Mapped[str] = mapped_column(String(64))
    last_name: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    alternate_email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(32))
    mobile: Mapped[str] = mapped_column(String(32), default="")
    fax: Mapped[str] = mapped_column(String(32), default="")
    address_line1: Mapped[str] = mapped_column(String(120))
    address_line2: Mapped[str] = mapped_column(String(120), default="")
    city: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(80), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2))
    locale: Mapped[str] = mapped_column(String(35), default="en-US")
    company_name: Mapped[str] = mapped_column(String(120))
    company_website: Mapped[str] = mapped_column(String(253), default="")
    company_email: Mapped[str] = mapped_column(String(254), default="")
    company_phone: Mapped[str] = mapped_column(String(32), default="")
    company_fax: Mapped[str] = mapped_column(String(32), default="")
    company_address_line1: Mapped[str] = mapped_column(String(120), default="")
    company_address_line2: Mapped[str] = mapped_column(String(120), default="")
    company_city: Mapped[str] = mapped_column(String(80), default="")
    company_state: Mapped[str] = mapped_column(String(80), default="")
    company_postal_code: Mapped[str] = mapped_column(String(20), default="")
    company_country: Mapped[str] = mapped_column(String(2), default="")
    company_tax_id: Mapped[str] = mapped_column(String(40), default="")
    #: The two postal addresses as the domain's :class:`Address` (their columns above).
    address: Mapped[Address] = composite(
        Address, address_line1, address_line2, city, state, postal_code, country
    )
    company_address: Mapped[Address] = composite(
        Address,
        company_address_line1,
        company_address_line2,
        company_city,
        company_state,
        company_postal_code,
        company_country,
    )
    departments: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))
    #: Sign-in to the reseller panel, counted by the Login Lockdown Policy as for users.
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    locked_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: When the reseller accepted its type's agreement terms, and which text (SHA-256):
    #: changed terms are shown again.
    agreement_accepted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    agreement_sha256: Mapped[str] = mapped_column(String(64), default="")
    #: The provider allows this reseller's customers to hold more than its subscription.
    oversell_allowed: Mapped[bool] = mapped_column(Boolean, default=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's hook)


class PricedPlan:
    """The columns an offering and an add-on share: a named, priced set of quotas of one
    service, sold per billing cycle, which the provider may disable."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    service: Mapped[str] = mapped_column(String(20))
    quotas: Mapped[dict[str, Any]] = mapped_column(default=dict)
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    billing_cycle: Mapped[str] = mapped_column(String(10), default="monthly")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))


class ServiceOffering(PricedPlan, Base):
    """A provider service plan: a service with quotas and a price per billing cycle.

    ``audience`` is ``reseller`` (a plan Subscription Based resellers subscribe to) or
    ``customer`` (a plan end customers buy, which Commission Based resellers sell).
    Prices are whole cents: money is never a float.
    """

    __tablename__ = "service_offering"

    audience: Mapped[str] = mapped_column(String(10))


class Addon(PricedPlan, Base):
    """An add-on: resources added to an existing subscription (one more mailbox, more
    storage). ``quotas`` holds the increments, a subset of the service's quotas."""

    __tablename__ = "addon"


class ResellerOffering(Base):
    """A provider offering a Commission Based reseller may sell, and its commission.

    A change of commission is a new row from its effective date; the old row gets
    ``effective_to``: statements need the commission in force at the time of a sale.
    """

    __tablename__ = "reseller_offering"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reseller_id: Mapped[int] = mapped_column(ForeignKey("reseller.id"), index=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("service_offering.id"))
    commission_bp: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date, default=None)
    updated_by: Mapped[str] = mapped_column(String(120))


class Subscription(Base):
    """A service subscribed for a reseller on a Remote Server.

    ``status``: ``pending`` until its provisioning job succeeds (then ``active``), or
    ``failed``; ``cancelled`` when its job was cancelled. ``resource_id`` is what the
    Provisioning Service created.
    """

    __tablename__ = "subscription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reseller_id: Mapped[int] = mapped_column(ForeignKey("reseller.id"), index=True)
    service: Mapped[str] = mapped_column(String(20))
    server: Mapped[str] = mapped_column(String(15))
    offering_id: Mapped[int | None] = mapped_column(ForeignKey("service_offering.id"), default=None)
    quotas: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[SubscriptionStatus] = mapped_column(
        _states(SubscriptionStatus), default=SubscriptionStatus.PENDING
    )
    resource_id: Mapped[str | None] = mapped_column(String(80), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: An end customer's subscription (sold by ``reseller_id``); ``None`` for the
    #: reseller's own.
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("end_customer.id"), default=None, index=True
    )
    #: The reseller subscription whose quota a customer subscription draws on.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscription.id"), default=None, index=True
    )
    #: The reseller's Customer Products Plan it was sold from.
    plan_id: Mapped[int | None] = mapped_column(
        # use_alter: a plan names its subscription too; this one is made last.
        ForeignKey(
            "customer_plan.id", use_alter=True, name="fk_subscription_plan_id_customer_plan"
        ),
        default=None,
    )
    #: The price at the time of sale (statements use it, not today's price).
    price_cents: Mapped[int | None] = mapped_column(Integer, default=None)
    billing_cycle: Mapped[str | None] = mapped_column(String(10), default=None)
    #: A Commission Based reseller's commission on this sale, as in force when sold.
    commission_bp: Mapped[int | None] = mapped_column(Integer, default=None)

    #: Who owns it, whom it was sold to, and whose quota it draws on.
    reseller: Mapped[Reseller] = relationship(foreign_keys=[reseller_id])
    customer: Mapped[EndCustomer | None] = relationship(foreign_keys=[customer_id])
    parent: Mapped[Subscription | None] = relationship(foreign_keys=[parent_id], remote_side=[id])


class CustomerPlan(Base):
    """A Subscription Based reseller's Customer Products Plan: what one end customer
    gets from one of the reseller's subscriptions, and at what price.

    ``name_key`` is the case-folded name, unique per reseller. Each quota is at most
    what the subscription holds (checked when saved); the sum over customers is checked
    at every sale.
    """

    __tablename__ = "customer_plan"
    __table_args__ = (UniqueConstraint("reseller_id", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reseller_id: Mapped[int] = mapped_column(ForeignKey("reseller.id"), index=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscription.id"))
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(80))
    service: Mapped[str] = mapped_column(String(20))
    quotas: Mapped[dict[str, Any]] = mapped_column(default=dict)
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    billing_cycle: Mapped[str] = mapped_column(String(10), default="monthly")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's hook)


class EndCustomer(Base):
    """A reseller's own customer. ``status``: ``active``, ``suspended``, or ``deleted``
    (kept, with its subscriptions deprovisioned, so statements still show its sales).
    ``email_key`` is the case-folded e-mail, unique per reseller."""

    __tablename__ = "end_customer"
    __table_args__ = (UniqueConstraint("reseller_id", "email_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reseller_id: Mapped[int] = mapped_column(ForeignKey("reseller.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    first_name: Mapped[str] = mapped_column(String(64))
    last_name: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(32))
    address_line1: Mapped[str] = mapped_column(String(120))
    address_line2: Mapped[str] = mapped_column(String(120), default="")
    city: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(80), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2))
    address: Mapped[Address] = composite(
        Address, address_line1, address_line2, city, state, postal_code, country
    )
    company_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's hook)

    #: The reseller whose customer it is.
    reseller: Mapped[Reseller] = relationship()


class ProvisioningJob(Base):
    """One request to a Provisioning Service, tracked until it ends.

    Written in the transaction that creates its subscription (``pending``); the runner
    submits it with ``idempotency_key`` (the server returns the same job for the same
    key, so a resubmission after a crash never creates a second resource) and records
    ``remote_id``, ``state`` and ``progress`` as the server reports them. Network
    failures are retried: ``attempts`` and ``next_attempt_at`` bound the back-off.
    """

    __tablename__ = "provisioning_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscription.id"), index=True)
    operation: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    server: Mapped[str] = mapped_column(String(15))
    service: Mapped[str] = mapped_column(String(20))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[JobStatus] = mapped_column(
        _states(JobStatus), default=JobStatus.PENDING, index=True
    )
    remote_id: Mapped[str | None] = mapped_column(String(80), default=None)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Failed here (the server could not be reached), not on the server: Retry asks the
    #: server again under the same key, which finds the job if it ran after all.
    local_failure: Mapped[bool] = mapped_column(Boolean, default=False)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    requested_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: The studio whose job runner carries the job out (``host data-folder``), until
    #: when: another studio's runner takes it over only once the lease has run out
    #: (the studio holding it stopped renewing it: it died, or lost the database).
    claimed_by: Mapped[str | None] = mapped_column(String(255), default=None)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: Optimistic lock: the runner, Cancel and Retry never overwrite each other's change.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's hook)

    #: The subscription whose resource the job makes, changes or removes.
    subscription: Mapped[Subscription] = relationship()

    @classmethod
    def on_resource(cls, sub: Subscription, operation: str, requested_by: str) -> ProvisioningJob:
        """A new ``pending`` job on the subscription's resource (suspend, resume,
        deprovision), with a key of its own."""
        return cls(
            subscription_id=sub.id,
            operation=operation,
            idempotency_key=new_idempotency_key(),
            server=sub.server,
            service=sub.service,
            parameters={"resource_id": sub.resource_id},
            state=JobStatus.PENDING,
            requested_by=requested_by,
        )


_UNFINISHED = "state IN ({})".format(", ".join(f"'{s}'" for s in UNFINISHED_JOB_STATES))

#: At most one unfinished job per subscription: two Retries (two windows, a double
#: click) can never both start a job, and suspend/resume never race a provision.
Index(
    "uq_provisioning_job_unfinished",
    ProvisioningJob.subscription_id,
    unique=True,
    sqlite_where=text(_UNFINISHED),
    postgresql_where=text(_UNFINISHED),
)


#: A reseller's History tab reads its audit events by entity and id.
Index("ix_audit_event_entity_entity_id", AuditEvent.entity, AuditEvent.entity_id)


# Ids are never given twice (migration 0010): on SQLite each integer id is AUTOINCREMENT
# (the largest id ever given is remembered); PostgreSQL's sequences never go back.
for _table in Base.metadata.tables.values():
    _table.dialect_options["sqlite"]["autoincrement"] = True
