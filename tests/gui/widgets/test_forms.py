"""The shared failure wording of forms."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from studio.errors import DatabaseError, FieldError
from ui.widgets.forms import FormFields


def test_failure_text_shows_fields_and_says_why(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    fields = FormFields(QFormLayout(holder), "demo")
    fields.add("port", "Port", QLineEdit())
    text = fields.failure_text(
        FieldError.single("port", "must be between 1 and 65535"), "Not saved: "
    )
    assert text == "Not saved: correct the fields marked above."
    assert fields.error_text("port") == "must be between 1 and 65535"
    assert fields.failure_text(FieldError.single("port", "x")) == "Correct the fields marked above."
    assert fields.failure_text(DatabaseError("disk full"), "Not saved: ") == "Not saved: disk full"
    assert fields.failure_text(ValueError("boom")).startswith(
        "Unexpected error: ValueError('boom')"
    )
