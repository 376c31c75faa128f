"""The embedded default: three stubs as child processes, reused or replaced, never orphaned."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studio.context import Studio
from studio.domain.actors import Actor
from studio.provisioning.embedded import EmbeddedProvisioning, _alive
from studio.services.embedded_servers import start_embedded, stop_embedded
from studio.services.server_checks import check_prerequisites
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


def test_after_a_killed_studio_its_stubs_are_replaced(
    studio: Studio, admin: Actor, data_dir: Path
) -> None:
    """A studio killed with SIGKILL leaves its stubs; the next one, unable to read their
    tokens (they lived in the dead studio's memory), stops and replaces them."""
    script = (
        "import os, signal; from studio.context import open_studio; "
        "from studio.domain.actors import Actor; "
        "from studio.services.embedded_servers import start_embedded; "
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


def test_stop_during_start_leaves_nothing_running(studio: Studio) -> None:
    import threading

    embedded = EmbeddedProvisioning(studio.data_dir, studio.secrets, job_seconds=0.3)
    errors: list[BaseException] = []

    def start() -> None:
        try:
            embedded.start()
        except BaseException as exc:
            errors.append(exc)

    starter = threading.Thread(target=start)
    starter.start()
    deadline = time.monotonic() + 10
    while not embedded._launching and not embedded.running and time.monotonic() < deadline:
        time.sleep(0.01)
    launching = [p.pid for p in embedded._launching.values()]
    embedded.stop()
    starter.join(20)
    started = [s.pid for s in embedded.running.values()]
    assert errors, "start should report that it was cancelled"
    assert not any(_alive(pid) for pid in launching + started)
    assert list((studio.data_dir / "stubs").glob("*.pid")) == []


def test_another_running_studios_stubs_are_left_alone(data_dir: Path, admin: Actor) -> None:
    """Without a keyring, a second studio (or doctor) must not kill the first one's stubs."""
    import keyring
    from keyring.backends import fail

    from studio.context import open_studio
    from studio.provisioning.embedded import EmbeddedInUse

    owner_script = (
        "import sys, time, keyring\n"
        "from keyring.backends import fail\n"
        "keyring.set_keyring(fail.Keyring())\n"
        "from studio.context import open_studio\n"
        "from studio.domain.actors import Actor\n"
        "from studio.services.embedded_servers import start_embedded\n"
        f"s = open_studio({str(data_dir)!r})\n"
        "start_embedded(s, Actor.local_administrator(), job_seconds=0.3)\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    owner = subprocess.Popen(
        [sys.executable, "-c", owner_script], stdout=subprocess.PIPE, text=True
    )
    try:
        assert owner.stdout is not None and owner.stdout.readline().strip() == "ready"
        records = [json.loads(p.read_text()) for p in (data_dir / "stubs").glob("*.pid")]
        pids = [r["pid"] for r in records]
        assert len(pids) == 3 and all(r["owner"] == owner.pid for r in records)
        keyring.set_keyring(fail.Keyring())
        second = open_studio(data_dir)
        with pytest.raises(EmbeddedInUse, match=f"another studio \\(process {owner.pid}\\)"):
            start_embedded(second, admin)
        stop_embedded(second)
        second.close()
        assert all(_alive(pid) for pid in pids), "the other studio's stubs were killed"
    finally:
        owner.kill()
        owner.wait()
        if owner.stdout is not None:
            owner.stdout.close()
    # the owner is dead now: its stubs are replaced by the next start
    third = open_studio(data_dir)
    try:
        start_embedded(third, admin, job_seconds=0.3)
    finally:
        stop_embedded(third)
        third.close()
    assert not any(_alive(pid) for pid in pids)
