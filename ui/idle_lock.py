"""Notice when nobody has touched the studio for a while.

An application-wide event filter restarts a single-shot timer on every key press, mouse
press, wheel turn or mouse move; when the timer runs out, ``idle`` is emitted and the
window locks (it asks the signed-in provider's password again, keeping open work). The
filter is a Python call for every event of the application, so it is installed only
while someone is signed in (installed for good, it slowed the first paint measurably).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatcher(QObject):
    """``idle()`` after ``timeout_ms`` without user input (while started)."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._on_timeout)
        self._installed = False

    def start(self, timeout_ms: int) -> None:
        """Watch from now on; ``timeout_ms`` without input emits ``idle``."""
        app = QApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self.timer.setInterval(timeout_ms)
        self.timer.start()

    def stop(self) -> None:
        """Stop watching (signed out, or locked already) and remove the filter."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def _on_timeout(self) -> None:
        self.stop()
        self.idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Any user input restarts the countdown; nothing is filtered out."""
        if self.timer.isActive() and event.type() in _INPUT_EVENTS:
            self.timer.start()
        return False
