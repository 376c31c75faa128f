"""Use cases of ``Home » System Configuration » Reseller Settings``: read and save both types."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy.orm import Session

from studio.context import Studio
from studio.db import audit
from studio.db.models import ResellerTypeSettings
from studio.domain.actors import Actor, Permission
from studio.domain.reseller_settings_rules import (
    TYPES,
    ResellerType,
    ResellerTypeInput,
    default,
    parse_type,
)
from studio.errors import FieldError


def from_row(row: ResellerTypeSettings) -> ResellerType:
    """A type's saved settings as the rules' value."""
    return ResellerType(
        row.type,
        row.enabled,
        row.label,
        row.terms,
        row.commission_bp,
        row.payout_cycle,
        row.currency,
    )


def type_settings(session: Session, kind: str) -> ResellerType:
    """A reseller type's settings as saved (defaults until saved), in an open session;
    no permission check, for services that checked theirs (the reseller panel reads
    its own type's terms and currency, which resellers may not browse)."""
    row = session.get(ResellerTypeSettings, kind)
    return default(kind) if row is None else from_row(row)


def get_reseller_settings(studio: Studio, actor: Actor) -> dict[str, ResellerType]:
    """Both types, by key; the defaults (both enabled) until an administrator saves."""
    actor.require(Permission.VIEW_CONFIGURATION)
    with studio.unit_of_work() as session:
        rows = {row.type: from_row(row) for row in session.query(ResellerTypeSettings)}
    return {kind: rows.get(kind, default(kind)) for kind in TYPES}


def enabled_types(studio: Studio, actor: Actor) -> list[ResellerType]:
    """The types a new reseller may be given."""
    return [t for t in get_reseller_settings(studio, actor).values() if t.enabled]


def save_reseller_settings(
    studio: Studio, actor: Actor, data: list[ResellerTypeInput]
) -> dict[str, ResellerType]:
    """Validate both types, save them in one transaction with one audit record.

    Raises:
        FieldError: naming ``<type>.<field>`` for each invalid field.
    """
    actor.require(Permission.EDIT_CONFIGURATION)
    errors: dict[str, str] = {}
    parsed: list[ResellerType] = []
    for item in data:
        try:
            parsed.append(parse_type(item))
        except FieldError as exc:
            errors.update(exc.errors)
    if errors:
        raise FieldError(errors)
    current = get_reseller_settings(studio, actor)
    changes: dict[str, list[object]] = {}
    with studio.unit_of_work() as session:
        for new in parsed:
            old = current[new.type]
            for field, values in audit.diff(asdict(old), asdict(new)).items():
                changes[f"{new.type}.{field}"] = values
            row = session.get(ResellerTypeSettings, new.type)
            if row is None:
                row = ResellerTypeSettings(type=new.type, updated_by=actor.name)
                session.add(row)
            for field, value in asdict(new).items():
                setattr(row, field, value)
            row.updated_by = actor.name
        if changes:
            enabled = [t.label for t in parsed if t.enabled]
            audit.record(
                session,
                actor,
                action="reseller_settings.update",
                entity="reseller_settings",
                changes=changes,
                summary=f"enabled: {', '.join(enabled) or 'none'}",
            )
    return get_reseller_settings(studio, actor)
