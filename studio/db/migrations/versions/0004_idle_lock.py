"""Idle lock: minutes without input after which the studio asks for the password again.

Revision ID: 0004_idle_lock
Revises: 0003_users
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_idle_lock"
down_revision = "0003_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add login_policy.idle_minutes (15 by default)."""
    with op.batch_alter_table("login_policy") as batch:
        batch.add_column(
            sa.Column("idle_minutes", sa.Integer(), nullable=False, server_default="15")
        )


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("login_policy") as batch:
        batch.drop_column("idle_minutes")
