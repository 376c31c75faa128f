"""Ids are never given twice: a deleted reseller's id (and its audit history under
``reseller:ID``) never passes to the next one, on either database; the migration that
brought this to existing SQLite databases keeps every row, index and key."""

from __future__ import annotations

import importlib.util
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from studio.context import Studio
from studio.db.engine import create_studio_engine
from studio.db.migrate import upgrade
from studio.domain.actors import Actor
from studio.paths import database_path
from studio.services.resellers import create_reseller, delete_reseller
from tests.support.resellers import sample_reseller
from tests.unit.studio.db.test_migrate import _insert_row

MIGRATION = Path("studio/db/migrations/versions/0010_ids_never_reused.py")


def _migration() -> ModuleType:
    """The migration's module (its file name is not an importable name)."""
    root = Path(__file__).resolve().parents[4]
    spec = importlib.util.spec_from_file_location("ids_never_reused", root / MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_deleted_reseller_s_id_is_never_given_again(studio: Studio, admin: Actor) -> None:
    first = create_reseller(studio, admin, sample_reseller(1)).id
    second = create_reseller(studio, admin, sample_reseller(2)).id
    delete_reseller(studio, admin, second)  # the newest: max(id) + 1 would give it again
    third = create_reseller(studio, admin, sample_reseller(3)).id
    assert third > second > first


@pytest.mark.sqlite_only
def test_every_integer_id_is_autoincrement_on_sqlite(studio: Studio) -> None:
    with studio.engine.connect() as connection:
        tables = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
        ).all()
    with_integer_id = [name for name, sql in tables if re.search(r"\bid INTEGER\b", sql)]
    plain = [name for name, sql in tables if name in with_integer_id and "AUTOINCREMENT" not in sql]
    assert plain == [] and len(with_integer_id) >= 14
    assert len([name for name, sql in tables if "AUTOINCREMENT" in sql]) >= 14


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "CREATE TABLE addon (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(80), \n\t"
            "CONSTRAINT pk_addon PRIMARY KEY (id), \n\tCONSTRAINT uq_addon_name UNIQUE (name)\n)",
            "CREATE TABLE addon (\n\tid INTEGER NOT NULL CONSTRAINT pk_addon PRIMARY KEY "
            "AUTOINCREMENT, \n\tname VARCHAR(80), \n\tCONSTRAINT uq_addon_name UNIQUE (name)\n)",
        ),
        (
            'CREATE TABLE "t" (\n\tid INTEGER NOT NULL, \n\tx TEXT, \n\tPRIMARY KEY (id)\n)',
            'CREATE TABLE "t" (\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n\tx TEXT\n)',
        ),
        ("CREATE TABLE s (\n\ttype VARCHAR(20) NOT NULL, \n\tPRIMARY KEY (type)\n)", None),
        ("CREATE TABLE a (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, x TEXT)", None),
    ],
)
def test_the_id_clause_is_rewritten_and_nothing_else(before: str, after: str | None) -> None:
    assert _migration().with_autoincrement(before) == after


def test_upgrading_keeps_rows_indexes_and_keys_and_goes_on_above_the_largest_id(
    data_dir: Path,
) -> None:
    from alembic import command

    from studio.db.migrate import alembic_config

    data_dir.mkdir(parents=True)
    path = database_path(data_dir)
    engine = create_studio_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0009_audit_chain")
    with engine.begin() as connection:
        reseller = _insert_row(connection, "reseller", {"type": "subscription"})
        sub = _insert_row(connection, "subscription", {"reseller_id": reseller, "quotas": "{}"})
        _insert_row(connection, "provisioning_job", {"subscription_id": sub, "state": "pending"})
        indexes = sorted(
            connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            ).all()
        )
    assert upgrade(engine).at_head
    with engine.begin() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert (
            sorted(
                connection.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                ).all()
            )
            == indexes
        )
        assert connection.exec_driver_sql(
            "SELECT s.id, j.subscription_id FROM subscription s JOIN provisioning_job j "
            "ON j.subscription_id = s.id"
        ).one() == (sub, sub)
        connection.exec_driver_sql(f"DELETE FROM provisioning_job WHERE subscription_id = {sub}")
        connection.exec_driver_sql(f"DELETE FROM subscription WHERE id = {sub}")
        again = _insert_row(connection, "subscription", {"reseller_id": reseller, "quotas": "{}"})
    assert again == sub + 1
    engine.dispose()


def test_a_studio_killed_mid_migration_leaves_the_database_as_it_was(data_dir: Path) -> None:
    """A migration is one transaction on SQLite too: killed after it made one table
    again (DDL included), the file is still at the old revision, whole; the next start
    migrates it."""
    from alembic import command

    from studio.crash_points import ENV, EXIT_CODE
    from studio.db.migrate import alembic_config

    data_dir.mkdir(parents=True)
    path = database_path(data_dir)
    engine = create_studio_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0009_audit_chain")
    with engine.begin() as connection:
        reseller = _insert_row(connection, "reseller", {"type": "subscription"})
        _insert_row(connection, "subscription", {"reseller_id": reseller, "quotas": "{}"})
    engine.dispose()

    def tables() -> dict[str, str]:
        with sqlite3.connect(path) as db:
            return dict(db.execute("SELECT name, sql FROM sqlite_master"))

    before = tables()
    killed = subprocess.run(
        [sys.executable, "-m", "studio", "--data-dir", str(data_dir), "db", "status"],
        env={**os.environ, ENV: "migration.mid-way"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == EXIT_CODE, killed.stderr
    assert tables() == before  # no table made again, none half-renamed
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("0009_audit_chain",)
        ]
        assert db.execute("SELECT count(*) FROM subscription").fetchone() == (1,)
    engine = create_studio_engine(f"sqlite:///{path}")
    assert upgrade(engine).at_head
    engine.dispose()
