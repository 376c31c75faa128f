"""Fixtures shared by every test: a fresh data folder, an in-memory keyring, offscreen Qt,
and the studio opened on each database the product supports.

No test touches the real per-user data folder, the real keyring or a real display. A
test that takes ``studio`` runs twice: on SQLite (the embedded default) and on a
throwaway PostgreSQL cluster the session starts itself (``tests/support/postgres.py``);
the second is skipped, with one line saying how to get the server programs, where
they are missing.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest

from studio.context import Studio, open_studio
from studio.domain.actors import Actor
from studio.paths import DATABASE_URL_ENV, HOME_ENV
from tests.support.memory_keyring import MemoryKeyring
from tests.support.postgres import HOW_TO_GET, REQUIRE_ENV, Cluster, server_programs

#: The database every test of a session on PostgreSQL starts from (migrated once).
TEMPLATE = "studio_template"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, not yet created data folder, also set as ``MACHPANEL_STUDIO_HOME``."""
    folder = tmp_path / "studio-home"
    monkeypatch.setenv(HOME_ENV, str(folder))
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    return folder


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty in-memory keyring backend."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster for the session, with the template database."""
    programs = server_programs()
    if programs is None:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{HOW_TO_GET}; {REQUIRE_ENV}=1 asks for the PostgreSQL half")
        pytest.skip(HOW_TO_GET)
    cluster = Cluster.start(programs)
    try:
        cluster.execute(f"CREATE DATABASE {TEMPLATE}")
        open_studio(tmp_path_factory.mktemp("template-home"), cluster.url(TEMPLATE)).close()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> Iterator[str | None]:
    """The database a test's studio opens: ``None`` for the embedded SQLite file of the
    data folder, or a fresh PostgreSQL database (also set for the command line), dropped
    after the test."""
    if request.param == "sqlite":
        yield None
        return
    cluster: Cluster = request.getfixturevalue("postgres")
    url = cluster.new_database(TEMPLATE)
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    yield url
    cluster.drop_database(url)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked ``sqlite_only`` (what it checks exists only on SQLite: a file's
    mode, WAL, the single-writer lock) runs on SQLite alone."""
    kept, dropped = [], []
    for item in items:
        on_postgres = "[postgresql" in item.nodeid or "-postgresql" in item.nodeid
        if on_postgres and item.get_closest_marker("sqlite_only"):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def another_studio(
    request: pytest.FixtureRequest, tmp_path: Path, database_url: str | None
) -> Iterator[Callable[[], Studio]]:
    """Opens a second, empty installation on the same kind of database as ``studio``
    (another data folder; on PostgreSQL another database)."""
    opened: list[Studio] = []
    databases: list[str] = []

    def open_another() -> Studio:
        folder = tmp_path / f"another-home-{len(opened) + 1}"
        url = None
        if database_url is not None:
            url = request.getfixturevalue("postgres").new_database(TEMPLATE)
            databases.append(url)
        opened.append(open_studio(folder, url))
        return opened[-1]

    yield open_another
    for other in opened:
        other.close()
    for url in databases:
        request.getfixturevalue("postgres").drop_database(url)


@pytest.fixture
def studio(data_dir: Path, database_url: str | None) -> Iterator[Studio]:
    """The studio opened on the fresh data folder and the test's database."""
    opened = open_studio(data_dir, database_url)
    yield opened
    opened.close()


@pytest.fixture
def admin() -> Actor:
    """The built-in Local Administrator the desktop and CLI act as."""
    return Actor.local_administrator()
