"""SIGKILL the process running the job runner mid-job: the next one finishes the same job.

The studio's command line runs as real processes here (``subscribe --wait`` killed,
then ``jobs wait``); they share the servers' tokens through a file keyring that only
tests use. The stub must hold exactly one resource afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import keyring
import pytest

from studio.context import open_studio
from studio.domain.actors import Actor
from studio.domain.server_rules import ProvisioningInput, RemoteServerInput
from studio.services.jobs import list_jobs
from studio.services.resellers import create_reseller
from studio.services.servers import add_remote_server, save_provisioning_settings
from studio.services.subscriptions import list_subscriptions
from tests.e2e.conftest import StubFactory
from tests.support.file_keyring import BACKEND_ENV, FILE_ENV, FileKeyring
from tests.support.resellers import sample_reseller

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def _cli(data_dir: Path, keyring_file: Path, *argv: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        **BACKEND_ENV,
        FILE_ENV: str(keyring_file),
        "MACHPANEL_STUDIO_HOME": str(data_dir),
        "PYTHONPATH": str(REPO),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "studio", *argv],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_killed_runner_s_job_is_finished_once_by_the_next(
    data_dir: Path, tmp_path: Path, start_stub: StubFactory
) -> None:
    keyring_file = tmp_path / "keyring.json"
    keyring.set_keyring(FileKeyring(keyring_file))
    control = start_stub(role="control", name="CP01", services=())
    remote = start_stub(name="EXCH01", job_seconds=3.0)
    admin = Actor.local_administrator()
    studio = open_studio(data_dir)
    try:
        save_provisioning_settings(
            studio,
            admin,
            ProvisioningInput("external", "127.0.0.1", str(control.port), control.token),
        )
        add_remote_server(
            studio,
            admin,
            RemoteServerInput("EXCH01", "127.0.0.1", str(remote.port), ("exchange",), remote.token),
        )
        reseller = create_reseller(studio, admin, sample_reseller(), require_password=False)

        first = _cli(
            data_dir,
            keyring_file,
            "subscribe",
            str(reseller.id),
            "--service",
            "exchange",
            "--server",
            "EXCH01",
            "--quota",
            "mailboxes=5",
            "--quota",
            "mailbox_size_mb=1024",
            "--wait",
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            jobs = list_jobs(studio, admin)
            if jobs and jobs[0].state in ("queued", "running"):
                break
            assert first.poll() is None, first.communicate()
            time.sleep(0.05)
        else:
            first.kill()
            pytest.fail(f"the job was never accepted: {first.communicate()}")
        first.kill()  # SIGKILL: no chance to tidy up
        first.communicate(timeout=10)
        [job] = list_jobs(studio, admin)
        assert job.state in ("queued", "running")

        second = _cli(data_dir, keyring_file, "jobs", "wait", "--timeout", "60")
        out, err = second.communicate(timeout=90)
        assert second.returncode == 0, (out, err)
        assert f"job {job.id}: succeeded" in out
        [sub] = list_subscriptions(studio, admin, reseller.id)
        assert sub.status == "active"
        with remote.client() as client:
            resources = client.resources()
        assert len(resources) == 1
        assert resources[0]["id"] == sub.resource_id
    finally:
        studio.close()
