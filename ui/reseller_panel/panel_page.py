"""What a reseller panel page adds to :class:`ui.pages.base.Page`: the studio from the
start, its title as a class attribute, the state line last under the page, and
``changed`` to tell the other panel pages to reload."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog

from studio.context import Studio
from studio.domain.actors import Actor
from ui.pages.base import Page
from ui.tasks import TaskRunner

DialogT = TypeVar("DialogT", bound=QDialog)


class PanelPage(Page):
    """A page of the reseller panel. ``changed`` tells the other pages to reload (a
    sale changes the usage bars, a plan the sale dialog's choices)."""

    changed = Signal()
    TITLE = ""
    #: The panel opens with the studio: never None here.
    studio: Studio

    def __init__(self, runner: TaskRunner, studio: Studio, actor: Actor, name: str) -> None:
        super().__init__(None, runner, actor, title=self.TITLE, name=name, studio=studio)

    def finish_layout(self) -> None:
        """Put the state line last (pages call it once their widgets are in)."""
        self.state_line(f"{self.objectName()}State", plain=True)

    def reload_everywhere(self) -> None:
        """Something this page did changed the panel: load again, and tell the others."""
        self.refresh()
        self.changed.emit()

    def open_dialog(self, dialog: DialogT, accepted: Callable[[], object] | None = None) -> DialogT:
        """Open ``dialog`` window-modal (returned for tests); once it is accepted,
        ``accepted`` runs, by default :meth:`reload_everywhere`."""
        dialog.accepted.connect(accepted or self.reload_everywhere)
        dialog.open()
        return dialog
