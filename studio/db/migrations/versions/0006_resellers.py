"""Reseller customers, and an index for reading one entity's audit history.

Revision ID: 0006_resellers
Revises: 0005_reseller_settings
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_resellers"
down_revision = "0005_reseller_settings"
branch_labels = None
depends_on = None


def _text(name: str, length: int) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=length), nullable=False)


def upgrade() -> None:
    """Create the reseller table and the audit history index."""
    op.create_table(
        "reseller",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("type", 20),
        _text("status", 20),
        _text("username", 254),
        _text("username_key", 254),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        _text("first_name", 64),
        _text("last_name", 64),
        _text("email", 254),
        _text("email_key", 254),
        _text("alternate_email", 254),
        _text("phone", 32),
        _text("mobile", 32),
        _text("fax", 32),
        _text("address_line1", 120),
        _text("address_line2", 120),
        _text("city", 80),
        _text("state", 80),
        _text("postal_code", 20),
        _text("country", 2),
        _text("locale", 35),
        _text("company_name", 120),
        _text("company_website", 253),
        _text("company_email", 254),
        _text("company_phone", 32),
        _text("company_fax", 32),
        _text("company_address_line1", 120),
        _text("company_address_line2", 120),
        _text("company_city", 80),
        _text("company_state", 80),
        _text("company_postal_code", 20),
        _text("company_country", 2),
        _text("company_tax_id", 40),
        sa.Column("departments", sa.JSON(), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _text("updated_by", 120),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reseller")),
        sa.UniqueConstraint("username_key", name=op.f("uq_reseller_username_key")),
        sa.UniqueConstraint("email_key", name=op.f("uq_reseller_email_key")),
    )
    op.create_index(op.f("ix_reseller_type"), "reseller", ["type"], unique=False)
    op.create_index(
        "ix_audit_event_entity_entity_id", "audit_event", ["entity", "entity_id"], unique=False
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_audit_event_entity_entity_id", table_name="audit_event")
    op.drop_index(op.f("ix_reseller_type"), table_name="reseller")
    op.drop_table("reseller")
