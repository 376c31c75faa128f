"""Entry points of the GUI: the QApplication, the main window, the event loop.

:func:`build_main_window` is the documented way for tests and automation to get a main
window for a given data folder (see ``docs/ui-automation.md``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from studio import APP_NAME, __version__
from studio.domain.actors import Actor
from studio.paths import resolve_data_dir, settings_path
from ui.display import display_problem
from ui.main_window import MainWindow
from ui.resources import icon, style_sheet


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists), named and styled."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("MachSol")
    app.setWindowIcon(icon("studio"))
    app.setStyleSheet(style_sheet())
    return app


def window_settings(data_dir: Path) -> QSettings:
    """GUI state (geometry, last page) in ``settings.ini`` inside the data folder.

    Kept in the data folder rather than the registry so that ``MACHPANEL_STUDIO_HOME``
    moves it too and tests never touch a real user's settings.
    """
    return QSettings(str(settings_path(data_dir)), QSettings.Format.IniFormat)


def build_main_window(
    data_dir: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    actor: Actor | None = None,
    embedded_provisioning: bool = True,
) -> MainWindow:
    """A main window for ``data_dir`` (resolved like ``--data-dir``), not yet shown.

    The database opens when the window is first shown, or when ``open_database()`` is
    called; ``studioOpened`` / ``studioFailed`` tell when it is done. Then, in embedded
    mode, the studio's own Provisioning Service stubs start (``embedded_provisioning=False``
    skips that, for tests that do not need them) and ``monitor.reportReady`` brings the
    first prerequisites check. ``shutdown()`` stops everything, whatever became of a close.
    """
    create_application()
    folder = resolve_data_dir(data_dir)
    return MainWindow(folder, database_url, window_settings(folder), actor, embedded_provisioning)


def run_gui(data_dir: str | None = None, database_url: str | None = None) -> int:
    """Open the studio window and run the event loop; returns the exit code.

    On a Linux machine without a display (or without Qt's X11 libraries) it says so and
    returns 1 instead of letting Qt abort the process.
    """
    problem = display_problem()
    if problem:
        print(f"machpanel-studio: {problem}", file=sys.stderr)
        return 1
    app = create_application()
    window = build_main_window(data_dir, database_url)
    window.show()
    return int(app.exec())
