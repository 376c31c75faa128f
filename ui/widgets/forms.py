"""Form helpers shared by every page and wizard: fields with their error beside them.

A :class:`FormFields` puts each input in a ``QFormLayout`` row with an error label right
under it; ``show_errors`` takes the ``field → message`` mapping that the studio's
validators and :class:`~studio.errors.FieldError` produce, so a form never words its own
errors.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.errors import FieldError, StudioError


def camel(field: str) -> str:
    """``virtual_path`` → ``VirtualPath``, ``company.tax_id`` → ``CompanyTaxId``."""
    return "".join(part.capitalize() for part in field.replace(".", "_").split("_"))


def failure_sentence(error: BaseException, prefix: str = "") -> str:
    """One wording for a failure with no form to mark: the studio error's own sentence
    (a FieldError's ``field: message`` lines), or an unexpected error (the task runner
    logged it)."""
    if isinstance(error, StudioError):
        text = f"{prefix}{error}"
    else:
        text = f"Unexpected error: {error!r} (details in the log)"
    return text[:1].upper() + text[1:]


def show_value(widget: QWidget, value: object) -> None:
    """Put ``value`` in an input, whichever kind it is (text, choice, tick, number)."""
    if isinstance(widget, QLineEdit):
        widget.setText(str(value))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(str(value))
    elif isinstance(widget, QComboBox):
        widget.setCurrentText(str(value))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QSpinBox):
        assert isinstance(value, int), value
        widget.setValue(value)
    else:
        raise TypeError(f"no value to show in a {type(widget).__name__}")


def fill_inputs(inputs: Mapping[str, QWidget], data: object, *, quietly: bool = False) -> None:
    """Show ``data``'s attribute of each input's name in that input, in order;
    ``quietly`` blocks the inputs' signals meanwhile (the caller reacts once after)."""
    blockers = [QSignalBlocker(widget) for widget in inputs.values()] if quietly else []
    for name, widget in inputs.items():
        show_value(widget, getattr(data, name))
    for blocker in blockers:
        blocker.unblock()


class FormFields:
    """Rows of label, input and error message, addressed by studio field name."""

    def __init__(self, layout: QFormLayout, prefix: str) -> None:
        self.layout = layout
        self.prefix = prefix
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}

    def add(self, field: str, label: str, widget: QWidget, required: bool = False) -> QWidget:
        """Add a row; names the input ``<prefix><Field>`` and its error ``…Error``."""
        widget.setObjectName(f"{self.prefix}{camel(field)}")
        widget.setAccessibleName(label)
        error = QLabel()
        error.setObjectName(f"{self.prefix}{camel(field)}Error")
        error.setProperty("role", "fieldError")
        error.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what was typed
        error.setWordWrap(True)
        error.setVisible(False)
        error.setAccessibleName(f"{label} error")
        cell = QWidget()
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(error)
        caption = QLabel(f"{label}{' *' if required else ''}:")
        caption.setBuddy(widget)
        if required:
            caption.setToolTip("Required")
        self.layout.addRow(caption, cell)
        self.inputs[field] = widget
        self.errors[field] = error
        self.labels[field] = caption
        return widget

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show each field's message beside it; clear the others."""
        for field, label in self.errors.items():
            message = errors.get(field, "")
            label.setText(message)
            label.setVisible(bool(message))
            widget = self.inputs[field]
            if bool(widget.property("invalid")) != bool(message):  # restyle on a change only
                widget.setProperty("invalid", bool(message))
                widget.style().unpolish(widget)
                widget.style().polish(widget)
            widget.setAccessibleDescription(f"Error: {message}" if message else "")

    def failure_text(self, error: BaseException, prefix: str = "") -> str:
        """Show a FieldError beside its fields; return the sentence for the state line.

        One wording for every form: ``<prefix>correct the fields marked above.``, the
        studio error's own sentence, or an unexpected error (logged by the task runner).
        """
        if isinstance(error, FieldError):
            self.show_errors(error.errors)
            text = f"{prefix}correct the fields marked above."
            return text[:1].upper() + text[1:]
        return failure_sentence(error, prefix)

    def error_text(self, field: str) -> str:
        """The message shown beside ``field`` (empty when valid)."""
        label = self.errors[field]
        return label.text() if not label.isHidden() else ""
