"""Reseller Settings: the two reseller types, their labels, terms and defaults.

Revision ID: 0005_reseller_settings
Revises: 0004_idle_lock
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_reseller_settings"
down_revision = "0004_idle_lock"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table."""
    op.create_table(
        "reseller_type_settings",
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("commission_bp", sa.Integer(), nullable=False),
        sa.Column("payout_cycle", sa.String(length=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("type", name=op.f("pk_reseller_type_settings")),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("reseller_type_settings")
