"""The reseller panel: reseller sign-in and agreement, Customer Products Plans, end
customers, and customer subscriptions drawing on a reseller subscription.

Revision ID: 0008_reseller_panel
Revises: 0007_subscriptions
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_reseller_panel"
down_revision = "0007_subscriptions"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Two tables; columns on reseller and subscription (existing rows: none set)."""
    with op.batch_alter_table("reseller") as batch:
        batch.add_column(
            sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(_when("first_failed_at", nullable=True))
        batch.add_column(_when("locked_until", nullable=True))
        batch.add_column(_when("last_sign_in_at", nullable=True))
        batch.add_column(_when("agreement_accepted_at", nullable=True))
        batch.add_column(
            sa.Column("agreement_sha256", sa.String(length=64), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("oversell_allowed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "end_customer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reseller_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("first_name", sa.String(length=64), nullable=False),
        sa.Column("last_name", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("address_line1", sa.String(length=120), nullable=False),
        sa.Column("address_line2", sa.String(length=120), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("state", sa.String(length=80), nullable=False),
        sa.Column("postal_code", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("company_name", sa.String(length=120), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reseller_id"], ["reseller.id"], name=op.f("fk_end_customer_reseller_id_reseller")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_end_customer")),
        sa.UniqueConstraint("reseller_id", "email_key", name=op.f("uq_end_customer_reseller_id")),
    )
    op.create_index(
        op.f("ix_end_customer_reseller_id"), "end_customer", ["reseller_id"], unique=False
    )
    op.create_table(
        "customer_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reseller_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_key", sa.String(length=80), nullable=False),
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("quotas", sa.JSON(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("billing_cycle", sa.String(length=10), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reseller_id"], ["reseller.id"], name=op.f("fk_customer_plan_reseller_id_reseller")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscription.id"],
            name=op.f("fk_customer_plan_subscription_id_subscription"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_plan")),
        sa.UniqueConstraint("reseller_id", "name_key", name=op.f("uq_customer_plan_reseller_id")),
    )
    op.create_index(
        op.f("ix_customer_plan_reseller_id"), "customer_plan", ["reseller_id"], unique=False
    )
    with op.batch_alter_table("subscription") as batch:
        batch.add_column(sa.Column("customer_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("plan_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("price_cents", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("billing_cycle", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("commission_bp", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_subscription_customer_id_end_customer"),
            "end_customer",
            ["customer_id"],
            ["id"],
        )
        batch.create_foreign_key(
            op.f("fk_subscription_parent_id_subscription"), "subscription", ["parent_id"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_subscription_plan_id_customer_plan"), "customer_plan", ["plan_id"], ["id"]
        )
        batch.create_index(op.f("ix_subscription_customer_id"), ["customer_id"], unique=False)
        batch.create_index(op.f("ix_subscription_parent_id"), ["parent_id"], unique=False)


def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("subscription") as batch:
        batch.drop_index(op.f("ix_subscription_parent_id"))
        batch.drop_index(op.f("ix_subscription_customer_id"))
        batch.drop_constraint(op.f("fk_subscription_plan_id_customer_plan"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_subscription_parent_id_subscription"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_subscription_customer_id_end_customer"), type_="foreignkey")
        for column in (
            "commission_bp",
            "billing_cycle",
            "price_cents",
            "plan_id",
            "parent_id",
            "customer_id",
        ):
            batch.drop_column(column)
    op.drop_index(op.f("ix_customer_plan_reseller_id"), table_name="customer_plan")
    op.drop_table("customer_plan")
    op.drop_index(op.f("ix_end_customer_reseller_id"), table_name="end_customer")
    op.drop_table("end_customer")
    with op.batch_alter_table("reseller") as batch:
        for column in (
            "oversell_allowed",
            "agreement_sha256",
            "agreement_accepted_at",
            "last_sign_in_at",
            "locked_until",
            "first_failed_at",
            "failed_attempts",
        ):
            batch.drop_column(column)
