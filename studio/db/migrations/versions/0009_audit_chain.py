"""The audit log's hash chain: ``prev_hash`` and ``hash`` on every audit row.

Existing rows are chained in id order, as :mod:`studio.domain.audit_chain` defines it,
so that ``audit verify`` holds from the first row on. (The rows written before this
revision were not protected when written; the chain protects them from now on.)

Revision ID: 0009_audit_chain
Revises: 0008_reseller_panel
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from studio.db.models import UTCDateTime
from studio.domain.audit_chain import GENESIS, canonical_form, chain_hash

revision = "0009_audit_chain"
down_revision = "0008_reseller_panel"
branch_labels = None
depends_on = None

_audit = sa.table(
    "audit_event",
    sa.column("id", sa.Integer()),
    sa.column("at", UTCDateTime()),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("entity", sa.String()),
    sa.column("entity_id", sa.String()),
    sa.column("summary", sa.Text()),
    sa.column("changes", sa.JSON()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def upgrade() -> None:
    """Two columns, then the chain over the rows already there (oldest first)."""
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(
            sa.Column("prev_hash", sa.String(length=64), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=False, server_default=""))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            _audit.c.id,
            _audit.c.at,
            _audit.c.actor,
            _audit.c.action,
            _audit.c.entity,
            _audit.c.entity_id,
            _audit.c.summary,
            _audit.c.changes,
        ).order_by(_audit.c.id)
    ).all()
    previous = GENESIS
    for row in rows:
        canonical = canonical_form(
            id=row.id,
            at=row.at,
            actor=row.actor,
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id or "",
            summary=row.summary or "",
            changes=row.changes or {},
        )
        digest = chain_hash(previous, canonical)
        connection.execute(
            sa.update(_audit).where(_audit.c.id == row.id).values(prev_hash=previous, hash=digest)
        )
        previous = digest


def downgrade() -> None:
    """Drop the chain's columns."""
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
