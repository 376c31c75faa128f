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

import pytest

from studio.domain.actors import Actor
from studio.services.jobs import list_jobs
from studio.services.subscriptions import list_subscriptions
from tests.e2e.conftest import Installation
from tests.support.file_keyring import BACKEND_ENV, FILE_ENV

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


@pytest.mark.parametrize("installation", [3.0], indirect=True)
def test_a_killed_runner_s_job_is_finished_once_by_the_next(installation: Installation) -> None:
    studio, admin, remote = installation.studio, Actor.local_administrator(), installation.remote
    data_dir, keyring_file = installation.data_dir, installation.keyring_file
    first = _cli(data_dir, keyring_file, *installation.subscribe("--wait"))
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
    [sub] = list_subscriptions(studio, admin, installation.reseller_id)
    assert sub.status == "active"
    with remote.client() as client:
        resources = client.resources()
    assert len(resources) == 1
    assert resources[0]["id"] == sub.resource_id
