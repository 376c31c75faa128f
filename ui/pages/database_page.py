"""``Configure > Database``: which database the studio works on, and its schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFormLayout, QLabel

from studio.domain.actors import Actor
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner
from ui.widgets.controls import button, button_row
from ui.widgets.forms import camel

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.services.database import DatabaseInfo


def _describe(studio: Studio, actor: Actor) -> DatabaseInfo:
    from studio.services.database import describe_database  # on the pool, see main_window

    return describe_database(studio, actor)


def human_size(size: int) -> str:
    """``65536`` → ``64.0 KiB``."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


class DatabasePage(Page):
    """URL (password masked), schema revision, file size and location."""

    def __init__(self, spec: PageSpec, runner: TaskRunner, actor: Actor) -> None:
        super().__init__(spec, runner, actor)
        self.paragraph(
            "The local database holds the studio's configuration, the resellers and the audit "
            "log. By default it is an SQLite file in the data folder; start the studio with "
            "--database-url to use another database (PostgreSQL, Microsoft SQL Server)."
        )
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for key, caption in (
            ("url", "URL"),
            ("backend", "Engine"),
            ("revision", "Schema revision"),
            ("location", "Location"),
            ("size", "File size"),
            ("data_dir", "Data folder"),
        ):
            label = QLabel("…")
            label.setObjectName(f"database{camel(key)}")
            label.setAccessibleName(caption)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{caption}:", label)
            self.values[key] = label
        self.layout_.addLayout(form)
        self.refresh_button = button(
            "&Refresh", "databaseRefresh", self.refresh, accessible="Refresh database information"
        )
        self.open_folder_button = button(
            "&Open Data Folder",
            "databaseOpenFolder",
            self._open_folder,
            accessible="Open the data folder",
        )
        self.layout_.addLayout(button_row(self.refresh_button, self.open_folder_button))
        self.error = self.paragraph("", "databaseError")
        self.error.setProperty("role", "error")
        self.error.setVisible(False)
        self.layout_.addStretch(1)
        self.refresh_button.setEnabled(False)
        self.open_folder_button.setEnabled(False)

    def refresh(self) -> None:
        """Read the database's details off the GUI thread."""
        studio = self.studio
        if studio is None:
            self.reopenRequested.emit()  # the open failed: Refresh tries again
            return
        self.refresh_button.setEnabled(False)
        self.runner.submit(lambda: _describe(studio, self.actor), self._show, self._fail)

    def _show(self, info: DatabaseInfo) -> None:
        assert self.studio is not None
        state = "up to date" if info.at_head else f"migration pending (this studio: {info.head})"
        self.values["url"].setText(info.url)
        self.values["backend"].setText(info.backend)
        self.values["revision"].setText(f"{info.revision or 'none'} — {state}")
        self.values["location"].setText(str(info.file) if info.file else "server database")
        self.values["size"].setText(
            human_size(info.file_size) if info.file_size is not None else "not applicable"
        )
        self.values["data_dir"].setText(str(self.studio.data_dir))
        self.error.setVisible(False)
        self.refresh_button.setEnabled(True)
        self.open_folder_button.setEnabled(True)

    def _fail(self, error: BaseException) -> None:
        self.set_database_error(str(error))
        self.refresh_button.setEnabled(self.studio is not None)

    def set_database_error(self, message: str) -> None:
        """Show why the database is not available; the values stay empty."""
        self.error.setText(f"The database could not be opened: {message}")
        self.error.setVisible(True)
        self.refresh_button.setEnabled(True)
        for label in self.values.values():
            if label.text() == "…":
                label.setText("—")

    def _open_folder(self) -> None:
        if self.studio is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.studio.data_dir)))
