"""The one base of every page, in the main window and in the reseller panel alike: a
title, paragraphs, a state line, the studio once open, and work run off the GUI thread
with its failure shown.

A page of the main window is described by its :class:`~ui.pages.spec.PageSpec` and
learns of the studio when the database opens; a page of the reseller panel has the
studio from the start and passes its own title and name
(:class:`ui.reseller_panel.panel_page.PanelPage`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from studio.domain.actors import Actor
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner
from ui.widgets.forms import failure_sentence

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
    """Base of every page.

    Until the database is open, ``studio`` is ``None`` and pages that need it say so.
    ``statusMessage`` goes to the window's status bar; the save signals serve the main
    window's File > Save and its question about unsaved input on close.
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

    #: The node of the main window's navigation this page shows (main-window pages only:
    #: a page of another window has no spec).
    spec: PageSpec
    #: The page's state line, made by :meth:`state_line` (pages without one never
    #: call :meth:`run` without their own failure callback).
    state: QLabel

    def __init__(
        self,
        spec: PageSpec | None,
        runner: TaskRunner,
        actor: Actor,
        *,
        title: str = "",
        name: str = "",
        studio: Studio | None = None,
    ) -> None:
        """A main-window page passes its ``spec`` (named ``page-<key>``, its title
        also its accessible name); a page of another window passes ``None`` with its
        ``title``, its objectName ``name`` and the ``studio`` it works on."""
        super().__init__()
        self.title = spec.title if spec is not None else title
        self.runner = runner
        self.actor = actor
        self.studio = studio
        if spec is not None:
            self.spec = spec
            self.setObjectName(f"page-{spec.key}")
            self.setAccessibleName(spec.title)
        else:
            self.setObjectName(name)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(18, 12, 18, 12)
        self.title_label = page_title(self.title)
        self.layout_.addWidget(self.title_label)

    # -- what a window asks of its pages ------------------------------------------------

    def set_studio(self, studio: Studio) -> None:
        """Called once the database is open; pages load their data here."""
        self.studio = studio
        self.refresh()

    def set_job_monitor(self, monitor: JobMonitor) -> None:
        """Pages that show provisioning jobs listen to the window's job runner here."""

    def set_database_error(self, message: str) -> None:
        """Called when the database could not be opened; pages that need it say so."""

    def refresh(self) -> None:
        """Reload what the page shows (File > Refresh, F5), off the GUI thread."""

    def can_save(self) -> bool:
        """Whether File > Save applies to this page now."""
        return False

    def save(self) -> None:
        """File > Save (Ctrl+S) on this page; emits ``saved`` when it has been written."""

    def has_unsaved_changes(self) -> bool:
        """Whether closing the window now would lose typed input."""
        return False

    # -- building the page --------------------------------------------------------------

    def paragraph(self, text: str, name: str = "") -> QLabel:
        """A wrapped text label added to the page."""
        label = QLabel(text)
        label.setWordWrap(True)
        if name:
            label.setObjectName(name)
        self.layout_.addWidget(label)
        return label

    def state_line(self, name: str, text: str = "", *, plain: bool = False) -> QLabel:
        """The page's state line (``state``), added here: what was loaded or saved, or
        why not. ``plain`` shows text as typed, never as rich text."""
        self.state = self.paragraph(text, name)
        if plain:
            self.state.setTextFormat(Qt.TextFormat.PlainText)
        return self.state

    # -- work off the GUI thread --------------------------------------------------------

    def run(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], object],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """``work()`` off the GUI thread, then ``done(result)``; a failure is shown on
        the state line unless ``failed`` takes it."""
        self.runner.submit(work, done, failed or self.show_failure)

    def run_on_studio(
        self,
        work: Callable[[Studio], Any],
        done: Callable[[Any], object],
        failed: Callable[[BaseException], None] | None = None,
        *,
        busy: str = "",
    ) -> bool:
        """:meth:`run` ``work(studio)`` once the database is open, saying ``busy`` on the
        state line meanwhile; False, and nothing run, while it is not open."""
        studio = self.studio
        if studio is None:
            return False
        if busy:
            self.state.setText(busy)
        self.run(lambda: work(studio), done, failed)
        return True

    def show_failure(self, error: BaseException) -> None:
        """The failure's sentence on the state line."""
        self.state.setText(failure_sentence(error))
