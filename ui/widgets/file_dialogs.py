"""The studio's one way to ask for a CSV file: a window-modal dialog opened with
``open()`` (never ``exec()``, so nothing waits on it and tests drive it), deleted when
closed, calling back with the chosen path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget


def csv_file_dialog(
    parent: QWidget,
    title: str,
    chosen: Callable[[Path], object],
    *,
    save_as: str | None = None,
    name: str = "",
    keep: bool = False,
) -> QFileDialog:
    """Ask for a CSV file: to write (``save_as`` suggests its name; ``.csv`` is added
    when left out) or, without ``save_as``, an existing one to read. The dialog deletes
    itself when closed unless ``keep`` (a caller that frees it itself)."""
    dialog = QFileDialog(parent, title, "", "CSV files (*.csv)")
    if name:
        dialog.setObjectName(name)
    if save_as is not None:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.selectFile(save_as)
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    if not keep:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda path: chosen(Path(path)))
    dialog.open()
    return dialog
