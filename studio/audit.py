"""Audit records: written by services in the same transaction as the change they record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.actors import Actor
from studio.db.models import AuditEvent

MASK = "********"
_SECRET_MARKERS = ("password", "token", "secret", "key")


def is_secret_field(field: str) -> bool:
    """Field names whose values never reach the audit log."""
    lowered = field.lower()
    return any(marker in lowered for marker in _SECRET_MARKERS)


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as ``field → [old, new]``, secrets masked."""
    changes: dict[str, list[Any]] = {}
    for field, value in new.items():
        before = old.get(field)
        if before != value:
            if is_secret_field(field):
                changes[field] = [MASK if before else None, MASK]
            else:
                changes[field] = [before, value]
    return changes


def record(
    session: Session,
    actor: Actor,
    *,
    action: str,
    entity: str,
    entity_id: str | int = "",
    changes: Mapping[str, list[Any]] | None = None,
    summary: str = "",
) -> AuditEvent:
    """Add an audit event to the session's transaction (committed with the change)."""
    event = AuditEvent(
        actor=actor.name,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        changes=dict(changes or {}),
        summary=summary,
    )
    session.add(event)
    return event


def recent(session: Session, limit: int = 50) -> list[AuditEvent]:
    """The newest events first."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    return list(session.scalars(stmt))
