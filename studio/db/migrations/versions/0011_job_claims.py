"""Job runners that claim their jobs: ``claimed_by`` and ``claimed_until`` on every job.

Several studios on one database each run a job runner; without claims each submitted
every due job (harmless for the resource, thanks to the idempotency key, but every job
twice and ticks discarded on conflicts). A runner now claims the jobs it works on for a
lease it renews each tick; another runner takes a job over only when its lease ran out.
Existing jobs start unclaimed.

Revision ID: 0011_job_claims
Revises: 0010_ids_never_reused
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from studio.db.models import UTCDateTime

revision = "0011_job_claims"
down_revision = "0010_ids_never_reused"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (SQLite has them): no table is made again.
    op.add_column("provisioning_job", sa.Column("claimed_by", sa.String(255), nullable=True))
    op.add_column("provisioning_job", sa.Column("claimed_until", UTCDateTime(), nullable=True))


def downgrade() -> None:
    # A batch change makes the table again: keep its id AUTOINCREMENT (0010).
    with op.batch_alter_table(
        "provisioning_job", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.drop_column("claimed_until")
        batch.drop_column("claimed_by")
