"""Rows as a studio from before the text rule could leave them: an audit record whose
changes hold a lone surrogate (a JSON column, so SQLite keeps the escape). Written past
the services, as an older studio did, for the readers that must not crash on them."""

from __future__ import annotations

from studio.context import Studio
from studio.db.models import AuditEvent


def add_audit_row_with_a_surrogate(studio: Studio, text: str) -> None:
    """An audit record of reseller 1 whose changed signature is ``text`` (holding one)."""
    with studio.unit_of_work() as session:
        session.add(
            AuditEvent(
                actor="an older studio",
                action="reseller.edit",
                entity="reseller",
                entity_id="1",
                changes={"signature": [None, text]},
            )
        )
