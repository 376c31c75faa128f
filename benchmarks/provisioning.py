"""Provisioning speed: the stub's throughput, the health check, and the GUI while it waits.

    uv run python benchmarks/provisioning.py [--jobs 1000] [--json]

- ``stub_jobs_per_s``: 1,000 provision jobs submitted by 4 concurrent clients to one stub
  process (no injected latency, 50 ms jobs, journal on disk), counted until every job has
  succeeded; ``stub_submit_per_s`` counts the submissions alone.
- ``health_check_ms``: median of 20 prerequisites checks of 3 healthy servers (the
  embedded Control Server and two Remote Servers).
- ``gui_max_stall_ms``: the real main window, offscreen, with a 10 ms timer; one of its 3
  servers is made to hang and a check is run: the longest gap between two timer ticks
  while the check waits for the hanging server (it gives up after 2 s).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def process_cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) another process has used so far (Linux /proc);
    ``None`` elsewhere, where the figures that need it are left out."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_ms_per_job(before: float | None, after: float | None, jobs: int) -> float | None:
    """CPU milliseconds per job between two readings, when both exist."""
    if before is None or after is None:
        return None
    return round((after - before) * 1000 / jobs, 2)


def stub_throughput(jobs: int, clients: int) -> dict[str, float | None]:
    """Submit ``jobs`` from ``clients`` threads; time submissions and completion."""
    from tests.support.stub_process import stub

    parameters = {"name": "bench", "zones": 1}
    with tempfile.TemporaryDirectory(prefix="mp-bench-stub-") as folder:
        process = stub(
            name="BENCH01", services=("dns",), job_seconds=0.05, state=Path(folder) / "j.jsonl"
        )
        try:
            per_client = jobs // clients
            errors: list[BaseException] = []

            def submit(worker: int) -> None:
                try:
                    with process.client(timeout=10) as client:
                        for n in range(per_client):
                            client.submit_job(
                                f"bench-{worker}-{n:06d}",
                                "provision",
                                "dns",
                                {**parameters, "name": f"zone-{worker}-{n}"},
                            )
                except BaseException as exc:  # reported below
                    errors.append(exc)

            pid = process.process.pid if process.process else 0
            stub_cpu, client_cpu = process_cpu_s(pid), time.process_time()
            started = time.perf_counter()
            threads = [threading.Thread(target=submit, args=(w,)) for w in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            submitted = time.perf_counter() - started
            if errors:
                raise errors[0]
            with process.client(timeout=10) as client:
                while len(client.resources()) < per_client * clients:
                    time.sleep(0.02)
            done = time.perf_counter() - started
            stub_cpu_after, client_cpu_after = process_cpu_s(pid), time.process_time()
        finally:
            process.stop()
    total = per_client * clients
    return {
        "stub_jobs_per_s": round(total / done, 1),
        "stub_submit_per_s": round(total / submitted, 1),
        # Where the time goes: the stub's process, and the clients' (this process).
        "stub_cpu_ms_per_job": cpu_ms_per_job(stub_cpu, stub_cpu_after, total),
        "client_cpu_ms_per_job": cpu_ms_per_job(client_cpu, client_cpu_after, total),
        "jobs": total,
        "clients": clients,
    }


def health_and_stall() -> dict[str, float]:
    """Health-check latency, then the GUI's longest stall during a check with a hang."""
    from PySide6.QtCore import QEventLoop, QTimer

    from studio.provisioning.client import ProvisioningClient
    from studio.services.server_checks import check_prerequisites
    from tests.support.stall_meter import StallMeter
    from ui.app import build_main_window

    with tempfile.TemporaryDirectory(prefix="mp-bench-gui-") as data_dir:
        window = build_main_window(data_dir)
        loop = QEventLoop()
        window.monitor.reportReady.connect(lambda _r: loop.quit())
        QTimer.singleShot(30_000, loop.quit)
        window.show()
        loop.exec()
        studio = window.studio
        if studio is None or studio.embedded is None or window.monitor.report is None:
            raise RuntimeError("the studio did not start its embedded Provisioning Service")
        actor = window.actor
        samples = []
        for _ in range(20):
            started = time.perf_counter()
            report = check_prerequisites(studio, actor)
            samples.append((time.perf_counter() - started) * 1000)
            if not report.passed:
                raise RuntimeError(f"healthy servers failed: {report.failures()}")

        web = studio.embedded.running["WEB01"]
        with ProvisioningClient(web.url, web.token) as client:
            client.set_faults(mode="hang")
        meter = StallMeter().start()
        done = QEventLoop()
        window.monitor.reportReady.connect(lambda _r: done.quit())
        check_started = time.perf_counter()
        window.monitor.check_now()
        done.exec()
        hang_check_s = time.perf_counter() - check_started
        meter.stop()
        with ProvisioningClient(web.url, web.token) as client:
            client.set_faults(mode="normal")
        window.close()
        window.shutdown()
    return {
        "health_check_ms": round(statistics.median(samples), 1),
        "health_servers": 3,
        "gui_max_stall_ms": round(meter.max_stall_ms, 1),
        "gui_ticks": meter.ticks,
        "hang_check_s": round(hang_check_s, 2),
    }


def main() -> int:
    """Run both parts and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = {**stub_throughput(args.jobs, args.clients), **health_and_stall()}
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"stub: {result['jobs']} jobs from {result['clients']} clients: "
            f"{result['stub_jobs_per_s']} jobs/s to completion, "
            f"{result['stub_submit_per_s']} submissions/s"
        )
        print(
            f"health check of {result['health_servers']} servers: "
            f"{result['health_check_ms']} ms (median of 20)"
        )
        print(
            f"GUI longest stall while a hanging server was checked: "
            f"{result['gui_max_stall_ms']} ms beyond the 10 ms tick "
            f"({result['gui_ticks']} ticks in {result['hang_check_s']} s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
