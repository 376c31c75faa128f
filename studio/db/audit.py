"""Audit records: written by services in the same transaction as the change they record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from studio.db.models import AuditEvent
from studio.domain.actors import Actor

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


#: Built once: a statement made per call costs more than the insert (its cache key).
_INSERT = insert(cast(Table, AuditEvent.__table__))


def record(
    session: Session,
    actor: Actor,
    *,
    action: str,
    entity: str,
    entity_id: str | int = "",
    changes: Mapping[str, list[Any]] | None = None,
    summary: str = "",
) -> None:
    """Write an audit event in the session's transaction (committed with the change).

    A plain insert on the session's connection, not an ORM object: no identity map
    entry and no flush of it later, which is a third of the cost of a small change
    such as a subscription (measured by ``benchmarks/subscriptions.py``).
    """
    session.connection().execute(
        _INSERT,
        {
            "actor": actor.name,
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id),
            "changes": dict(changes or {}),
            "summary": summary,
        },
    )


def recent(session: Session, limit: int = 50) -> list[AuditEvent]:
    """The newest events first."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    return list(session.scalars(stmt))
