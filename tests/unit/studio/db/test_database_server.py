"""A database server shared by several administrators: a change waiting behind another
session's lock is refused after the lock timeout with a sentence, not held for ever;
a connection the server dropped is replaced before use."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text

from studio.context import open_studio
from studio.db import engine as engine_module
from studio.domain.actors import Actor
from studio.errors import DatabaseError
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
