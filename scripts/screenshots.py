"""Render the main window's pages to PNG offscreen, for docs/screenshots and the README.

Usage: ``uv run python scripts/screenshots.py [OUTPUT_DIR]``. It uses a throw-away data
folder seeded with the demo, so the pictures show what a new demo install shows.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from studio.actors import Actor
from studio.context import open_studio
from studio.demo import seed_demo
from ui.app import build_main_window
from ui.main_window import MainWindow

PAGES = {
    "main-window": "website",
    "database": "database",
    "provisioning-service": "provisioning",
    "remote-servers": "remote-servers",
    "prerequisites-check": "prerequisites",
    "reseller-settings": "reseller-settings",
    "audit-log": "audit-log",
    "control-panel-home": "home",
}


def _settle(window: MainWindow, ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    while window.runner.pending:
        QApplication.processEvents()


def main() -> int:
    """Write one PNG per page into the output folder."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data_dir:
        studio = open_studio(data_dir)
        seed_demo(studio, Actor.local_administrator())
        studio.close()
        window = build_main_window(data_dir)
        window.resize(1100, 680)
        ready = QEventLoop()
        window.monitor.reportReady.connect(lambda _report: ready.quit())
        QTimer.singleShot(30_000, ready.quit)
        window.show()
        ready.exec()
        _settle(window)
        for name, key in PAGES.items():
            window.show_page(key)
            _settle(window, 200)
            window.grab().save(str(out / f"{name}.png"))
            print(out / f"{name}.png")
        about = window.show_about()
        _settle(window, 200)
        about.grab().save(str(out / "about.png"))
        print(out / "about.png")
        about.close()
        window.close()
        window.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
