"""The row above a commission statement: the period (its error beside it), Show, and
Export CSV. The reseller's Statements page and the provider's Commission Statements
page both use it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QWidget

from ui.widgets.forms import FormFields


class PeriodBar(QWidget):
    """``showRequested`` on Show or Return; ``exportRequested`` on Export CSV."""

    showRequested = Signal()
    exportRequested = Signal()

    def __init__(self, prefix: str, show_name: str, export_name: str) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.fields = FormFields(form, prefix)
        self.period = QLineEdit()
        self.period.setPlaceholderText("2026-11 or 2026-Q4 (empty: the current period)")
        self.fields.add("period", "Period", self.period)
        row.addLayout(form, 1)
        show = QPushButton("&Show")
        show.setObjectName(show_name)
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.setObjectName(export_name)
        self.export_button.setEnabled(False)
        for button in (show, self.export_button):
            row.addWidget(button)
        self.period.returnPressed.connect(self.showRequested)
        show.clicked.connect(self.showRequested)
        self.export_button.clicked.connect(self.exportRequested)

    def text(self) -> str:
        """The period as typed."""
        return self.period.text()

    def shown(self) -> None:
        """A statement is on show: no error beside the period, and it can be exported."""
        self.fields.show_errors({})
        self.export_button.setEnabled(True)

    def failure(self, error: BaseException) -> str:
        """Nothing to show: the period's error beside it; the sentence for the state line."""
        self.export_button.setEnabled(False)
        return self.fields.failure_text(error, "No statement: ")
