"""Subscriptions end to end: 1,000 subscribed and provisioned, against the stub alone.

    uv run python benchmarks/subscriptions.py [--jobs 1000] [--json]

- ``stub_only_jobs_per_s``: the stub alone, as ``benchmarks/provisioning.py`` measures
  it (4 clients submit, counted until every job's resource exists; 50 ms jobs).
- ``jobs_per_s``: the studio end to end on a stub started the same way: 4 threads call
  ``subscribe_reseller`` (each writes a subscription and its job in one transaction)
  while the window's job runner (4 workers) submits, follows and finishes every job;
  counted from the first subscription to the last one active. ``ratio`` is the two
  divided (target ≥ 0.8).
- ``gui_max_stall_ms``: a Qt event loop with a 10 ms timer runs the job runner's GUI
  side (``ui.job_monitor.JobMonitor``) throughout: the longest gap between ticks beyond
  10 ms (target ≤ 50).
- ``rss_growth_mib``: resident memory after the run minus before it (target ≤ 30).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.provisioning import cpu_ms_per_job, process_cpu_s, stub_throughput  # noqa: E402
from benchmarks.startup import _rss_mib  # noqa: E402

CLIENTS = 4


def end_to_end(jobs: int) -> dict[str, Any]:
    """Subscribe ``jobs`` times and wait until every subscription is active."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from studio.context import open_studio
    from studio.domain.actors import Actor
    from studio.domain.server_rules import ProvisioningInput, RemoteServerInput
    from studio.services.jobs import count_running_jobs, list_jobs
    from studio.services.resellers import create_reseller
    from studio.services.server_checks import check_prerequisites
    from studio.services.servers import add_remote_server, save_provisioning_settings
    from studio.services.subscriptions import SubscribeInput, subscribe_reseller
    from tests.support.resellers import sample_reseller
    from tests.support.stall_meter import StallMeter
    from tests.support.stub_process import stub
    from ui.job_monitor import JobMonitor
    from ui.memory import freeze_startup_objects
    from ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    admin = Actor.local_administrator()
    with tempfile.TemporaryDirectory(prefix="mp-bench-subs-") as folder:
        control = stub(role="control", name="CP01", services=(), job_seconds=0.05)
        remote = stub(
            name="EXCH01", services=("exchange",), job_seconds=0.05, state=Path(folder) / "j"
        )
        studio = open_studio(Path(folder) / "home")
        studio.session_secrets = True  # no keyring here: the tokens live for this run
        try:
            save_provisioning_settings(
                studio,
                admin,
                ProvisioningInput("external", "127.0.0.1", str(control.port), control.token),
            )
            add_remote_server(
                studio,
                admin,
                RemoteServerInput(
                    "EXCH01", "127.0.0.1", str(remote.port), ("exchange",), remote.token
                ),
            )
            reseller = create_reseller(studio, admin, sample_reseller(), require_password=False)
            report = check_prerequisites(studio, admin)  # once: the wizard checks once too
            if not report.passed:
                raise RuntimeError(f"the stubs failed the check: {report.failures()}")
            data = SubscribeInput(
                reseller.id, "exchange", "EXCH01", {"mailboxes": "10", "mailbox_size_mb": "500"}
            )
            tasks = TaskRunner()
            monitor = JobMonitor(tasks, admin)
            created = [0]
            errors: list[BaseException] = []

            def subscribe(count: int) -> None:
                try:
                    for _ in range(count):
                        subscribe_reseller(studio, admin, data, check=lambda _s, _a: report)
                        created[0] += 1
                        runner = monitor.job_runner
                        if runner is not None:
                            runner.wake()
                except BaseException as exc:  # reported below
                    errors.append(exc)

            freeze_startup_objects()  # as the window does once its database is open
            meter = StallMeter().start()
            rss_before = _rss_mib()
            remote_pid = remote.process.pid if remote.process else 0
            stub_cpu, studio_cpu = process_cpu_s(remote_pid), time.process_time()
            started = time.perf_counter()
            monitor.start(studio)
            threads = [
                threading.Thread(target=subscribe, args=(jobs // CLIENTS,)) for _ in range(CLIENTS)
            ]
            for thread in threads:
                thread.start()
            total = jobs // CLIENTS * CLIENTS
            finished = threading.Event()
            finished_at = [0.0]

            def watch() -> None:  # off the GUI thread, as the window would do it
                while not errors and time.monotonic() < deadline:
                    if created[0] == total and count_running_jobs(studio, admin) == 0:
                        finished_at[0] = time.perf_counter()
                        finished.set()
                        return
                    time.sleep(0.02)
                finished.set()

            deadline = time.monotonic() + 600
            watcher = threading.Thread(target=watch)
            watcher.start()
            while not finished.is_set():
                loop = QEventLoop()
                QTimer.singleShot(50, loop.quit)
                loop.exec()
            watcher.join()
            if errors:
                raise errors[0]
            elapsed = (finished_at[0] or time.perf_counter()) - started
            stub_cpu_after, studio_cpu_after = process_cpu_s(remote_pid), time.process_time()
            meter.stop()
            stall_ms = meter.max_stall_ms
            for thread in threads:
                thread.join()
            monitor.stop()
            tasks.wait_for_done(5000)
            rss_after = _rss_mib()
            states: dict[str, int] = {}
            for job in list_jobs(studio, admin):
                states[job.state] = states.get(job.state, 0) + 1
            with remote.client(timeout=10) as client:
                resources = len(client.resources())
        finally:
            studio.close()
            control.stop()
            remote.stop()
    del app
    if states.get("succeeded") != total or resources != total:
        raise RuntimeError(f"not every job succeeded once: {states}, {resources} resources")
    return {
        "jobs_per_s": round(total / elapsed, 1),
        "jobs": total,
        "gui_max_stall_ms": round(stall_ms, 1),
        "rss_growth_mib": round(rss_after - rss_before, 1),
        "studio_cpu_ms_per_job": cpu_ms_per_job(studio_cpu, studio_cpu_after, total),
        "stub_cpu_ms_per_job": cpu_ms_per_job(stub_cpu, stub_cpu_after, total),
    }


def measure(jobs: int) -> dict[str, Any]:
    """Both runs and the ratio."""
    bare = stub_throughput(jobs, CLIENTS)
    studio = end_to_end(jobs)
    return {
        **studio,
        "stub_only_jobs_per_s": bare["stub_jobs_per_s"],
        "stub_only_stub_cpu_ms_per_job": bare["stub_cpu_ms_per_job"],
        "stub_only_client_cpu_ms_per_job": bare["client_cpu_ms_per_job"],
        "ratio": round(studio["jobs_per_s"] / bare["stub_jobs_per_s"], 2),
        "clients": CLIENTS,
    }


def main() -> int:
    """Parse arguments, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000, help="default 1000")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.jobs < CLIENTS:
        parser.error(f"argument --jobs: must be at least {CLIENTS}")
    result = measure(args.jobs)
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"end to end   {result['jobs_per_s']:8.1f} jobs/s  ({result['jobs']} subscriptions, "
        f"{CLIENTS} threads subscribing, job runner with 4 workers)"
    )
    print(f"stub alone   {result['stub_only_jobs_per_s']:8.1f} jobs/s")
    print(f"ratio        {result['ratio']:8.2f}   (target ≥ 0.8)")
    print(f"GUI stall    {result['gui_max_stall_ms']:8.1f} ms beyond the 10 ms tick (target ≤ 50)")
    print(f"RSS growth   {result['rss_growth_mib']:8.1f} MiB (target ≤ 30)")
    print(
        f"CPU per job  studio {result['studio_cpu_ms_per_job']} ms + stub "
        f"{result['stub_cpu_ms_per_job']} ms; stub alone: its clients "
        f"{result['stub_only_client_cpu_ms_per_job']} ms + stub "
        f"{result['stub_only_stub_cpu_ms_per_job']} ms ({os.cpu_count()} CPUs)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
