"""A database server shared by several administrators: a change waiting behind another
session's lock is refused after the lock timeout with a sentence, not held for ever;
a connection the server dropped is replaced before use; studios starting at once on an
empty database build its schema once; a studio starting never upgrades a shared schema,
`db upgrade` does, naming the other studios connected."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from studio.cli import EXIT_FAILURE, EXIT_OK, main
from studio.context import open_studio
from studio.db import engine as engine_module
from studio.db.engine import create_studio_engine
from studio.db.migrate import alembic_config, schema_state
from studio.db.revisions import HEAD, KNOWN
from studio.domain.actors import Actor
from studio.errors import DatabaseError, SchemaBehindError
from studio.services.resellers import create_reseller, set_reseller_status
from tests.conftest import TEMPLATE
from tests.support.postgres import Cluster
from tests.support.resellers import sample_reseller


def test_a_row_held_by_another_administrator_is_refused_after_the_lock_timeout(
    postgres: Cluster, data_dir: Path, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "LOCK_TIMEOUT_MS", 300)
    studio = open_studio(data_dir, postgres.new_database(TEMPLATE))
    try:
        reseller = create_reseller(studio, admin, sample_reseller(1)).id
        with studio.engine.connect() as other:  # another studio, mid-change
            other.execute(
                text("SELECT id FROM reseller WHERE id = :id FOR UPDATE"), {"id": reseller}
            )
            started = time.monotonic()
            with pytest.raises(DatabaseError) as refused:
                set_reseller_status(studio, admin, reseller, "suspended")
            waited = time.monotonic() - started
            other.rollback()
        assert str(refused.value) == (
            "another administrator is changing the same records; try again"
        )
        assert waited < 30  # refused, not held until the other transaction ends
        set_reseller_status(studio, admin, reseller, "suspended")  # free again: it works
    finally:
        studio.close()


def test_a_connection_the_server_dropped_is_replaced_before_use(
    postgres: Cluster, data_dir: Path, admin: Actor
) -> None:
    url = postgres.new_database(TEMPLATE)
    studio = open_studio(data_dir, url)
    try:
        create_reseller(studio, admin, sample_reseller(1))
        database = url.rsplit("/", 1)[1]
        postgres.execute(  # as a server restart would: every session of the database ends
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )
        create_reseller(studio, admin, sample_reseller(2))  # a pooled connection was dead
    finally:
        studio.close()


def test_studios_starting_at_once_on_an_empty_database_build_it_once(
    postgres: Cluster, tmp_path: Path
) -> None:
    url = postgres.new_database()
    starts = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "studio",
                "--data-dir",
                str(tmp_path / f"home{n}"),
                "--database-url",
                url,
                "db",
                "status",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    results = [start.communicate(timeout=120) for start in starts]
    assert [start.returncode for start in starts] == [0, 0, 0, 0], results
    engine = create_studio_engine(url)
    try:
        assert schema_state(engine).current == HEAD
    finally:
        engine.dispose()


def test_a_studio_starting_never_upgrades_a_shared_schema_db_upgrade_does(
    postgres: Cluster, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from alembic import command

    url = postgres.new_database()
    engine = create_studio_engine(url)
    command.upgrade(alembic_config(engine), KNOWN[-2])
    with pytest.raises(SchemaBehindError):
        open_studio(data_dir, url)
    assert schema_state(engine).current == KNOWN[-2]  # nothing changed
    assert main(["--database-url", url, "reseller", "list"], out=io.StringIO()) == EXIT_FAILURE
    assert "machpanel-studio db upgrade" in capsys.readouterr().err

    with engine.connect():  # another studio, still connected
        out = io.StringIO()
        assert main(["--database-url", url, "db", "upgrade"], out=out) == EXIT_OK
    lines = out.getvalue().splitlines()
    assert lines[0].endswith(f"is at schema {HEAD}")
    [other] = lines[1:]  # the one connection kept open above, not this command's own
    assert other.startswith("another studio is connected: 127.0.0.1 since ")
    assert schema_state(engine).current == HEAD
    engine.dispose()


def test_a_studio_waits_for_another_s_schema_work_past_the_lock_timeout(
    postgres: Cluster, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock timeout is for administrators' changes: a studio starting while another
    builds the schema waits for it, however long, then finds the schema ready."""
    import threading

    from studio.db.migrate import SCHEMA_LOCK

    monkeypatch.setattr(engine_module, "LOCK_TIMEOUT_MS", 200)
    url = postgres.new_database()
    holder = create_studio_engine(url)
    held = holder.connect().execution_options(isolation_level="AUTOCOMMIT")
    held.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK})
    release = threading.Timer(1.0, lambda: held.execute(text("SELECT pg_advisory_unlock_all()")))
    release.start()
    try:
        studio = open_studio(data_dir, url)
        assert studio.schema.at_head
        studio.close()
    finally:
        release.join()
        held.close()
        holder.dispose()
