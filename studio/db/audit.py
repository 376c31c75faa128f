"""Audit records: written by services in the same transaction as the change they record.

Every record is a link of the audit log's hash chain (:mod:`studio.domain.audit_chain`).
The chain must stay one line however many studios write at once, so a record is
inserted *first*: on SQLite that statement takes the database's one write lock (and
this process's, :mod:`studio.db.write_lock`), which is held until the transaction ends.
Only then is the previous row read, its hash taken and the new row's hash written: no
other writer can slip a row in between. A shared database server (PostgreSQL) gives no
such file-wide lock: there a transaction-level advisory lock (:data:`CHAIN_LOCK`) is
taken before the insert and held until commit, so rows get their ids (from the
sequence) and their previous hash in the one order the lock gives.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from studio.db.models import AuditEvent, utcnow
from studio.domain.actors import Actor
from studio.domain.audit_chain import GENESIS, ChainRow, canonical_form, chain_hash

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


#: The key of PostgreSQL's advisory lock that orders the chain's writers (any constant
#: no other code uses; this one is "MPAUDIT" in ASCII).
CHAIN_LOCK = 0x4D50415544495400
_TAKE_CHAIN_LOCK = text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=CHAIN_LOCK)

#: Built once: a statement made per call costs more than the insert (its cache key).
_TABLE = cast(Table, AuditEvent.__table__)
_INSERT = insert(_TABLE)
_PREVIOUS_HASH = (
    select(_TABLE.c.hash)
    .where(_TABLE.c.id < bindparam("row_id"))
    .order_by(_TABLE.c.id.desc())
    .limit(1)
)
_SET_HASHES = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"))
    .values(prev_hash=bindparam("prev"), hash=bindparam("digest"))
)


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

    Plain statements on the session's connection, not an ORM object: no identity map
    entry and no flush of it later, which is a third of the cost of a small change
    such as a subscription (measured by ``benchmarks/subscriptions.py``). The insert
    comes first so that the chain is extended under the write lock (module docstring).
    """
    connection = session.connection()
    at = utcnow()
    # What the JSON column gives back (tuples as lists, keys as text): the hash must
    # cover the value a verifier reads, not the one handed in.
    stored_changes = json.loads(json.dumps(dict(changes or {})))
    content = {
        "at": at,
        "actor": actor.name,
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "changes": stored_changes,
        "summary": summary,
    }
    if connection.dialect.name == "postgresql":  # SQLite's write lock is held already
        connection.execute(_TAKE_CHAIN_LOCK)
    inserted = connection.execute(_INSERT, content).inserted_primary_key
    assert inserted is not None
    row_id = int(inserted[0])
    prev = connection.execute(_PREVIOUS_HASH, {"row_id": row_id}).scalar() or GENESIS
    canonical = canonical_form(id=row_id, **content)
    connection.execute(
        _SET_HASHES, {"row_id": row_id, "prev": prev, "digest": chain_hash(prev, canonical)}
    )


def chain_rows(session: Session, batch: int = 1000) -> Iterator[ChainRow]:
    """Every audit row as the chain sees it, oldest first, read a batch at a time."""
    last = 0
    while True:
        rows = session.execute(
            select(_TABLE).where(_TABLE.c.id > last).order_by(_TABLE.c.id).limit(batch)
        ).all()
        for row in rows:
            yield ChainRow(
                row.id,
                row.at,
                row.actor,
                row.action,
                row.entity,
                row.entity_id,
                row.summary,
                row.changes,
                row.prev_hash,
                row.hash,
            )
        if len(rows) < batch:
            return
        last = rows[-1].id


def recent(session: Session, limit: int = 50) -> list[AuditEvent]:
    """The newest events first."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    return list(session.scalars(stmt))
