"""The schema revisions this studio knows, without importing Alembic.

Start-up reads the database's revision with one query and compares it with
:data:`HEAD`; only when a migration is pending does Alembic get imported and run. A test
keeps these constants equal to what ``studio/db/migrations/versions`` holds: add a
migration, add its revision here.
"""

from __future__ import annotations

#: Every revision, oldest first.
KNOWN: tuple[str, ...] = (
    "0001_initial",
    "0002_servers",
    "0003_users",
    "0004_idle_lock",
    "0005_reseller_settings",
    "0006_resellers",
    "0007_subscriptions",
    "0008_reseller_panel",
    "0009_audit_chain",
    "0010_ids_never_reused",
    "0011_job_claims",
)

#: The newest revision: the schema this studio's models describe.
HEAD = KNOWN[-1]
