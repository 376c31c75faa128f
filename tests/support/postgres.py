"""A throwaway PostgreSQL cluster for the test session, from the server programs of
Debian's ``postgresql`` package (``initdb`` and ``pg_ctl``): no running server needed,
and never a shared one.

The cluster lives in a temporary folder, listens on a free port of 127.0.0.1 only, and
is removed when the session ends. It trades durability for speed (``fsync=off``): it
holds nothing worth keeping. PostgreSQL refuses to run as root, so when the tests run as
root (as CI does) the cluster runs as the ``postgres`` user the package creates.

Each test gets a database of its own, copied from a template migrated once
(``CREATE DATABASE … TEMPLATE``), so a test starts in milliseconds at the current schema.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

#: Set to 1 (``.ci/run`` does) to fail, not skip, when the server programs are missing.
REQUIRE_ENV = "MACHPANEL_STUDIO_REQUIRE_POSTGRES"
HOW_TO_GET = "PostgreSQL's server programs are not installed (Debian: apt install postgresql)"
SUPERUSER = "studio"


def server_programs() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: on PATH, else Debian's newest."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


#: Every cluster's folder starts with this; it holds the test session's pid in OWNER.
PREFIX = "studio-pg-"
OWNER = "owner.pid"


def sweep_abandoned(bin_dir: Path) -> None:
    """Stop and remove the clusters of test sessions that ended without stopping theirs
    (killed, or the machine's power cut): their owner's process is gone."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            owner = int((folder / OWNER).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue  # not ours, or still being made
        if _alive(owner):
            continue
        run_as = "postgres" if os.geteuid() == 0 else None
        subprocess.run(
            [str(bin_dir / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            user=run_as,
            group=run_as,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # POSIX only, as the server programs these tests use
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """A running throwaway cluster; :meth:`new_database` gives each test its own."""

    bin_dir: Path
    folder: Path
    port: int
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _run_as: str | None = None

    @classmethod
    def start(cls, bin_dir: Path) -> Cluster:
        """Start a cluster in a new temporary folder (removed again if starting fails),
        after stopping the clusters of test sessions that died without stopping theirs."""
        sweep_abandoned(bin_dir)
        folder = Path(tempfile.mkdtemp(prefix=PREFIX))
        (folder / OWNER).write_text(str(os.getpid()), encoding="ascii")
        run_as = "postgres" if os.geteuid() == 0 else None
        if run_as:
            shutil.chown(folder, run_as, run_as)
        cluster = cls(bin_dir, folder, _free_port(), _run_as=run_as)
        try:
            cluster._init_and_start()
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def _init_and_start(self) -> None:
        cluster, folder = self, self.folder
        cluster._run(
            "initdb",
            "-D",
            str(folder / "data"),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = (
            f"-p {cluster.port} -k {folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        cluster._run(
            "pg_ctl",
            "-D",
            str(folder / "data"),
            "-l",
            str(folder / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [str(self.bin_dir / program), *args],
            capture_output=True,
            text=True,
            user=self._run_as,
            group=self._run_as,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stdout}{done.stderr}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def execute(self, *statements: str) -> None:
        """Run statements outside a transaction (CREATE DATABASE needs that)."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres",
            autocommit=True,
        ) as connection:
            for statement in statements:
                connection.execute(statement)

    def new_database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); its URL."""
        name = f"test_{next(self._names)}"
        copy = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
        self.execute(f"CREATE DATABASE {name}{copy}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Remove a test's database (about 8 MB each: a session makes hundreds)."""
        name = url.rsplit("/", 1)[1]
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        """Stop the server (if it runs) and remove the folder."""
        subprocess.run(
            [
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            user=self._run_as,
            group=self._run_as,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)
