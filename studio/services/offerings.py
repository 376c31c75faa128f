"""Home » System Configuration » Services: the provider's offerings and add-ons, and
the offerings each Commission Based reseller may sell, with its commission.

Prices are whole cents and commissions basis points: money is never a float. A
commission change is a new row from its effective date (the old one is closed), so the
commission in force on any day can be found again for statements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from studio.context import Studio
from studio.db import audit
from studio.db.models import Addon, Reseller, ResellerOffering, ServiceOffering, Subscription
from studio.domain.actors import Actor, Permission
from studio.domain.catalog import AUDIENCES, BILLING_CYCLES, CATALOG
from studio.domain.quota_rules import price_cents, quota_values
from studio.domain.reseller_settings_rules import commission_value
from studio.domain.validation import hundredths_text, text_problem, whole_number
from studio.errors import FieldError
from studio.services.reseller_settings import get_reseller_settings


@dataclass(frozen=True)
class OfferingInput:
    """An offering (or, with ``addon``, an add-on) as typed."""

    name: str
    service: str
    audience: str
    quotas: Mapping[str, str]
    price: str
    billing_cycle: str = "monthly"
    enabled: bool = True


@dataclass(frozen=True)
class OfferingView:
    """An offering as listed."""

    id: int
    name: str
    service: str
    audience: str
    quotas: dict[str, int]
    price_cents: int
    billing_cycle: str
    enabled: bool

    @property
    def price_text(self) -> str:
        """``12.50``."""
        return hundredths_text(self.price_cents)


@dataclass(frozen=True)
class AssignedOffering:
    """An offering a Commission Based reseller sells now, with its commission."""

    offering: OfferingView
    commission_bp: int
    effective_from: dt.date

    @property
    def commission_text(self) -> str:
        """``12.50``."""
        return hundredths_text(self.commission_bp)


def _get(session: Session, row_id: int, addon: bool) -> ServiceOffering | Addon | None:
    return session.get(Addon, row_id) if addon else session.get(ServiceOffering, row_id)


def _view(row: ServiceOffering | Addon) -> OfferingView:
    return OfferingView(
        row.id,
        row.name,
        row.service,
        getattr(row, "audience", ""),  # add-ons have none
        {k: int(v) for k, v in row.quotas.items()},
        row.price_cents,
        row.billing_cycle,
        row.enabled,
    )


def _addon_quotas(data: OfferingInput) -> tuple[dict[str, int], dict[str, str]]:
    """Increments: a subset of the service's quotas, each at least 1."""
    spec = CATALOG.get(data.service)
    if spec is None:
        return {}, {"service": f"must be one of {', '.join(CATALOG)}"}
    quotas: dict[str, int] = {}
    errors: dict[str, str] = {}
    for name, text in data.quotas.items():
        quota = spec.quota(name)
        if quota is None:
            errors[f"quota.{name}"] = f"{spec.title} has no quota {name!r}"
        elif (value := whole_number(text)) is None or not 1 <= value <= quota.maximum:
            errors[f"quota.{name}"] = f"must be between 1 and {quota.maximum:,}"
        else:
            quotas[name] = value
    if not quotas and not errors:
        errors["quotas"] = "must add at least one quota"
    return quotas, errors


def _checked(data: OfferingInput, addon: bool) -> tuple[dict[str, int], int]:
    errors: dict[str, str] = {}
    if problem := text_problem(data.name.strip()):
        errors["name"] = problem
    elif not 0 < len(data.name.strip()) <= 80:
        errors["name"] = "must be 1-80 characters"
    if not addon and data.audience not in AUDIENCES:
        errors["audience"] = f"must be one of {', '.join(AUDIENCES)}"
    quotas, quota_errors = _addon_quotas(data) if addon else quota_values(data.service, data.quotas)
    errors.update(quota_errors)
    cents, price_error = price_cents(data.price)
    if price_error:
        errors["price"] = price_error
    if data.billing_cycle not in BILLING_CYCLES:
        errors["billing_cycle"] = f"must be one of {', '.join(BILLING_CYCLES)}"
    if errors:
        raise FieldError(errors)
    assert cents is not None
    return quotas, cents


def save_offering(
    studio: Studio,
    actor: Actor,
    data: OfferingInput,
    offering_id: int | None = None,
    *,
    addon: bool = False,
) -> OfferingView:
    """Create (``offering_id`` None) or change an offering or add-on, audited."""
    actor.require(Permission.EDIT_CONFIGURATION)
    quotas, cents = _checked(data, addon)
    model: type[ServiceOffering] | type[Addon] = Addon if addon else ServiceOffering
    kind = "addon" if addon else "service_offering"
    with studio.unit_of_work() as session:
        clash = session.scalars(
            select(model.id).where(func.lower(model.name) == data.name.strip().lower())
        ).first()
        if clash is not None and clash != offering_id:
            raise FieldError.single("name", "is already used by another offering")
        row = _get(session, offering_id, addon) if offering_id is not None else None
        if offering_id is not None and row is None:
            raise FieldError.single("id", f"{kind} {offering_id} does not exist")
        before = _view(row).__dict__.copy() if row is not None else {}
        if row is None:
            row = model(name=data.name.strip(), service=data.service, updated_by=actor.name)
            session.add(row)
        row.name, row.service, row.quotas = data.name.strip(), data.service, quotas
        row.price_cents, row.billing_cycle, row.enabled = cents, data.billing_cycle, data.enabled
        if isinstance(row, ServiceOffering):
            row.audience = data.audience
        row.updated_by = actor.name
        session.flush()
        view = _view(row)
        audit.record(
            session,
            actor,
            action=f"{kind}.{'update' if before else 'create'}",
            entity=kind,
            entity_id=row.id,
            changes=audit.diff(before, view.__dict__),
            summary=f"{view.name}: {CATALOG[view.service].title}, {view.price_text} "
            f"{view.billing_cycle}",
        )
        return view


def list_offerings(
    studio: Studio, actor: Actor, audience: str | None = None, *, addons: bool = False
) -> list[OfferingView]:
    """Offerings (of one audience) or add-ons, by name."""
    actor.require(Permission.VIEW_CONFIGURATION)
    with studio.unit_of_work() as session:
        if addons:
            return [_view(r) for r in session.scalars(select(Addon).order_by(Addon.name))]
        stmt = select(ServiceOffering).order_by(ServiceOffering.name)
        if audience:
            stmt = stmt.where(ServiceOffering.audience == audience)
        return [_view(r) for r in session.scalars(stmt)]


def delete_offering(studio: Studio, actor: Actor, offering_id: int, *, addon: bool = False) -> str:
    """Delete an offering nobody uses (subscriptions or resellers selling it)."""
    actor.require(Permission.EDIT_CONFIGURATION)
    with studio.unit_of_work() as session:
        row = _get(session, offering_id, addon)
        if row is None:
            raise FieldError.single("id", f"offering {offering_id} does not exist")
        if not addon:
            used = session.scalar(
                select(func.count()).where(Subscription.offering_id == offering_id)
            ) or session.scalar(
                select(func.count()).where(ResellerOffering.offering_id == offering_id)
            )
            if used:
                raise FieldError.single("id", f"{row.name} is in use: disable it instead")
        audit.record(
            session,
            actor,
            action=f"{'addon' if addon else 'service_offering'}.delete",
            entity="addon" if addon else "service_offering",
            entity_id=row.id,
            summary=row.name,
        )
        name = str(row.name)
        session.delete(row)
    return name


def _current(session: Session, reseller_id: int, today: dt.date) -> list[ResellerOffering]:
    return list(
        session.scalars(
            select(ResellerOffering)
            .where(
                ResellerOffering.reseller_id == reseller_id,
                ResellerOffering.effective_from <= today,
                or_(ResellerOffering.effective_to.is_(None), ResellerOffering.effective_to > today),
            )
            .order_by(ResellerOffering.id)
        )
    )


def reseller_offerings(
    studio: Studio, actor: Actor, reseller_id: int, on: dt.date | None = None
) -> list[AssignedOffering]:
    """What the reseller may sell on ``on`` (today), with the commission then in force."""
    actor.require(Permission.VIEW_RESELLERS)
    with studio.unit_of_work() as session:
        return reseller_offerings_in(session, reseller_id, on)


def reseller_offerings_in(
    session: Session, reseller_id: int, on: dt.date | None = None
) -> list[AssignedOffering]:
    """:func:`reseller_offerings` in an open session, for services that checked their
    own permission (the reseller panel)."""
    result = []
    for row in _current(session, reseller_id, on or dt.date.today()):
        offering = session.get(ServiceOffering, row.offering_id)
        assert offering is not None
        result.append(AssignedOffering(_view(offering), row.commission_bp, row.effective_from))
    return result


def _commissions(
    choices: Sequence[tuple[int, str]], default_bp: int
) -> tuple[dict[int, int], dict[str, str]]:
    """Offering id → commission in basis points ('' takes the default)."""
    wanted: dict[int, int] = {}
    errors: dict[str, str] = {}
    for offering_id, text in choices:
        if not text.strip():
            wanted[offering_id] = default_bp
            continue
        bp, problem = commission_value(text)
        if problem or bp is None:
            errors[f"offering.{offering_id}"] = f"commission {problem}"
        else:
            wanted[offering_id] = bp
    return wanted, errors


def _write_periods(
    session: Session, actor: Actor, reseller_id: int, wanted: dict[int, int], day: dt.date
) -> dict[str, list[object]]:
    """Close, replace and open commission periods from ``day``; what changed, for audit."""
    changes: dict[str, list[object]] = {}
    # Periods planned from ``day`` on are replaced by this choice (no overlaps).
    for planned in session.scalars(
        select(ResellerOffering).where(
            ResellerOffering.reseller_id == reseller_id,
            ResellerOffering.effective_from >= day,
        )
    ):
        session.delete(planned)
    session.flush()
    current = {row.offering_id: row for row in _current(session, reseller_id, day)}
    for offering_id, row in current.items():
        if offering_id not in wanted:  # no longer sold: its period ends that day
            row.effective_to = day
            changes[f"offering.{offering_id}"] = [row.commission_bp / 100, None]
    for offering_id, bp in wanted.items():
        old = current.get(offering_id)
        if old is not None and old.commission_bp == bp and old.effective_to is None:
            continue
        if old is not None:
            old.effective_to = day  # the period in force ends where the new one starts
        session.add(
            ResellerOffering(
                reseller_id=reseller_id,
                offering_id=offering_id,
                commission_bp=bp,
                effective_from=day,
                updated_by=actor.name,
            )
        )
        changes[f"offering.{offering_id}"] = [
            old.commission_bp / 100 if old else None,
            bp / 100,
        ]
    return changes


def set_reseller_offerings(
    studio: Studio,
    actor: Actor,
    reseller_id: int,
    choices: Sequence[tuple[int, str]],
    effective: dt.date | None = None,
) -> list[AssignedOffering]:
    """The offerings a Commission Based reseller may sell from ``effective`` (today).

    ``choices`` pairs an offering id with its commission % as typed ('' = the default
    of Reseller Settings). Offerings left out stop on that day; a changed commission
    starts a new period. One audit record lists what changed.
    """
    actor.require(Permission.MANAGE_RESELLERS)
    day = effective or dt.date.today()
    default_bp = get_reseller_settings(studio, actor)["commission"].commission_bp
    wanted, errors = _commissions(choices, default_bp)
    with studio.unit_of_work() as session:
        reseller = session.get(Reseller, reseller_id)
        if reseller is None:
            raise FieldError.single("reseller", f"reseller {reseller_id} does not exist")
        if reseller.type != "commission":
            errors["reseller"] = (
                "is Subscription Based: it subscribes to reseller plans and sells its own"
            )
        for offering_id in wanted:
            offering = session.get(ServiceOffering, offering_id)
            if offering is None:
                errors[f"offering.{offering_id}"] = "does not exist"
            elif offering.audience != "customer":
                errors[f"offering.{offering_id}"] = (
                    f"{offering.name} is a reseller plan, not an offering for end customers"
                )
        if errors:
            raise FieldError(errors)
        changes = _write_periods(session, actor, reseller_id, wanted, day)
        if changes:
            audit.record(
                session,
                actor,
                action="reseller.offerings",
                entity="reseller",
                entity_id=reseller_id,
                changes=changes,
                summary=f"{len(wanted)} offerings from {day.isoformat()}",
            )
    return reseller_offerings(studio, actor, reseller_id, day)
