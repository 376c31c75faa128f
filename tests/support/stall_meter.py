"""How long the GUI thread stops answering: a 10 ms Qt timer, and the gaps between ticks.

Used by the GUI test of a hanging server and by the benchmarks that report
``gui_max_stall_ms``: one way of measuring, so their figures compare.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QTimer


class StallMeter:
    """Start it, let the work run (with the event loop turning), stop it, read it."""

    def __init__(self, interval_ms: int = 10) -> None:
        self.interval_ms = interval_ms
        self.gaps_ms: list[int] = []
        self._clock = QElapsedTimer()
        self._last = 0
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = self._clock.elapsed()
        self.gaps_ms.append(now - self._last)
        self._last = now

    def start(self) -> StallMeter:
        """Begin ticking."""
        self._clock.start()
        self._last = self._clock.elapsed()
        self._timer.start()
        return self

    def stop(self) -> None:
        """Stop ticking."""
        self._timer.stop()

    @property
    def ticks(self) -> int:
        """How many ticks arrived."""
        return len(self.gaps_ms)

    @property
    def max_stall_ms(self) -> float:
        """The longest gap beyond the interval (-1 when no tick arrived)."""
        return float(max(self.gaps_ms) - self.interval_ms) if self.gaps_ms else -1.0
