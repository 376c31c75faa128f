"""Resellers to and from CSV: ``reseller import`` and ``reseller export``, and the
Reseller Customers page's Import and Export buttons.

An import is all or nothing: every row is checked (the same rules as the New Reseller
wizard, the usernames and e-mails already taken, the disabled types) before one
transaction writes them all; a rejected file names each bad cell as ``line N: field``.
An export is written whole or not at all (:func:`studio.csvfile.write_csv_atomically`),
safe to open in a spreadsheet; the import reads such a file back unchanged
(:mod:`studio.csv_cells`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from studio.context import Studio
from studio.csv_cells import from_spreadsheet_safe
from studio.csvfile import read_csv, write_csv_atomically
from studio.db import audit
from studio.db.models import (
    Reseller,
    User,
)
from studio.db.records import reseller_columns, reseller_input
from studio.domain.actors import Actor, Permission
from studio.domain.reseller_formats import CSV_COLUMNS, from_flat, to_flat
from studio.domain.reseller_rules import (
    STATUSES,
    ResellerInput,
    check_reseller,
    full_name,
)
from studio.domain.reseller_settings_rules import disabled_type_error
from studio.errors import FieldError
from studio.services.reseller_settings import get_reseller_settings


class ImportRejected(FieldError):
    """Some rows of an import are invalid; nothing was written.

    ``problems`` lists ``(line, field, message)``; as a FieldError each is keyed
    ``line N: field`` so the command line prints ``line 3: email: …``.
    """

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        self.problems = problems
        super().__init__({f"line {line}: {field}": message for line, field, message in problems})


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
    header, cells_read = read_csv(path)
    # The quote an export put before formula-like text (studio.csv_cells) comes off again.
    rows = [
        (line, {column: from_spreadsheet_safe(value) for column, value in cells.items()})
        for line, cells in cells_read
    ]
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
        {
            **reseller_columns(clean),
            "status": status,
            "password_hash": None,
            "updated_by": actor.name,
        }
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
        for rid, (c, status) in zip(ids, accepted, strict=True):
            audit.record(
                session,
                actor,
                action="reseller.import",
                entity="reseller",
                entity_id=rid,
                changes={"status": [None, status]},
                summary=f"{full_name(c.first_name, c.last_name)} ({c.username}), "
                f"{c.type}, from {path.name}",
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
    cells = to_flat(reseller_input(row, with_logo=False))
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
