"""Opening the database: SQLite settings, migrations, and refusing what it must not touch."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from studio.context import Studio, open_studio
from studio.db import engine as engine_module
from studio.db import urls
from studio.db.engine import create_studio_engine, mask_url
from studio.db.models import Base
from studio.db.revisions import HEAD
from studio.domain.actors import Actor
from studio.domain.website_rules import DEFAULT_WEBSITE
from studio.errors import (
    DatabaseError,
    DataFolderError,
    FieldError,
    ForeignDatabaseError,
    NotADatabaseError,
    SchemaTooNewError,
)
from studio.paths import database_path
from studio.services.website import get_website_settings, save_website_settings


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.sqlite_only
def test_fresh_database_is_created_at_head_with_sqlite_settings(studio: Studio) -> None:
    assert studio.schema.at_head
    assert studio.schema.current == HEAD
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
    with pytest.raises(FieldError) as caught:
        create_studio_engine("not a url at all")
    assert list(caught.value.errors) == ["database-url"]


def test_a_url_whose_driver_is_missing_is_a_clear_error(data_dir: Path) -> None:
    with pytest.raises(FieldError) as caught:
        open_studio(data_dir, "postgresql+nosuchdriver://u:topsecret@localhost/db")
    assert list(caught.value.errors) == ["database-url"]
    assert "topsecret" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
        (
            "mssql+pyodbc://sa:p%40ss@sql01:1433/mp?driver=x",
            "mssql+pyodbc://sa:***@sql01:1433/mp?driver=x",
        ),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("sqlite:////var/lib/studio.db", "sqlite:////var/lib/studio.db"),
    ],
)
def test_masking_needs_no_sqlalchemy(url: str, shown: str) -> None:
    assert urls.mask_url(url) == shown
    assert mask_url(url) == shown


def _foreign_sqlite(path: Path, sql: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.executescript(sql)
    conn.commit()
    conn.close()


def test_a_newer_rollback_journal_database_is_left_byte_for_byte(data_dir: Path) -> None:
    target = database_path(data_dir)
    _foreign_sqlite(
        target,
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);"
        "INSERT INTO alembic_version VALUES ('0099_from_the_future');",
    )
    before = _digest(target)
    with pytest.raises(SchemaTooNewError):
        open_studio(data_dir)
    assert _digest(target) == before


def test_another_programs_sqlite_file_is_refused_untouched(data_dir: Path) -> None:
    target = database_path(data_dir)
    _foreign_sqlite(target, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL);")
    before = _digest(target)
    with pytest.raises(ForeignDatabaseError) as caught:
        open_studio(data_dir)
    assert "another program (invoices)" in str(caught.value)
    assert _digest(target) == before


def test_a_locked_database_is_a_typed_error_not_a_traceback(
    data_dir: Path, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 100)
    studio = open_studio(data_dir)
    blocker = sqlite3.connect(database_path(data_dir), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(
            DatabaseError, match="the database refused the change: database is locked"
        ):
            save_website_settings(studio, admin, DEFAULT_WEBSITE.as_input())
    finally:
        blocker.rollback()
        blocker.close()
        studio.close()


def test_times_come_back_in_utc(data_dir: Path, admin: Actor) -> None:
    studio = open_studio(data_dir)
    saved = save_website_settings(studio, admin, DEFAULT_WEBSITE.as_input())
    studio.close()
    reopened = open_studio(data_dir)
    loaded = get_website_settings(reopened, admin)
    reopened.close()
    assert loaded.updated_at is not None and loaded.updated_at.tzinfo is dt.UTC
    assert loaded.updated_at == saved.updated_at


def test_an_in_memory_database_is_shared_across_threads(data_dir: Path, admin: Actor) -> None:
    studio = open_studio(data_dir, "sqlite://")
    with ThreadPoolExecutor(max_workers=2) as pool:
        pool.submit(save_website_settings, studio, admin, DEFAULT_WEBSITE.as_input()).result()
        assert pool.submit(get_website_settings, studio, admin).result().configured
    studio.close()


def test_database_url_precedence(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studio.paths import DATABASE_URL_ENV, resolve_database_url

    assert resolve_database_url(data_dir) == f"sqlite:///{database_path(data_dir)}"
    monkeypatch.setenv(DATABASE_URL_ENV, "sqlite:///from-env.db")
    assert resolve_database_url(data_dir) == "sqlite:///from-env.db"
    assert resolve_database_url(data_dir, "sqlite:///explicit.db") == "sqlite:///explicit.db"


def test_a_file_where_the_logs_go_is_a_clear_error(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "logs").write_text("in the way")
    with pytest.raises(DataFolderError, match="cannot hold the logs"):
        open_studio(data_dir)


def test_known_revisions_match_the_migration_scripts(studio: Studio) -> None:
    from alembic.script import ScriptDirectory

    from studio.db import revisions
    from studio.db.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config(studio.engine))
    oldest_first = [rev.revision for rev in reversed(list(scripts.walk_revisions()))]
    assert tuple(oldest_first) == revisions.KNOWN
    assert scripts.get_current_head() == revisions.HEAD


def _insert_row(connection: object, table: str, given: dict[str, object]) -> int:
    """A row with ``given`` values and a placeholder in every other required column."""
    from sqlalchemy.engine import Connection

    assert isinstance(connection, Connection)
    values = dict(given)
    for _cid, name, kind, notnull, default, pk in connection.exec_driver_sql(
        f"PRAGMA table_info({table})"
    ):
        if name in values or pk or not notnull or default is not None:
            continue
        upper = str(kind).upper()
        values[name] = (
            0
            if "INT" in upper or "BOOL" in upper
            else "{}"
            if "JSON" in upper
            else "2026-01-01 00:00:00"
            if "DATE" in upper
            else f"{table}-{name}"
        )
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    result = connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)
    return int(result.lastrowid or 0)


def test_upgrading_a_database_with_data_keeps_every_row(data_dir: Path) -> None:
    """0007 → head on a database holding a reseller, its subscription and job: the batch
    table copies must not trip the foreign keys (they did, with them on)."""
    from alembic import command

    from studio.db.migrate import alembic_config
    from studio.db.migrate import upgrade as upgrade_to_head

    data_dir.mkdir(parents=True)
    engine = create_studio_engine(f"sqlite:///{database_path(data_dir)}")
    command.upgrade(alembic_config(engine), "0007_subscriptions")
    with engine.begin() as connection:
        reseller = _insert_row(connection, "reseller", {"type": "subscription"})
        sub = _insert_row(connection, "subscription", {"reseller_id": reseller, "quotas": "{}"})
        _insert_row(connection, "provisioning_job", {"subscription_id": sub, "state": "succeeded"})
    state = upgrade_to_head(engine)
    assert state.current == HEAD
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        row = connection.exec_driver_sql(
            "SELECT id, oversell_allowed, failed_attempts FROM reseller"
        ).one()
        assert tuple(row) == (reseller, 0, 0)
        assert connection.exec_driver_sql(
            "SELECT id, reseller_id, customer_id FROM subscription"
        ).one() == (sub, reseller, None)
        assert connection.exec_driver_sql("SELECT count(*) FROM provisioning_job").scalar() == 1
    engine.dispose()


def test_the_audit_chain_migration_chains_the_rows_already_there(data_dir: Path) -> None:
    """0008 → head on a log written before the chain existed: every old row gets its
    link, oldest first, and the log verifies; a later change still shows."""
    from alembic import command

    from studio.db.migrate import alembic_config
    from studio.db.migrate import upgrade as upgrade_to_head
    from studio.services.audit_log import verify_audit_log

    data_dir.mkdir(parents=True)
    engine = create_studio_engine(f"sqlite:///{database_path(data_dir)}")
    command.upgrade(alembic_config(engine), "0008_reseller_panel")
    with engine.begin() as connection:
        for number in range(3):
            connection.execute(
                text(
                    "INSERT INTO audit_event (at, actor, action, entity, entity_id, changes, "
                    "summary) VALUES (:at, 'Local Administrator (ann)', 'website.update', "
                    "'website_settings', '1', :changes, 'ü')"
                ),
                {
                    "at": f"2026-11-0{number + 1} 10:00:00.25",
                    "changes": f'{{"port": [{number}, 1]}}',
                },
            )
    assert upgrade_to_head(engine).current == HEAD
    engine.dispose()
    studio = open_studio(data_dir)
    try:
        admin = Actor.local_administrator()
        assert verify_audit_log(studio, admin).message == "ok: 3 rows"
        save_website_settings(studio, admin, DEFAULT_WEBSITE.as_input())
        assert verify_audit_log(studio, admin).message == "ok: 4 rows"
        with studio.engine.begin() as connection:
            connection.execute(text("UPDATE audit_event SET summary = 'x' WHERE id = 2"))
        assert verify_audit_log(studio, admin).message.startswith("row #2 was changed")
    finally:
        studio.close()


def test_an_old_row_holding_a_lone_surrogate_is_chained_like_the_others(data_dir: Path) -> None:
    """Before the text rule, a lone surrogate could reach an audit row's changes (as a JSON
    escape): the chain's migration, the log's verification and its next row still work."""
    from alembic import command

    from studio.db.migrate import alembic_config
    from studio.db.migrate import upgrade as upgrade_to_head
    from studio.services.audit_log import verify_audit_log

    data_dir.mkdir(parents=True)
    engine = create_studio_engine(f"sqlite:///{database_path(data_dir)}")
    command.upgrade(alembic_config(engine), "0008_reseller_panel")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_event (at, actor, action, entity, entity_id, changes, "
                "summary) VALUES ('2026-11-01 10:00:00', 'Local Administrator (ann)', "
                "'reseller.create', 'reseller', '1', :changes, 'created')"
            ),
            {"changes": '{"departments": [null, [{"signature": "Hi \\ud83d"}]]}'},
        )
    assert upgrade_to_head(engine).current == HEAD
    engine.dispose()
    studio = open_studio(data_dir)
    try:
        admin = Actor.local_administrator()
        assert verify_audit_log(studio, admin).message == "ok: 1 rows"
        save_website_settings(studio, admin, DEFAULT_WEBSITE.as_input())
        assert verify_audit_log(studio, admin).message == "ok: 2 rows"
    finally:
        studio.close()
