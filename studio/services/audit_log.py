"""Use cases of ``Home » System Configuration » Audit Log``: read, filter, export, verify.

Reading the log is not a change, so it records nothing; an export is recorded (the file
leaves the studio with who did what). The CSV is written through a temporary file and
renamed, so a failed export never leaves half a file. It carries each row's
``prev_hash`` and ``hash``, so that it can be verified away from the database
(:func:`verify_audit_file`) with the same rules as the log itself
(:mod:`studio.domain.audit_chain`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from studio.context import Studio
from studio.csv_cells import from_spreadsheet_safe
from studio.csvfile import read_csv, write_csv_atomically
from studio.db import audit
from studio.db.models import AuditEvent
from studio.domain.actors import Actor, Permission
from studio.domain.audit_chain import ChainReport, ChainRow, verify_chain
from studio.domain.json_text import parse_json
from studio.domain.validation import MAX_ROW_NUMBER
from studio.errors import FieldError

MAX_ROWS = 5000
#: The largest limit the database takes (a signed 64-bit integer).
MAX_LIMIT = MAX_ROW_NUMBER
CSV_COLUMNS = (
    "id",
    "at",
    "actor",
    "action",
    "entity",
    "entity_id",
    "summary",
    "changes",
    "prev_hash",
    "hash",
)


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
    prev_hash: str
    hash: str

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
    with studio.unit_of_work() as session:
        return _rows(session, _query(where, limit))


def _rows(session: Session, stmt: Select[AuditEvent]) -> list[AuditRow]:
    return [
        AuditRow(
            e.id,
            e.at,
            e.actor,
            e.action,
            e.entity,
            e.entity_id,
            e.summary,
            e.changes,
            e.prev_hash,
            e.hash,
        )
        for e in session.scalars(stmt)
    ]


def _query(where: AuditFilter, limit: int) -> Select[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if where.actor:
        stmt = stmt.where(AuditEvent.actor == where.actor)
    if where.entity:
        stmt = stmt.where(AuditEvent.entity == where.entity)
    if where.since:
        stmt = stmt.where(AuditEvent.at >= _local_midnight_utc(where.since))
    if where.until:
        stmt = stmt.where(AuditEvent.at < _local_midnight_utc(where.until + dt.timedelta(days=1)))
    return stmt


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

    The export is recorded in the audit log, in the transaction that writes the file: no
    file leaves unrecorded, and a refused export records nothing.

    Raises:
        FieldError: naming ``file`` when it cannot be written, or the invalid filter field.
    """
    actor.require(Permission.VIEW_AUDIT_LOG)
    if where.errors():
        raise FieldError(where.errors())
    with studio.unit_of_work() as session:
        rows = _rows(session, _query(where, 10**9))
        audit.record(
            session,
            actor,
            action="audit.export",
            entity="audit_export",
            summary=f"{len(rows)} audit events to {path.name}",
        )
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
                    row.prev_hash,
                    row.hash,
                ]
                for row in rows
            ),
        )


def verify_audit_log(studio: Studio, actor: Actor) -> ChainReport:
    """Check the whole audit log's hash chain: ``ok: N rows`` or the first row that was
    changed or removed. Reading only: it records nothing."""
    actor.require(Permission.VIEW_AUDIT_LOG)
    with studio.unit_of_work() as session:
        return verify_chain(audit.chain_rows(session))


def _changes_cell(cell: str, line: int) -> dict[str, Any]:
    """An export's ``changes`` cell as the object it holds, read within the JSON limits
    (the file may come from anywhere)."""
    changes = parse_json(cell or "{}", "file", f"line {line}: changes")
    if not isinstance(changes, dict):
        raise FieldError.single("file", f"line {line}: changes is not a JSON object")
    return changes


def verify_audit_file(path: Path) -> ChainReport:
    """Check an ``audit export`` CSV by the same rules, away from the database.

    The rows are checked oldest first, from the export's first row on (an export from a
    date on starts mid-chain). An export filtered by actor or entity leaves rows out by
    design, and the chain shows each gap.

    Raises:
        FieldError: naming ``file`` when it cannot be read or is not an audit export.
    """
    header, lines = read_csv(path)
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        raise FieldError.single(
            "file", f"{path} is not an audit export with its chain (no {', '.join(missing)})"
        )
    rows: list[ChainRow] = []
    for number, quoted in lines:
        # The export quoted formula-like cells for spreadsheets; the hash covers the value.
        cells = {column: from_spreadsheet_safe(cell) for column, cell in quoted.items()}
        try:
            rows.append(
                ChainRow(
                    id=int(cells["id"]),
                    at=dt.datetime.fromisoformat(cells["at"]),
                    actor=cells["actor"],
                    action=cells["action"],
                    entity=cells["entity"],
                    entity_id=cells["entity_id"],
                    summary=cells["summary"],
                    changes=_changes_cell(cells["changes"], number),
                    prev_hash=cells["prev_hash"],
                    hash=cells["hash"],
                )
            )
        except (ValueError, TypeError) as exc:
            raise FieldError.single("file", f"line {number}: {exc}") from None
    rows.sort(key=lambda row: row.id)
    return verify_chain(rows, starts_at_genesis=False)
