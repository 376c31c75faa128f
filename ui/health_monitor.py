"""Runs the prerequisites check periodically and on demand, off the GUI thread.

One check at a time: a request while one runs is remembered and served right after, so
a hanging server (two seconds at most) never piles up checks. Pages and the status bar
listen to ``reportReady``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from studio.domain.actors import Actor
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.provisioning.health import PrerequisitesReport

CHECK_INTERVAL_MS = 30_000


def _check(studio: Studio, actor: Actor) -> PrerequisitesReport:
    from studio.services.server_checks import check_prerequisites  # on the pool

    return check_prerequisites(studio, actor)


class HealthMonitor(QObject):
    """Owns the latest :class:`PrerequisitesReport` and when the next check runs."""

    reportReady = Signal(object)
    checkStarted = Signal()
    checkFailed = Signal(str)

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.actor = actor
        self.studio: Studio | None = None
        self.report: PrerequisitesReport | None = None
        self.running = False
        self._again = False
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.check_now)

    def start(self, studio: Studio) -> None:
        """Begin checking ``studio``'s servers now and every 30 seconds."""
        self.studio = studio
        self.timer.start()
        self.check_now()

    def stop(self) -> None:
        """No further checks (the window is closing)."""
        self.timer.stop()
        self.studio = None

    def check_now(self) -> None:
        """Check now, or right after the check under way."""
        studio = self.studio
        if studio is None:
            return
        if self.running:
            self._again = True
            return
        self.running = True
        self.checkStarted.emit()
        self.runner.submit(lambda: _check(studio, self.actor), self._done, self._failed)

    def _done(self, report: PrerequisitesReport) -> None:
        self.running = False
        self.report = report
        self.reportReady.emit(report)
        self._follow_up()

    def _failed(self, error: BaseException) -> None:
        self.running = False
        self.checkFailed.emit(str(error))
        self._follow_up()

    def _follow_up(self) -> None:
        if self._again:
            self._again = False
            self.check_now()
