"""Run studio work off the GUI thread and hand the outcome back on it.

The GUI thread never waits on I/O: pages submit a callable (a service call, a port
check) with a success and a failure callback; the callable runs on the runner's own
``QThreadPool`` and the callbacks run later on the GUI thread, through queued signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from studio.errors import StudioError

log = logging.getLogger(__name__)

SuccessCallback = Callable[[Any], object]  # its return value is ignored
FailureCallback = Callable[[BaseException], None]


class _Relay(QObject):
    """Lives on the GUI thread; its signals cross from the worker by queued connection."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        runner: TaskRunner,
        on_success: SuccessCallback,
        on_failure: FailureCallback | None,
    ) -> None:
        # A child of the runner: when the window (and so the runner) is deleted, Qt deletes
        # the relay and drops its queued result, which would otherwise reach deleted pages.
        super().__init__(runner)
        self._runner = runner
        self._on_success = on_success
        self._on_failure = on_failure
        self.succeeded.connect(self._deliver_success)
        self.failed.connect(self._deliver_failure)

    @Slot(object)
    def _deliver_success(self, result: object) -> None:
        try:
            self._on_success(result)
        finally:
            self._runner._finished(self)

    @Slot(object)
    def _deliver_failure(self, error: object) -> None:
        try:
            assert isinstance(error, BaseException)
            if self._on_failure is not None:
                self._on_failure(error)
            elif isinstance(error, StudioError):  # others were logged on the worker
                log.error("background task failed: %s", error)
        finally:
            self._runner._finished(self)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # delivered to the page, which shows it
            if not isinstance(exc, StudioError):  # a bug: keep its traceback in the log
                log.error("background task failed", exc_info=exc)
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


class TaskRunner(QObject):
    """A small pool for studio work; ``pending`` tells tests and the window when idle."""

    pendingChanged = Signal(int)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relays: set[_Relay] = set()

    @property
    def pending(self) -> int:
        """Tasks submitted whose callbacks have not run yet."""
        return len(self._relays)

    def submit(
        self,
        work: Callable[[], Any],
        on_success: SuccessCallback,
        on_failure: FailureCallback | None = None,
    ) -> None:
        """Run ``work()`` on the pool; call one of the callbacks on the GUI thread after."""
        relay = _Relay(self, on_success, on_failure)
        self._relays.add(relay)
        self.pendingChanged.emit(self.pending)
        self._pool.start(_Job(work, relay))

    def _finished(self, relay: _Relay) -> None:
        self._relays.discard(relay)
        relay.deleteLater()
        self.pendingChanged.emit(self.pending)

    def wait_for_done(self, msecs: int = 5000) -> bool:
        """Block until running work ends (used only when the window closes)."""
        return bool(self._pool.waitForDone(msecs))
