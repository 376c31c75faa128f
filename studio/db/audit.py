"""Audit records: written by services in the same transaction as the change they record.

Every record is a link of the audit log's hash chain (:mod:`studio.domain.audit_chain`).
The chain must stay one line however many studios write at once, so :func:`record`
only notes an event; the session writes its events when it commits, after the change
itself is flushed: they are inserted (ids in order), the hash of the row before the
first is read, and each row's hashes are set, while no other writer can add a row. On
SQLite the inserts take the database's one write lock (and this process's,
:mod:`studio.db.write_lock`), held until commit. On a database server (PostgreSQL) a
transaction-level advisory lock (:data:`CHAIN_LOCK`) is taken first and held until
commit. Taking it last, after the change's own row locks, means two transactions never
wait for each other in opposite orders (a deadlock).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, insert, select, text, update
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
_INSERT_RETURNING_ID = insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True)
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
    """Add an audit event to the session's transaction: written, and chained, when the
    transaction commits (:func:`write_pending`); gone with it if it rolls back.

    Plain statements on the session's connection, not ORM objects: no identity map
    entries, which were a third of the cost of a small change such as a subscription
    (measured by ``benchmarks/subscriptions.py``).
    """
    if not session.info.get(_HOOKED):
        event.listen(session, "before_commit", write_pending)
        event.listen(session, "after_rollback", _drop_pending)
        session.info[_HOOKED] = True
    # What the JSON column gives back (tuples as lists, keys as text): the hash must
    # cover the value a verifier reads, not the one handed in.
    stored_changes = json.loads(json.dumps(dict(changes or {})))
    session.info.setdefault(_PENDING, []).append(
        {
            "actor": actor.name,
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id),
            "changes": stored_changes,
            "summary": summary,
        }
    )


_PENDING = "audit_pending"
_HOOKED = "audit_hooked"


def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def write_pending(session: Session) -> None:
    """Write the transaction's audit events, chained (the module docstring says why in
    this order): three statements however many events. Runs when the transaction
    commits; a service that reads the audit log back in the same transaction (a
    reseller's history after a change) calls it first, once its changes are made."""
    pending: list[dict[str, Any]] = session.info.pop(_PENDING, [])
    if not pending:
        return
    session.flush()  # the change first, with its own locks
    connection = session.connection()
    if connection.dialect.name == "postgresql":  # SQLite's write lock does this
        connection.execute(_TAKE_CHAIN_LOCK)
    # Stamped now, under the lock, so that times never go backwards as ids go forwards
    # (an export "from a date" is then a run of ids, as the chain needs).
    at = utcnow()
    for content in pending:
        content["at"] = at
    ids = list(connection.execute(_INSERT_RETURNING_ID, pending).scalars())
    prev = connection.execute(_PREVIOUS_HASH, {"row_id": ids[0]}).scalar() or GENESIS
    hashes = []
    for row_id, content in zip(ids, pending, strict=True):
        digest = chain_hash(prev, canonical_form(id=row_id, **content))
        hashes.append({"row_id": row_id, "prev": prev, "digest": digest})
        prev = digest
    connection.execute(_SET_HASHES, hashes)


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
