"""Help > About: what this studio is and where it keeps its data (for support calls)."""

from __future__ import annotations

import platform
import sys

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from studio import APP_NAME, CONTROL_SERVER_BUILD, __version__
from studio.db.urls import mask_url
from ui.widgets.forms import camel


def about_facts(data_dir: str, database_url: str) -> list[tuple[str, str]]:
    """The facts the dialog shows, in order; the URL is masked."""
    return [
        ("Version", __version__),
        ("Control Server build", CONTROL_SERVER_BUILD),
        ("Data folder", data_dir),
        ("Database", mask_url(database_url) if database_url else "not open"),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("Python", f"{platform.python_version()} ({sys.platform})"),
    ]


class AboutDialog(QDialog):
    """Shown with ``open()`` (window-modal, never ``exec()``), so tests can close it."""

    def __init__(self, data_dir: str, database_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        self.facts = about_facts(data_dir, database_url)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>{APP_NAME}</h2>")
        layout.addWidget(heading)
        form = QFormLayout()
        for caption, value in self.facts:
            label = QLabel(value)
            label.setObjectName(f"about{camel(caption.lower().replace(' ', '_'))}")
            label.setAccessibleName(caption)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{caption}:", label)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("&Copy", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("aboutCopy")
        self.copy_button.setAccessibleName("Copy these details")
        buttons.setObjectName("aboutButtons")
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        layout.addWidget(buttons)

    def as_text(self) -> str:
        """The facts as lines of text, for a support ticket."""
        return "\n".join([APP_NAME, *(f"{c}: {v}" for c, v in self.facts)])

    def copy_to_clipboard(self) -> None:
        """Put :meth:`as_text` on the clipboard."""
        QGuiApplication.clipboard().setText(self.as_text())
