"""The embedded default: three stubs as child processes, reused or replaced, never orphaned."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from studio.actors import Actor
from studio.context import Studio
from studio.provisioning.embedded import EmbeddedProvisioning, _alive
from studio.services.provisioning import check_prerequisites, start_embedded, stop_embedded
from studio.services.servers import list_remote_servers

pytestmark = pytest.mark.slow


def test_start_registers_servers_and_passes_the_check(studio: Studio, admin: Actor) -> None:
    try:
        assert start_embedded(studio, admin, job_seconds=0.3) == ["CP01", "EXCH01", "WEB01"]
        servers = {s.name: s for s in list_remote_servers(studio, admin)}
        assert set(servers) == {"EXCH01", "WEB01"}
        assert servers["EXCH01"].services == ("exchange", "sharepoint")
        assert servers["WEB01"].managed
        report = check_prerequisites(studio, admin)
        assert report.passed, report.failures()
        assert {r.name for r in report.remotes} == {"EXCH01", "WEB01"}
        start_embedded(studio, admin)  # again: nothing doubled
        assert len(list_remote_servers(studio, admin)) == 2
    finally:
        stop_embedded(studio)
    assert studio.embedded is not None and studio.embedded.running == {}
    assert list((studio.data_dir / "stubs").glob("*.pid")) == []


def test_tokens_never_reach_arguments_or_files(studio: Studio, admin: Actor) -> None:
    try:
        start_embedded(studio, admin, job_seconds=0.3)
        assert studio.embedded is not None
        for stub in studio.embedded.running.values():
            cmdline = Path(f"/proc/{stub.pid}/cmdline")
            if cmdline.exists():
                assert stub.token.encode() not in cmdline.read_bytes()
            for path in (studio.data_dir / "stubs").iterdir():
                assert stub.token.encode() not in path.read_bytes()
    finally:
        stop_embedded(studio)


def test_after_a_killed_studio_the_stubs_are_reused(
    studio: Studio, admin: Actor, data_dir: Path
) -> None:
    """A studio killed with SIGKILL leaves its stubs; the next one reuses them."""
    script = (
        "import os, signal; from studio.context import open_studio; "
        "from studio.actors import Actor; from studio.services.provisioning import start_embedded;"
        f"s = open_studio({str(data_dir)!r}); start_embedded(s, Actor.local_administrator()); "
        "os.kill(os.getpid(), signal.SIGKILL)"
    )
    # the child needs a keyring that outlives it to hand the tokens on: the in-memory one
    # of this test process is not shared, so the stubs must be *replaced*, not reused.
    done = subprocess.run([sys.executable, "-c", script], timeout=60, check=False)
    assert done.returncode == -signal.SIGKILL
    records = {p.stem: json.loads(p.read_text()) for p in (data_dir / "stubs").glob("*.pid")}
    assert set(records) == {"CP01", "EXCH01", "WEB01"}
    orphans = [r["pid"] for r in records.values()]
    assert all(_alive(pid) for pid in orphans)
    try:
        start_embedded(studio, admin, job_seconds=0.3)
        assert studio.embedded is not None
        new_pids = {s.pid for s in studio.embedded.running.values()}
        assert check_prerequisites(studio, admin).passed
    finally:
        stop_embedded(studio)
    assert not any(_alive(pid) for pid in orphans), "old stubs were left running"
    assert not any(_alive(pid) for pid in new_pids)


def test_stubs_with_a_known_token_are_reused(studio: Studio, admin: Actor) -> None:
    first = EmbeddedProvisioning(studio.data_dir, studio.secrets, job_seconds=0.3)
    try:
        pids = {name: s.pid for name, s in first.start().items()}
        first.running.clear()  # as if this studio had died without stopping them
        second = EmbeddedProvisioning(studio.data_dir, studio.secrets, job_seconds=0.3)
        reused = second.start()
        assert {name: s.pid for name, s in reused.items()} == pids
        assert all(s.process is None for s in reused.values())
    finally:
        second.stop()
    assert not any(_alive(pid) for pid in pids.values())


def test_a_stale_pid_file_of_another_program_is_left_alone(studio: Studio, admin: Actor) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        folder = studio.data_dir / "stubs"
        folder.mkdir(parents=True)
        (folder / "EXCH01.pid").write_text(
            json.dumps({"pid": sleeper.pid, "url": "http://127.0.0.1:9", "name": "EXCH01"})
        )
        try:
            start_embedded(studio, admin, job_seconds=0.3)
        finally:
            stop_embedded(studio)
        assert sleeper.poll() is None, "a process that is not our stub was killed"
    finally:
        sleeper.kill()
        sleeper.wait()
