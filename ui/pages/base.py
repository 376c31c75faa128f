"""What every page of the main window shares: a title, the studio once open, status text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from studio.domain.actors import Actor
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from studio.context import Studio
    from ui.job_monitor import JobMonitor


def page_title(text: str) -> QLabel:
    """A page's title: larger and bold, coloured by the style sheet (``#pageTitle``)."""
    title = QLabel(text)
    title.setObjectName("pageTitle")
    font = QFont(title.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    title.setFont(font)
    return title


class Page(QWidget):
    """Base of the stacked pages.

    The window opens the database off the GUI thread; until it is open, ``studio`` is
    ``None`` and pages that need it say so. ``statusMessage`` goes to the status bar.
    """

    #: A transient message for the status bar.
    statusMessage = Signal(str)
    #: Show the page of this key.
    navigateRequested = Signal(str)
    #: Whether File > Save applies may have changed (see :meth:`can_save`).
    saveStateChanged = Signal()
    #: The database could not be opened: try again (a page's Refresh).
    reopenRequested = Signal()
    #: What File > Save asked for is written.
    saved = Signal()
    #: What File > Save asked for was refused: why.
    saveFailed = Signal(str)

    def __init__(self, spec: PageSpec, runner: TaskRunner, actor: Actor) -> None:
        super().__init__()
        self.spec = spec
        self.runner = runner
        self.actor = actor
        self.studio: Studio | None = None
        self.setObjectName(f"page-{spec.key}")
        self.setAccessibleName(spec.title)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(18, 12, 18, 12)
        self.title_label = page_title(spec.title)
        self.layout_.addWidget(self.title_label)

    def set_studio(self, studio: Studio) -> None:
        """Called once the database is open; pages load their data here."""
        self.studio = studio
        self.refresh()

    def set_job_monitor(self, monitor: JobMonitor) -> None:
        """Pages that show provisioning jobs listen to the window's job runner here."""

    def set_database_error(self, message: str) -> None:
        """Called when the database could not be opened; pages that need it say so."""

    def refresh(self) -> None:
        """Reload what the page shows (File > Refresh, F5)."""

    def can_save(self) -> bool:
        """Whether File > Save applies to this page now."""
        return False

    def save(self) -> None:
        """File > Save (Ctrl+S) on this page; emits ``saved`` when it has been written."""

    def has_unsaved_changes(self) -> bool:
        """Whether closing the window now would lose typed input."""
        return False

    def paragraph(self, text: str, name: str = "") -> QLabel:
        """A wrapped text label added to the page."""
        label = QLabel(text)
        label.setWordWrap(True)
        if name:
            label.setObjectName(name)
        self.layout_.addWidget(label)
        return label
