"""The audit log's hash chain (pure, no I/O): what makes a changed or removed row show.

Each audit row carries ``hash``, the SHA-256 (hex) of the previous row's hash and the
row's own canonical content, and ``prev_hash``, the previous row's hash as it was when
the row was written (:data:`GENESIS` for the first row). Changing any field of a row
makes its hash wrong; removing a row makes the next row's ``prev_hash`` point at
nothing. To hide either, one must recompute every later hash, which a copy of the chain
kept elsewhere (an export, a noted hash) shows at once.

:func:`canonical_form` is *the* definition of a row's content, used to write, to
migrate old rows and to verify (the database and an exported CSV alike). Changing it
changes every hash: it is versioned (:data:`CANONICAL_VERSION`), and a new version needs
a migration that chains the log again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: The ``prev_hash`` of the first row of a log.
GENESIS = "0" * 64
#: The first element of every canonical form; bump it only with a migration.
CANONICAL_VERSION = "machpanel-audit-v1"


@dataclass(frozen=True)
class ChainRow:
    """One audit row as the chain sees it: its content and its two hashes."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    summary: str
    changes: Mapping[str, Any]
    prev_hash: str
    hash: str


def canonical_time(at: dt.datetime) -> str:
    """``2026-11-25T09:30:00.000000+00:00``: UTC, always with microseconds.

    A naive time is taken as UTC (SQLite hands back what the studio wrote in UTC).
    """
    aware = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_form(
    *,
    id: int,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    summary: str,
    changes: Mapping[str, Any],
) -> bytes:
    """A row's content as the bytes its hash covers.

    The UTF-8 of a compact JSON array (``separators=(",", ":")``, no ASCII escaping; a
    lone surrogate, which only rows written before the text rule can hold, as the three
    bytes Python's ``surrogatepass`` gives it):
    ``[CANONICAL_VERSION, id, time, actor, action, entity, entity_id, summary, changes]``
    where ``time`` is :func:`canonical_time` and ``changes`` an object with its keys
    sorted. Any program with a JSON library and SHA-256 can recompute it.
    """
    content = [
        CANONICAL_VERSION,
        id,
        canonical_time(at),
        actor,
        action,
        entity,
        entity_id,
        summary,
        dict(changes),
    ]
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # A lone surrogate stored before the text rule refused them (it may sit in old rows)
    # is encoded as its three bytes rather than failing the whole log.
    return text.encode("utf-8", "surrogatepass")


def chain_hash(prev_hash: str, canonical: bytes) -> str:
    """``sha256(prev_hash as ASCII + "\\n" + canonical)``, in lowercase hex."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical).hexdigest()


def expected_hash(row: ChainRow) -> str:
    """The hash ``row`` must carry, given its content and its ``prev_hash``."""
    canonical = canonical_form(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        summary=row.summary,
        changes=row.changes,
    )
    try:
        return chain_hash(row.prev_hash, canonical)
    except UnicodeEncodeError:  # a prev_hash that is not even hex: never a match
        return ""


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the chain does not hold.

    ``kind`` is ``changed`` (the row's hash does not match its content) or ``removed``
    (the row does not follow the one before it: rows between them were removed, or
    the one before was rewritten along with its hash).
    """

    row_id: int
    kind: str
    after_id: int | None
    checked: int

    @property
    def message(self) -> str:
        """One line naming the row, as ``audit verify`` and the Audit Log page say it."""
        if self.kind == "changed":
            return (
                f"row #{self.row_id} was changed after it was written "
                f"(its hash does not match its content); {self.checked} rows before it are intact"
            )
        if self.after_id is None:
            return (
                f"rows were removed before #{self.row_id} (the first row does not start the chain)"
            )
        return (
            f"the chain breaks between #{self.after_id} and #{self.row_id}: rows between them "
            f"were removed, or #{self.after_id} was rewritten with a new hash"
        )


@dataclass(frozen=True)
class ChainReport:
    """What a verification found: how many rows, and the first break if any."""

    rows: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        """True when every row holds."""
        return self.first_break is None

    @property
    def message(self) -> str:
        """``ok: N rows`` or the first break."""
        if self.first_break is None:
            return f"ok: {self.rows} rows"
        return self.first_break.message


def verify_chain(rows: Iterable[ChainRow], *, starts_at_genesis: bool = True) -> ChainReport:
    """Check ``rows`` (oldest first) against their hashes and against each other.

    ``starts_at_genesis``: the first row must be the log's first (the whole database);
    an export made from a date on starts wherever its first row's ``prev_hash`` says.
    """
    previous: ChainRow | None = None
    count = 0
    for row in rows:
        if expected_hash(row) != row.hash:
            return ChainReport(count, ChainBreak(row.id, "changed", None, count))
        if previous is None:
            if starts_at_genesis and row.prev_hash != GENESIS:
                return ChainReport(count, ChainBreak(row.id, "removed", None, count))
        elif row.prev_hash != previous.hash:
            return ChainReport(count, ChainBreak(row.id, "removed", previous.id, count))
        previous = row
        count += 1
    return ChainReport(count, None)
