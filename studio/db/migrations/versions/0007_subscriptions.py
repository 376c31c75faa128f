"""Service offerings and add-ons, commission offerings, subscriptions and their jobs.

Revision ID: 0007_subscriptions
Revises: 0006_resellers
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_subscriptions"
down_revision = "0006_resellers"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create the three tables."""
    op.create_table(
        "service_offering",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("quotas", sa.JSON(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("billing_cycle", sa.String(length=10), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _when("updated_at"),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_offering")),
        sa.UniqueConstraint("name", name=op.f("uq_service_offering_name")),
    )
    op.create_table(
        "addon",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("quotas", sa.JSON(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("billing_cycle", sa.String(length=10), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _when("updated_at"),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addon")),
        sa.UniqueConstraint("name", name=op.f("uq_addon_name")),
    )
    op.create_table(
        "reseller_offering",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reseller_id", sa.Integer(), nullable=False),
        sa.Column("offering_id", sa.Integer(), nullable=False),
        sa.Column("commission_bp", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["offering_id"],
            ["service_offering.id"],
            name=op.f("fk_reseller_offering_offering_id_service_offering"),
        ),
        sa.ForeignKeyConstraint(
            ["reseller_id"], ["reseller.id"], name=op.f("fk_reseller_offering_reseller_id_reseller")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reseller_offering")),
    )
    op.create_index(
        op.f("ix_reseller_offering_reseller_id"), "reseller_offering", ["reseller_id"], unique=False
    )
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reseller_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("server", sa.String(length=15), nullable=False),
        sa.Column("offering_id", sa.Integer(), nullable=True),
        sa.Column("quotas", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resource_id", sa.String(length=80), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.ForeignKeyConstraint(
            ["offering_id"],
            ["service_offering.id"],
            name=op.f("fk_subscription_offering_id_service_offering"),
        ),
        sa.ForeignKeyConstraint(
            ["reseller_id"], ["reseller.id"], name=op.f("fk_subscription_reseller_id_reseller")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
    )
    op.create_index(
        op.f("ix_subscription_reseller_id"), "subscription", ["reseller_id"], unique=False
    )
    op.create_table(
        "provisioning_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("operation", sa.String(length=20), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("server", sa.String(length=15), nullable=False),
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("remote_id", sa.String(length=80), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("local_failure", sa.Boolean(), nullable=False),
        _when("next_attempt_at", nullable=True),
        sa.Column("requested_by", sa.String(length=120), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        _when("finished_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscription.id"],
            name=op.f("fk_provisioning_job_subscription_id_subscription"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provisioning_job")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_provisioning_job_idempotency_key")),
    )
    op.create_index(op.f("ix_provisioning_job_state"), "provisioning_job", ["state"], unique=False)
    unfinished = sa.text("state IN ('pending', 'queued', 'running', 'cancelling')")
    op.create_index(
        "uq_provisioning_job_unfinished",
        "provisioning_job",
        ["subscription_id"],
        unique=True,
        sqlite_where=unfinished,
        postgresql_where=unfinished,
    )
    op.create_index(
        op.f("ix_provisioning_job_subscription_id"),
        "provisioning_job",
        ["subscription_id"],
        unique=False,
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("provisioning_job")
    op.drop_table("subscription")
    op.drop_table("reseller_offering")
    op.drop_table("addon")
    op.drop_table("service_offering")
