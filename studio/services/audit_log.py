"""Use cases of ``Home » System Configuration » Audit Log``: read, filter, export.

Reading the log is not a change, so it records nothing. The CSV is written through a
temporary file and renamed, so a failed export never leaves half a file.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from studio.context import Studio
from studio.csvfile import write_csv_atomically
from studio.db.models import AuditEvent
from studio.domain.actors import Actor, Permission
from studio.errors import FieldError

MAX_ROWS = 5000
#: The largest limit the database takes (a signed 64-bit integer).
MAX_LIMIT = 2**63 - 1
CSV_COLUMNS = ("id", "at", "actor", "action", "entity", "entity_id", "summary", "changes")


@dataclass(frozen=True)
class AuditFilter:
    """Which events to show; ``None`` means any. Dates are inclusive, in local time."""

    actor: str | None = None
    entity: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def errors(self) -> dict[str, str]:
        """The filter's invalid fields."""
        if self.since and self.until and self.until < self.since:
            return {"until": "must not be before the From date"}
        return {}


@dataclass(frozen=True)
class AuditRow:
    """One audit event as shown and exported."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    summary: str
    changes: dict[str, Any]

    def changes_text(self) -> str:
        """``port: 8443 → 9000; token: ******** → ********``."""
        return "; ".join(
            f"{field}: {_show(old)} \u2192 {_show(new)}"
            for field, (old, new) in self.changes.items()
        )


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _local_midnight_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()).astimezone().astimezone(dt.UTC)


def list_audit_events(
    studio: Studio, actor: Actor, where: AuditFilter, limit: int = MAX_ROWS
) -> list[AuditRow]:
    """The newest events first that match ``where`` (at most ``limit``).

    Raises:
        FieldError: the filter is invalid (``until`` before ``since``).
    """
    actor.require(Permission.VIEW_AUDIT_LOG)
    if where.errors():
        raise FieldError(where.errors())
    if not 1 <= limit <= MAX_LIMIT:  # SQL's LIMIT -1 would mean every row
        raise FieldError.single("limit", f"must be between 1 and {MAX_LIMIT}")
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if where.actor:
        stmt = stmt.where(AuditEvent.actor == where.actor)
    if where.entity:
        stmt = stmt.where(AuditEvent.entity == where.entity)
    if where.since:
        stmt = stmt.where(AuditEvent.at >= _local_midnight_utc(where.since))
    if where.until:
        stmt = stmt.where(AuditEvent.at < _local_midnight_utc(where.until + dt.timedelta(days=1)))
    with studio.unit_of_work() as session:
        return [
            AuditRow(e.id, e.at, e.actor, e.action, e.entity, e.entity_id, e.summary, e.changes)
            for e in session.scalars(stmt)
        ]


def audit_choices(studio: Studio, actor: Actor) -> tuple[list[str], list[str]]:
    """The actors and entities that occur in the log, for the filter lists."""
    actor.require(Permission.VIEW_AUDIT_LOG)
    with studio.unit_of_work() as session:
        actors = list(
            session.scalars(select(AuditEvent.actor).distinct().order_by(AuditEvent.actor))
        )
        entities = list(
            session.scalars(select(AuditEvent.entity).distinct().order_by(AuditEvent.entity))
        )
    return actors, entities


def count_audit_events(studio: Studio, actor: Actor) -> int:
    """How many events the log holds in all."""
    actor.require(Permission.VIEW_AUDIT_LOG)
    with studio.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def export_audit_csv(studio: Studio, actor: Actor, where: AuditFilter, path: Path) -> int:
    """Write the matching events to ``path`` as CSV (UTF-8, ISO times); returns the count.

    Raises:
        FieldError: naming ``file`` when it cannot be written, or the invalid filter field.
    """
    rows = list_audit_events(studio, actor, where, limit=10**9)
    return write_csv_atomically(
        path,
        CSV_COLUMNS,
        (
            [
                row.id,
                row.at.isoformat(),
                row.actor,
                row.action,
                row.entity,
                row.entity_id,
                row.summary,
                json.dumps(row.changes, ensure_ascii=False),
            ]
            for row in rows
        ),
    )
