"""The window's job runner, and what it tells the GUI.

Wraps :class:`studio.provisioning.runner.JobRunner` (plain threads): its listener runs
on a runner thread and only collects job ids; one queued signal per burst brings them
to the GUI thread as one ``jobsChanged`` (a thousand jobs finishing in one tick must
not become a thousand events for the window to digest).
The count of unfinished jobs for the status bar is read off the GUI thread after each
change. Starting the runner picks up the jobs a killed studio left unfinished.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from studio.domain.actors import Actor
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.provisioning.runner import JobRunner


def _count(studio: Studio, actor: Actor) -> int:
    from studio.services.jobs import count_running_jobs  # start-up

    return count_running_jobs(studio, actor)


def _start(studio: Studio, actor: Actor, listener: object) -> JobRunner:
    from studio.provisioning.runner import JobRunner  # start-up

    return JobRunner(studio, actor, listener=listener).start()  # type: ignore[arg-type]


class JobMonitor(QObject):
    """``jobsChanged(ids)`` after changes; ``runningCount(n)`` after a recount."""

    jobsChanged = Signal(object)
    runningCount = Signal(int)
    _flushRequested = Signal()

    def __init__(self, runner: TaskRunner, actor: Actor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = runner
        self.actor = actor
        self.studio: Studio | None = None
        self.job_runner: JobRunner | None = None
        self._created: JobRunner | None = None
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(150)  # many changes at once: one recount
        self._recount.timeout.connect(self.recount)
        self._changed: set[int] = set()
        self._changed_lock = threading.Lock()
        self._flushRequested.connect(self._flush)

    def start(self, studio: Studio) -> None:
        """Start the runner (off the GUI thread: it reads the database first)."""
        self.studio = studio
        self.tasks.submit(lambda: self._create(studio), self._started)

    def _create(self, studio: Studio) -> JobRunner:
        """On the pool: the runner is kept at once, so ``stop`` finds it even if the
        window closes before this result reaches the GUI thread."""
        self._created = _start(studio, self.actor, self._on_runner_change)
        return self._created

    def _on_runner_change(self, job_id: int) -> None:
        """On a runner thread: remember the id; ask the GUI thread once per burst."""
        with self._changed_lock:
            first = not self._changed
            self._changed.add(job_id)
        if first:
            self._flushRequested.emit()

    def _flush(self) -> None:
        with self._changed_lock:
            changed, self._changed = frozenset(self._changed), set()
        if changed:
            self.jobsChanged.emit(changed)
            self._recount.start()

    def _started(self, job_runner: JobRunner) -> None:
        if self.studio is None:  # stopped meanwhile
            job_runner.stop()
            return
        self.job_runner = job_runner
        self.recount()

    def wake(self) -> None:
        """A job was added or changed by this window: look at it now."""
        if self.job_runner is not None:
            self.job_runner.wake()
        self._recount.start()

    def recount(self) -> None:
        """Count unfinished jobs off the GUI thread."""
        studio = self.studio
        if studio is not None:
            self.tasks.submit(lambda: _count(studio, self.actor), self._counted, lambda _e: None)

    def _counted(self, count: int) -> None:
        self.runningCount.emit(count)

    def stop(self) -> None:
        """Let the steps under way finish; unfinished jobs stay for the next start."""
        self.studio = None
        for job_runner in {id(r): r for r in (self.job_runner, self._created) if r}.values():
            job_runner.stop()
        self.job_runner = self._created = None
