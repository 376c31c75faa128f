"""Use cases of ``Home » Customer Manager » Customers » Reseller Customers``.

Create, edit, suspend, activate, delete, list, import and export resellers. Each change
is one transaction with its audit record; an edit names the version it was read at and
is refused if someone saved in between (:class:`ConflictError`), so nothing is
overwritten silently. Passwords are hashed before the transaction opens, so the
database is never held while argon2 works.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

from sqlalchemy import func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.exc import StaleDataError

from studio.context import Studio
from studio.csvfile import read_csv, write_csv_atomically
from studio.db import audit
from studio.db.models import (
    AuditEvent,
    CustomerPlan,
    EndCustomer,
    ProvisioningJob,
    Reseller,
    ResellerOffering,
    Subscription,
    User,
)
from studio.domain.actors import Actor, Permission
from studio.domain.job_rules import LIVE_STATUSES
from studio.domain.reseller_formats import CSV_COLUMNS, from_flat, to_flat
from studio.domain.reseller_rules import (
    STATUSES,
    Address,
    Company,
    Department,
    ResellerInput,
    check_reseller,
    full_name,
    normalise,
)
from studio.domain.reseller_settings_rules import TYPES, disabled_type_error
from studio.errors import ConflictError, FieldError, StudioError
from studio.security.passwords import hash_password
from studio.services.reseller_settings import get_reseller_settings


class ResellerRow(NamedTuple):
    """One line of the Reseller Customers table (a tuple: 100,000 of them stay small).

    ``subscriptions`` counts the reseller's subscriptions that are active or on their
    way (pending); failed and cancelled ones are not counted.
    """

    id: int
    name: str
    company: str
    email: str
    username: str
    type: str
    status: str
    created_at: dt.datetime
    subscriptions: int


@dataclass(frozen=True)
class HistoryEntry:
    """One audit event about a reseller, for its History tab."""

    at: dt.datetime
    actor: str
    action: str
    summary: str


@dataclass(frozen=True)
class ResellerDetails:
    """A reseller as Edit and the details dialog show it (never its password)."""

    id: int
    data: ResellerInput
    status: str
    version: int
    has_password: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str
    subscriptions: int
    history: tuple[HistoryEntry, ...]

    @property
    def name(self) -> str:
        """``First Last``."""
        return full_name(self.data.first_name, self.data.last_name)


class ResellerNotFound(StudioError):
    """The reseller does not exist (any more): someone may have deleted it."""

    def __init__(self, reseller_id: int) -> None:
        self.reseller_id = reseller_id
        super().__init__(f"reseller {reseller_id} does not exist (it may have been deleted)")


class ImportRejected(FieldError):
    """Some rows of an import are invalid; nothing was written.

    ``problems`` lists ``(line, field, message)``; as a FieldError each is keyed
    ``line N: field`` so the command line prints ``line 3: email: …``.
    """

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        self.problems = problems
        super().__init__({f"line {line}: {field}": message for line, field, message in problems})


# -- rows ↔ input -----------------------------------------------------------------------


def _address_of(row: Reseller, prefix: str) -> Address:
    return Address(
        getattr(row, f"{prefix}address_line1"),
        getattr(row, f"{prefix}address_line2"),
        getattr(row, f"{prefix}city"),
        getattr(row, f"{prefix}state"),
        getattr(row, f"{prefix}postal_code"),
        getattr(row, f"{prefix}country"),
    )


def _input_of(row: Reseller, with_logo: bool = True) -> ResellerInput:
    return ResellerInput(
        type=row.type,
        username=row.username,
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        phone=row.phone,
        address=_address_of(row, ""),
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
            address=_address_of(row, "company_"),
            tax_id=row.company_tax_id,
            departments=tuple(Department(**d) for d in row.departments),
            logo=row.logo if with_logo else None,
        ),
    )


def _columns(data: ResellerInput) -> dict[str, Any]:
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
    for prefix, address in (("", data.address), ("company_", company.address)):
        values[f"{prefix}address_line1"] = address.line1
        values[f"{prefix}address_line2"] = address.line2
        values[f"{prefix}city"] = address.city
        values[f"{prefix}state"] = address.state
        values[f"{prefix}postal_code"] = address.postal_code
        values[f"{prefix}country"] = address.country
    return values


def _audit_fields(data: ResellerInput) -> dict[str, str]:
    """Every field as the audit log shows it; the logo by size and content hash."""
    fields = to_flat(data)
    logo = data.company.logo
    if logo:
        digest = hashlib.sha256(logo).hexdigest()[:12]
        fields["company.logo"] = f"{len(logo)} bytes, sha256 {digest}"
    else:
        fields["company.logo"] = ""
    return fields


def _row(session: Session, reseller_id: int) -> Reseller:
    row = session.get(Reseller, reseller_id)
    if row is None:
        raise ResellerNotFound(reseller_id)
    return row


def _details(session: Session, row: Reseller) -> ResellerDetails:
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "reseller", AuditEvent.entity_id == str(row.id))
        .order_by(AuditEvent.id)
    )
    return ResellerDetails(
        id=row.id,
        data=_input_of(row),
        status=row.status,
        version=row.version,
        has_password=bool(row.password_hash),
        created_at=row.created_at,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        subscriptions=_live_subscriptions(session, row.id).get(row.id, 0),
        history=tuple(HistoryEntry(e.at, e.actor, e.action, e.summary) for e in events),
    )


# -- reads ------------------------------------------------------------------------------


def list_resellers(studio: Studio, actor: Actor) -> list[ResellerRow]:
    """Every reseller, by id: the table filters and sorts them in memory."""
    actor.require(Permission.VIEW_RESELLERS)
    columns = (
        Reseller.id,
        Reseller.first_name,
        Reseller.last_name,
        Reseller.company_name,
        Reseller.email,
        Reseller.username,
        Reseller.type,
        Reseller.status,
        Reseller.created_at,
    )
    with studio.unit_of_work() as session:
        counts = _live_subscriptions(session)
        result = session.execute(select(*columns).order_by(Reseller.id))
        return [
            ResellerRow(
                rid,
                full_name(first, last),
                company,
                email,
                user,
                kind,
                status,
                at,
                counts.get(rid, 0),
            )
            for rid, first, last, company, email, user, kind, status, at in result
        ]


def _live_subscriptions(session: Session, reseller_id: int | None = None) -> dict[int, int]:
    """Reseller id → its own subscriptions active or pending (one query for the whole
    list); its end customers' are the reseller panel's to show."""
    stmt = (
        select(Subscription.reseller_id, func.count())
        .where(Subscription.status.in_(LIVE_STATUSES), Subscription.customer_id.is_(None))
        .group_by(Subscription.reseller_id)
    )
    if reseller_id is not None:
        stmt = stmt.where(Subscription.reseller_id == reseller_id)
    return {rid: int(count) for rid, count in session.execute(stmt)}


def search_text(row: ResellerRow) -> str:
    """What the search box looks in: name, company, e-mail, username, case-folded."""
    return f"{row.name}\n{row.company}\n{row.email}\n{row.username}".casefold()


def filter_rows(rows: Iterable[ResellerRow], search: str) -> list[ResellerRow]:
    """The rows whose name, company, e-mail or username contain ``search`` (any case)."""
    needle = search.strip().casefold()
    if not needle:
        return list(rows)
    return [row for row in rows if needle in search_text(row)]


def count_by_type(studio: Studio, actor: Actor) -> dict[str, int]:
    """How many resellers each type has (Reseller Settings says so before disabling)."""
    actor.require(Permission.VIEW_CONFIGURATION)
    with studio.unit_of_work() as session:
        counts: dict[str, int] = {
            kind: count
            for kind, count in session.execute(
                select(Reseller.type, func.count()).group_by(Reseller.type)
            )
        }
    return {kind: int(counts.get(kind, 0)) for kind in TYPES}


def get_reseller(studio: Studio, actor: Actor, reseller_id: int) -> ResellerDetails:
    """One reseller with its history."""
    actor.require(Permission.VIEW_RESELLERS)
    with studio.unit_of_work() as session:
        return _details(session, _row(session, reseller_id))


def _taken(session: Session, username: str, email: str, exclude_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    others = select(Reseller.username_key, Reseller.email_key).where(
        or_(
            Reseller.username_key.in_({username.casefold(), email.casefold()}),
            Reseller.email_key.in_({username.casefold(), email.casefold()}),
        )
    )
    if exclude_id is not None:
        others = others.where(Reseller.id != exclude_id)
    for user_key, mail_key in session.execute(others):
        if username and username.casefold() in (user_key, mail_key):
            errors.setdefault("username", "is already used by another reseller")
        if email and email.casefold() in (user_key, mail_key):
            errors.setdefault("email", "is already used by another reseller")
    if username and session.scalar(
        select(func.count()).where(func.lower(User.username) == username.casefold())
    ):
        errors.setdefault("username", "is already used by a provider user")
    return errors


def availability_errors(
    studio: Studio, actor: Actor, username: str, email: str, exclude_id: int | None = None
) -> dict[str, str]:
    """``username`` / ``email`` already used (e-mail compared case-insensitively).

    The wizard asks this in ``validatePage``; create and update check again inside
    their transaction, and the unique indexes catch a race between the two.
    """
    actor.require(Permission.MANAGE_RESELLERS)
    with studio.unit_of_work() as session:
        return _taken(session, username.strip(), email.strip(), exclude_id)


# -- writes -----------------------------------------------------------------------------


def _type_errors(studio: Studio, actor: Actor, kind: str, previous: str | None) -> dict[str, str]:
    """A type that is disabled may be kept, never newly given."""
    error = disabled_type_error(get_reseller_settings(studio, actor), kind, previous)
    return {"type": error} if error else {}


def _flush_unique(session: Session) -> None:
    """Flush; a unique index refusing the row becomes the field it names."""
    try:
        session.flush()
    except IntegrityError as exc:
        text = str(exc.orig)
        field = "email" if "email_key" in text else "username"
        raise FieldError.single(field, "is already used by another reseller") from None


def create_reseller(
    studio: Studio, actor: Actor, data: ResellerInput, *, require_password: bool = True
) -> ResellerDetails:
    """Validate, then add the reseller and its audit record in one transaction.

    ``require_password`` is lifted only for resellers created to set a password later
    (like imported ones, they cannot sign in until then).

    Raises:
        FieldError: naming each invalid field, a disabled type, or a used username/e-mail.
    """
    actor.require(Permission.MANAGE_RESELLERS)
    clean = normalise(data, password_required=require_password)
    if errors := _type_errors(studio, actor, clean.type, None):
        raise FieldError(errors)
    password_hash = hash_password(clean.password) if clean.password else None
    with studio.unit_of_work() as session:
        if errors := _taken(session, clean.username, clean.email, None):
            raise FieldError(errors)
        row = Reseller(
            **_columns(clean), status="active", password_hash=password_hash, updated_by=actor.name
        )
        session.add(row)
        _flush_unique(session)
        audit.record(
            session,
            actor,
            action="reseller.create",
            entity="reseller",
            entity_id=row.id,
            changes=audit.diff({}, _audit_fields(clean)),
            summary=f"{full_name(clean.first_name, clean.last_name)} ({clean.username}), "
            f"{clean.type}",
        )
        session.flush()
        return _details(session, row)


def _conflict_with(row: Reseller) -> ConflictError:
    return ConflictError(full_name(row.first_name, row.last_name), row.updated_by, row.updated_at)


def _check_version(row: Reseller, version: int) -> None:
    if row.version != version:
        raise _conflict_with(row)


def update_reseller(
    studio: Studio, actor: Actor, reseller_id: int, data: ResellerInput, version: int
) -> ResellerDetails:
    """Save an edit made to ``version``; a password given is set, ``None`` keeps it.

    Raises:
        ConflictError: someone saved in between (who and when); nothing written.
        ResellerNotFound: it was deleted meanwhile.
        FieldError: as for create.
    """
    actor.require(Permission.MANAGE_RESELLERS)
    clean = normalise(data)
    password_hash = hash_password(clean.password) if clean.password else None
    try:
        return _update(
            studio,
            actor,
            reseller_id=reseller_id,
            clean=clean,
            version=version,
            password_hash=password_hash,
        )
    except _Stale:
        _conflict(studio, reseller_id)


class _Stale(StudioError):
    """The row's version moved between our read and our write (a concurrent save)."""


def _update(
    studio: Studio,
    actor: Actor,
    *,
    reseller_id: int,
    clean: ResellerInput,
    version: int,
    password_hash: str | None,
) -> ResellerDetails:
    with studio.unit_of_work() as session:
        row = _row(session, reseller_id)
        _check_version(row, version)
        if errors := _type_errors(studio, actor, clean.type, row.type):
            raise FieldError(errors)
        if errors := _taken(session, clean.username, clean.email, reseller_id):
            raise FieldError(errors)
        before = _audit_fields(_input_of(row))
        changed = {n: v for n, v in _columns(clean).items() if getattr(row, n) != v}
        if not changed and password_hash is None:
            return _details(session, row)  # nothing to save: the version stays
        for name, value in changed.items():
            setattr(row, name, value)
        changes = audit.diff(before, _audit_fields(clean))
        if password_hash is not None:
            changes["password"] = [audit.MASK if row.password_hash else None, audit.MASK]
            row.password_hash = password_hash
        row.updated_by = actor.name
        try:
            _flush_unique(session)
        except StaleDataError:  # another studio committed between our read and write
            raise _Stale from None
        audit.record(
            session,
            actor,
            action="reseller.update",
            entity="reseller",
            entity_id=row.id,
            changes=changes,
            summary=f"{', '.join(sorted(changes))}",
        )
        session.flush()
        return _details(session, row)


def _conflict(studio: Studio, reseller_id: int) -> NoReturn:
    """Raise the conflict naming who saved last and when."""
    with studio.unit_of_work() as session:
        raise _conflict_with(_row(session, reseller_id))


def set_reseller_status(
    studio: Studio, actor: Actor, reseller_id: int, status: str
) -> ResellerDetails:
    """Suspend (``suspended``) or activate (``active``) a reseller."""
    actor.require(Permission.MANAGE_RESELLERS)
    if status not in STATUSES:
        raise FieldError.single("status", f"must be one of {', '.join(STATUSES)}")
    with studio.unit_of_work() as session:
        row = _row(session, reseller_id)
        if row.status != status:
            _status_jobs(session, actor, row.id, status)
            audit.record(
                session,
                actor,
                action="reseller.suspend" if status == "suspended" else "reseller.activate",
                entity="reseller",
                entity_id=row.id,
                changes={"status": [row.status, status]},
                summary=f"{full_name(row.first_name, row.last_name)} ({row.username})",
            )
            row.status = status
            row.updated_by = actor.name
            session.flush()
        return _details(session, row)


def _status_jobs(session: Session, actor: Actor, reseller_id: int, status: str) -> None:
    """Suspend or resume the reseller's subscriptions through provisioning jobs, written
    in the same transaction as the status (the job runner carries them out)."""
    operation, from_status = (
        ("suspend", "active") if status == "suspended" else ("resume", "suspended")
    )
    busy = select(ProvisioningJob.subscription_id).where(
        ProvisioningJob.state.in_(("pending", "queued", "running", "cancelling"))
    )
    # End customers suspended (or deleted) by the reseller stay so when it resumes.
    customers_held = select(EndCustomer.id).where(EndCustomer.status != "active")
    subs = session.scalars(
        select(Subscription).where(
            Subscription.reseller_id == reseller_id,
            Subscription.status == from_status,
            Subscription.resource_id.is_not(None),
            Subscription.id.not_in(busy),  # the runner makes those follow when they end
            or_(
                Subscription.customer_id.is_(None),
                Subscription.customer_id.not_in(customers_held),
            ),
        )
    )
    for sub in subs:
        session.add(ProvisioningJob.on_resource(sub, operation, actor.name))


def delete_reseller(studio: Studio, actor: Actor, reseller_id: int) -> str:
    """Delete the reseller; the audit log keeps its last details and its history."""
    actor.require(Permission.MANAGE_RESELLERS)
    with studio.unit_of_work() as session:
        row = _row(session, reseller_id)
        name = full_name(row.first_name, row.last_name)
        subscriptions = list(
            session.scalars(select(Subscription).where(Subscription.reseller_id == row.id))
        )
        live = [s for s in subscriptions if s.status in LIVE_STATUSES]
        if live:
            raise StudioError(
                f"{name} has {len(live)} subscription(s) still {live[0].status}: they must be "
                "removed on their servers first; suspend the reseller instead"
            )
        customers = list(
            session.scalars(select(EndCustomer).where(EndCustomer.reseller_id == row.id))
        )
        current = [c for c in customers if c.status != "deleted"]
        if current:
            raise StudioError(
                f"{name} has {len(current)} end customer(s): they must be deleted in its "
                "panel first; suspend the reseller instead"
            )
        # Failed, cancelled or removed: their history stays in the audit log. In the
        # order the foreign keys need: customers' subscriptions (they name a plan, a
        # customer and the reseller's own subscription), plans, the reseller's own.
        plans = list(
            session.scalars(select(CustomerPlan).where(CustomerPlan.reseller_id == row.id))
        )
        sold = [s for s in subscriptions if s.customer_id is not None]
        own = [s for s in subscriptions if s.customer_id is None]
        for group in (sold, plans, own, customers):
            for item in group:
                if isinstance(item, Subscription):
                    for job in session.scalars(
                        select(ProvisioningJob).where(ProvisioningJob.subscription_id == item.id)
                    ):
                        session.delete(job)
                session.delete(item)
            session.flush()
        for offered in session.scalars(
            select(ResellerOffering).where(ResellerOffering.reseller_id == row.id)
        ):
            session.delete(offered)
        session.flush()
        audit.record(
            session,
            actor,
            action="reseller.delete",
            entity="reseller",
            entity_id=row.id,
            changes={k: [v, None] for k, v in _audit_fields(_input_of(row)).items() if v},
            summary=f"{name} ({row.username})",
        )
        session.delete(row)
    return name


# -- import / export --------------------------------------------------------------------


def _import_problems(
    studio: Studio, actor: Actor, rows: list[tuple[int, dict[str, str]]]
) -> tuple[list[tuple[int, str, str]], list[tuple[ResellerInput, str]]]:
    settings = get_reseller_settings(studio, actor)
    problems: list[tuple[int, str, str]] = []
    accepted: list[tuple[ResellerInput, str]] = []
    with studio.unit_of_work() as session:
        used = set(session.scalars(select(Reseller.username_key)))
        used |= set(session.scalars(select(Reseller.email_key)))
        provider_users = {u.casefold() for u in session.scalars(select(User.username))}
    seen: dict[str, int] = {}
    for line, cells in rows:
        try:
            clean, errors = check_reseller(from_flat(cells))
        except FieldError as exc:
            problems.extend((line, f, m) for f, m in exc.errors.items())
            continue
        status = cells.get("status", "").strip() or "active"
        if status not in STATUSES:
            errors["status"] = f"must be one of {', '.join(STATUSES)}"
        if error := disabled_type_error(settings, clean.type):
            errors.setdefault("type", error)
        for field, value in (("username", clean.username), ("email", clean.email)):
            key = value.casefold()
            if not key or field in errors:
                continue
            if key in used:
                errors[field] = "is already used by another reseller"
            elif field == "username" and key in provider_users:
                errors[field] = "is already used by a provider user"
            elif key in seen and seen[key] != line:
                errors[field] = f"is also on line {seen[key]} of this file"
        seen.setdefault(clean.username.casefold(), line)
        seen.setdefault(clean.email.casefold(), line)
        problems.extend((line, f, m) for f, m in errors.items())
        if not errors:
            accepted.append((clean, status))
    return problems, accepted


def import_resellers(studio: Studio, actor: Actor, path: Path) -> int:
    """Add every reseller of the CSV file, or none: all rows are checked first.

    Imported resellers have no password and cannot sign in until one is set.

    Raises:
        ImportRejected: ``(line, field, message)`` for every problem; nothing written.
        FieldError: naming ``file`` when it cannot be read or lacks required columns.
    """
    actor.require(Permission.MANAGE_RESELLERS)
    header, rows = read_csv(path)
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown:
        names = ", ".join(repr(c) for c in unknown)
        raise FieldError.single("file", f"has unknown columns {names} (see docs/resellers.md)")
    missing = [c for c in ("type", "username", "email") if c not in header]
    if missing:
        raise FieldError.single(
            "file", f"has no column {', '.join(missing)} (see docs/resellers.md)"
        )
    problems, accepted = _import_problems(studio, actor, rows)
    if problems:
        raise ImportRejected(problems)
    if not accepted:
        return 0
    values = [
        {**_columns(clean), "status": status, "password_hash": None, "updated_by": actor.name}
        for clean, status in accepted
    ]
    with studio.unit_of_work() as session:
        try:
            ids = list(
                session.scalars(
                    insert(Reseller).returning(Reseller.id, sort_by_parameter_order=True),
                    values,
                )
            )
        except IntegrityError:  # another studio added one of them meanwhile
            raise FieldError.single(
                "file", "some usernames or e-mails were taken meanwhile; import again"
            ) from None
        session.execute(
            insert(AuditEvent),
            [
                {
                    "actor": actor.name,
                    "action": "reseller.import",
                    "entity": "reseller",
                    "entity_id": str(rid),
                    "changes": {"status": [None, status]},
                    "summary": f"{full_name(c.first_name, c.last_name)} ({c.username}), "
                    f"{c.type}, from {path.name}",
                }
                for rid, (c, status) in zip(ids, accepted, strict=True)
            ],
        )
        audit.record(
            session,
            actor,
            action="reseller.import",
            entity="reseller_import",
            summary=f"{len(ids)} resellers from {path.name}",
        )
    return len(ids)


def _csv_line(row: Reseller) -> list[str]:
    cells = to_flat(_input_of(row, with_logo=False))
    cells.update(id=str(row.id), status=row.status, created_at=row.created_at.isoformat())
    return [cells[column] for column in CSV_COLUMNS]


def export_resellers(
    studio: Studio, actor: Actor, path: Path, ids: Sequence[int] | None = None
) -> int:
    """Write resellers (all, or those with ``ids`` in that order) to CSV; import reads it.

    The export is recorded in the audit log: it carries personal data.
    """
    actor.require(Permission.VIEW_RESELLERS)
    with studio.unit_of_work() as session:
        query = select(Reseller).options(defer(Reseller.logo)).order_by(Reseller.id)
        if ids is None:
            chosen = list(session.scalars(query))
        else:  # only those asked for (chunks: SQLite limits bound parameters), in order
            rows: dict[int, Reseller] = {}
            for start in range(0, len(ids), 900):
                chunk = ids[start : start + 900]
                rows.update((r.id, r) for r in session.scalars(query.where(Reseller.id.in_(chunk))))
            chosen = [rows[i] for i in ids if i in rows]
        lines = [_csv_line(row) for row in chosen]
        # Recorded in the transaction that writes the file: no file leaves unrecorded.
        audit.record(
            session,
            actor,
            action="reseller.export",
            entity="reseller_export",
            summary=f"{len(lines)} resellers to {path.name}",
        )
        return write_csv_atomically(path, CSV_COLUMNS, lines)
