"""Cold start of the studio to its first painted main window, against a bare QMainWindow.

Each run is a new Python process (interpreter start, imports, window, first paint); the
parent measures from spawning the process to the child's report that its window
painted. Bare and studio runs alternate, after one warm-up of each, and the medians
are compared. RSS is read in the studio child once the database is open (``studioOpened``)
and the event loop has idled for a moment; in the bare child, the same idle time after
its first paint.

    uv run python benchmarks/startup.py [--runs 7] [--json]

``--json`` prints one object: ``studio_s``, ``bare_qt_s``, ``ratio``, ``rss_mib``,
``bare_rss_mib``, ``rss_no_provisioning_mib``, ``runs``, ``platform``, ``python``, ``qt``.

``rss_mib`` is the studio as shipped: after the database opens it also starts the
embedded Provisioning Service stubs (child processes, not counted) and checks them, which
loads the keyring and the HTTP client. ``rss_no_provisioning_mib`` is the same window
without that, so the two costs can be told apart.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IDLE_MS = 800


def _rss_mib() -> float:
    """Resident set size of this process now (Linux /proc), else the peak (getrusage)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    try:
        import resource
    except ImportError:  # Windows: no resource module; report 0 rather than guess
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def probe(kind: str, data_dir: str) -> int:
    """Child process: build the window, report first paint, then idle RSS."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    studio_window = None
    if kind in ("studio", "studio-no-provisioning"):
        from ui.app import build_main_window

        studio_window = build_main_window(data_dir, embedded_provisioning=kind == "studio")
        window: QMainWindow = studio_window
        app = QApplication.instance()
    else:
        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.setWindowTitle("bare")
        window.resize(1000, 640)
    assert app is not None

    class FirstPaint(QObject):
        done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if not self.done and event.type() == QEvent.Type.Paint:
                self.done = True
                print("painted", flush=True)
                if studio_window is None:
                    QTimer.singleShot(IDLE_MS, report_rss)
            return False

    def report_rss() -> None:
        print(f"rss {_rss_mib():.1f}", flush=True)
        window.close()
        app.quit()

    if studio_window is not None and kind == "studio":
        studio_window.monitor.reportReady.connect(lambda _r: QTimer.singleShot(IDLE_MS, report_rss))
    elif studio_window is not None:
        studio_window.studioOpened.connect(lambda _s: QTimer.singleShot(IDLE_MS, report_rss))
        studio_window.studioFailed.connect(lambda message: sys.exit(f"database: {message}"))
    watcher = FirstPaint()
    window.installEventFilter(watcher)
    window.show()
    app.exec()
    return 0


def _one_run(kind: str, data_dir: str) -> tuple[float, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MACHPANEL_STUDIO_HOME": data_dir}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--probe", kind, "--data-dir", data_dir],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert child.stdout is not None
    first = child.stdout.readline()
    elapsed = time.perf_counter() - started
    rss_line = child.stdout.readline()
    child.wait(timeout=60)
    child.stdout.close()
    if first.strip() != "painted" or not rss_line.startswith("rss "):
        raise RuntimeError(f"{kind} probe did not report (got {first!r}, {rss_line!r})")
    return elapsed, float(rss_line.split()[1])


def measure(runs: int) -> dict[str, object]:
    """Alternate bare and studio runs; return medians and their ratio."""
    from PySide6.QtCore import qVersion

    with tempfile.TemporaryDirectory(prefix="mp-bench-") as data_dir:
        for kind in ("bare", "studio"):  # warm-up: OS file cache, first database creation
            _one_run(kind, data_dir)
        kinds = ("bare", "studio", "studio-no-provisioning")
        times: dict[str, list[float]] = {kind: [] for kind in kinds}
        rss: dict[str, list[float]] = {kind: [] for kind in kinds}
        for _ in range(runs):
            for kind in kinds:
                elapsed, mib = _one_run(kind, data_dir)
                times[kind].append(elapsed)
                rss[kind].append(mib)
    studio_s = statistics.median(times["studio"])
    bare_s = statistics.median(times["bare"])
    return {
        "studio_s": round(studio_s, 4),
        "bare_qt_s": round(bare_s, 4),
        "ratio": round(studio_s / bare_s, 3),
        "rss_mib": round(statistics.median(rss["studio"]), 1),
        "bare_rss_mib": round(statistics.median(rss["bare"]), 1),
        "rss_no_provisioning_mib": round(statistics.median(rss["studio-no-provisioning"]), 1),
        "runs": runs,
        "platform": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "qt": qVersion(),
    }


def main() -> int:
    """Parse arguments; run as parent (measure) or as child (probe)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs of each (default 7)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--probe", choices=("bare", "studio", "studio-no-provisioning"), help=argparse.SUPPRESS
    )
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        return probe(args.probe, args.data_dir)
    if args.runs < 1:
        parser.error("argument --runs: must be at least 1")
    result = measure(args.runs)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"bare QMainWindow  {result['bare_qt_s']:.3f} s   {result['bare_rss_mib']} MiB")
        print(f"studio            {result['studio_s']:.3f} s   {result['rss_mib']} MiB (idle)")
        print(
            f"  without the embedded Provisioning Service: "
            f"{result['rss_no_provisioning_mib']} MiB (idle)"
        )
        print(f"ratio             {result['ratio']:.2f}  (median of {args.runs} runs each)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
