"""The company logo: a preview, Choose… and Clear. PNG, JPEG or SVG up to 1 MiB.

The file is read off the GUI thread; the studio's rules (by content, not by name)
decide whether it is accepted, and the refusal shows beside the field.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from studio.domain.contact import LOGO_MAX_BYTES
from ui.tasks import TaskRunner


def _read(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(LOGO_MAX_BYTES + 1)  # one byte more tells "too large"


class LogoPicker(QWidget):
    """Holds the logo's bytes (``None``: no logo); ``changed`` when they change."""

    changed = Signal()

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__()
        self.runner = runner
        self.data: bytes | None = None
        self.problem = ""
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.preview = QLabel("No logo")
        self.preview.setObjectName("companyLogoPreview")
        self.preview.setFixedSize(120, 48)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFrameShape(QLabel.Shape.StyledPanel)
        row.addWidget(self.preview)
        self.choose_button = QPushButton("Choose…")
        self.choose_button.setObjectName("companyLogoChoose")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setObjectName("companyLogoClear")
        row.addWidget(self.choose_button)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        self.choose_button.clicked.connect(self.choose)
        self.clear_button.clicked.connect(lambda: self.set_data(None))
        self._dialog: QFileDialog | None = None
        self._show()

    def choose(self) -> QFileDialog:
        """Ask for an image file (window-modal, never blocking)."""
        dialog = QFileDialog(self, "Company logo", "", "Images (*.png *.jpg *.jpeg *.svg)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.load_file(Path(name)))
        self._dialog = dialog
        dialog.open()
        return dialog

    def load_file(self, path: Path) -> None:
        """Read ``path`` in the background, then show it."""
        self.runner.submit(lambda: _read(path), self.set_data, self._unreadable)

    def _unreadable(self, error: BaseException) -> None:
        self.problem = f"cannot be read ({error})"
        self.changed.emit()

    def set_data(self, data: bytes | None) -> None:
        """Use ``data`` as the logo (``None`` clears it)."""
        self.data = data or None
        self.problem = ""
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        self.clear_button.setEnabled(self.data is not None)
        pixmap = QPixmap()
        if self.data is not None and pixmap.loadFromData(self.data):
            self.preview.setPixmap(
                pixmap.scaled(
                    self.preview.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.preview.setPixmap(QPixmap())
            self.preview.setText("No logo" if self.data is None else "(no preview)")
