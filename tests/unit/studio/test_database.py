"""Opening the database: SQLite settings, migrations, and refusing what it must not touch."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from studio.context import Studio, open_studio
from studio.db.engine import create_studio_engine, mask_url
from studio.db.models import Base
from studio.errors import DatabaseError, NotADatabaseError, SchemaTooNewError
from studio.paths import database_path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fresh_database_is_created_at_head_with_sqlite_settings(studio: Studio) -> None:
    assert studio.schema.at_head
    assert studio.schema.current == "0001_initial"
    with studio.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    assert database_path(studio.data_dir).is_file()


def test_migrations_create_exactly_what_the_models_declare(studio: Studio) -> None:
    with studio.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_opening_twice_changes_nothing(data_dir: Path) -> None:
    first = open_studio(data_dir)
    first.close()
    second = open_studio(data_dir)
    assert second.schema.current == first.schema.current
    second.close()


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    target = database_path(data_dir)
    target.write_bytes(b"MachPanel notes, not a database\n" * 100)
    before = _digest(target)
    with pytest.raises(NotADatabaseError) as caught:
        open_studio(data_dir)
    assert str(target) in str(caught.value)
    assert _digest(target) == before
    assert not Path(f"{target}-wal").exists()


def test_a_database_from_a_newer_studio_is_refused_unchanged(data_dir: Path) -> None:
    open_studio(data_dir).close()
    target = database_path(data_dir)
    with sqlite3.connect(target) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.close()
    before = _digest(target)
    with pytest.raises(SchemaTooNewError) as caught:
        open_studio(data_dir)
    assert "0099_from_the_future" in str(caught.value)
    assert "Nothing was changed" in str(caught.value)
    assert _digest(target) == before


def test_passwords_in_urls_are_masked() -> None:
    masked = mask_url("postgresql://studio:s3cret-pass@db.example.com/machpanel")
    assert "s3cret-pass" not in masked
    assert masked == "postgresql://studio:***@db.example.com/machpanel"


def test_a_bad_url_names_the_argument() -> None:
    with pytest.raises(DatabaseError, match="database-url"):
        create_studio_engine("not a url at all")


def test_a_url_whose_driver_is_missing_is_a_clear_error(data_dir: Path) -> None:
    with pytest.raises(DatabaseError) as caught:
        open_studio(data_dir, "postgresql+nosuchdriver://u:topsecret@localhost/db")
    assert "topsecret" not in str(caught.value)


def test_known_revisions_match_the_migration_scripts(studio: Studio) -> None:
    from alembic.script import ScriptDirectory

    from studio.db import revisions
    from studio.db.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config(studio.engine))
    oldest_first = [rev.revision for rev in reversed(list(scripts.walk_revisions()))]
    assert tuple(oldest_first) == revisions.KNOWN
    assert scripts.get_current_head() == revisions.HEAD
