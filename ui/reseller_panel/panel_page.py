"""What every reseller panel page shares: the studio, the panel's actor, off-thread
work, and one state line under the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from studio.context import Studio
from studio.domain.actors import Actor
from ui.pages.base import page_title
from ui.tasks import TaskRunner
from ui.widgets.forms import failure_sentence


class PanelPage(QWidget):
    """A page of the reseller panel. ``changed`` tells the other pages to reload (a
    sale changes the usage bars, a plan the sale dialog's choices)."""

    changed = Signal()
    TITLE = ""

    def __init__(self, runner: TaskRunner, studio: Studio, actor: Actor, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.runner = runner
        self.studio = studio
        self.actor = actor
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(18, 12, 18, 12)
        heading = page_title(self.TITLE)
        self.layout_.addWidget(heading)
        self.state = QLabel()
        self.state.setObjectName(f"{name}State")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setWordWrap(True)

    def finish_layout(self) -> None:
        """Put the state line last (pages call it once their widgets are in)."""
        self.layout_.addWidget(self.state)

    def run(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], object],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """``work()`` off the GUI thread, then ``done(result)``; a failure is shown on
        the state line unless ``failed`` takes it."""
        self.runner.submit(work, done, failed or self.show_failure)

    def show_failure(self, error: BaseException) -> None:
        """The failure's sentence on the state line."""
        self.state.setText(failure_sentence(error))

    def refresh(self) -> None:
        """Load the page's data again (off the GUI thread)."""
