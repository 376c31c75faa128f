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
    "access-control": "access-control",
    "control-panel-home": "home",
}


def _settle(window: MainWindow, ms: int = 300) -> None:
    """Let the window work for ``ms``, then until its background tasks have finished.

    A real event loop with a timer, never a busy ``processEvents()`` loop: spinning that
    for the ~130 ms of an argon2 hash crashed CPython 3.11 ("deallocating None").
    """
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    for _ in range(500):
        if not window.runner.pending:
            return
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def _create_first_admin(window: MainWindow) -> None:
    """Fill the first-run form as a person would (a random password: there is no default)."""
    import secrets

    from PySide6.QtWidgets import QLineEdit, QPushButton

    password = secrets.token_urlsafe(18)
    for name, text in (
        ("firstRunUsername", "ops.admin"),
        ("firstRunFullName", "Olga Admin"),
        ("firstRunEmail", "olga@hosting.example"),
        ("firstRunPassword", password),
        ("firstRunPasswordConfirmation", password),
    ):
        edit = window.findChild(QLineEdit, name)
        assert edit is not None, name
        edit.setText(text)
    button = window.findChild(QPushButton, "firstRunCreate")
    assert button is not None
    button.click()
    while window.provider is None:
        _settle(window, 50)


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
        window.show_page("home")
        _settle(window, 300)
        window.grab().save(str(out / "first-run.png"))
        print(out / "first-run.png")
        _create_first_admin(window)
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
