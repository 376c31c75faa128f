"""The one shape of the panel's dialogs: fields with their errors beside them
(:class:`ui.widgets.forms.FormFields`), a state line, and one button whose service call runs off
the GUI thread. On success the dialog keeps the result and closes; on failure it stays
open with the service's errors beside their fields and grows to show them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.context import Studio
from studio.domain.actors import Actor
from ui.tasks import TaskRunner
from ui.widgets.forms import FormFields


class FormDialog(QDialog):
    """Subclasses add their rows to ``fields``, then call :meth:`finish`."""

    def __init__(
        self,
        runner: TaskRunner,
        studio: Studio,
        actor: Actor,
        *,
        prefix: str,
        title: str,
        min_width: int = 0,
        parent: QWidget | None,
        name: str = "",
        state_name: str = "",
    ) -> None:
        """``prefix`` names the fields (``<prefix><Field>``); the dialog is named ``name``
        (default ``<prefix>Dialog``) and its state line ``state_name`` (default
        ``<prefix>DialogState``)."""
        super().__init__(parent)
        self.setObjectName(name or f"{prefix}Dialog")
        self.setWindowTitle(title)
        if min_width:
            self.setMinimumWidth(min_width)  # room for a whole error sentence beside a field
        self.runner, self.studio, self.actor, self.prefix = runner, studio, actor, prefix
        #: What the service returned, once it succeeded.
        self.result: Any = None
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.fields = FormFields(self.form, prefix)
        self.state = QLabel()
        self.state.setObjectName(state_name or f"{prefix}DialogState")
        self.state.setWordWrap(True)
        self.button: QPushButton  # made by finish()

    def line(self, field: str, label: str, required: bool = True) -> QLineEdit:
        """A text row for ``field`` with its error beside it."""
        edit = QLineEdit()
        self.fields.add(field, label, edit, required)
        return edit

    def finish(
        self,
        button: str,
        busy: str,
        failed: str,
        *,
        standard: QDialogButtonBox.StandardButton | None = None,
        button_name: str = "",
    ) -> None:
        """Add the state line and the buttons: ``button`` (or the ``standard`` button)
        runs :meth:`submit`'s work, showing ``busy`` meanwhile; ``failed`` starts the
        sentence of a refusal. The button is named ``button_name`` (default
        ``<prefix><button>Button``)."""
        self.busy, self.failed_prefix = busy, failed
        self.layout_.addWidget(self.state)
        self.buttons = QDialogButtonBox()
        if standard is None:
            self.button = self.buttons.addButton(button, QDialogButtonBox.ButtonRole.AcceptRole)
        else:
            self.button = self.buttons.addButton(standard)
        self.button.setObjectName(button_name or f"{self.prefix}{button}Button")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)

    def work(self) -> Callable[[], Any]:
        """The service call for the values as typed (read on the GUI thread, run off it)."""
        raise NotImplementedError

    def submit(self) -> None:
        """Run the service off the GUI thread."""
        work = self.work()
        self.button.setEnabled(False)
        self.state.setText(self.busy)
        self.runner.submit(work, self._done, self._failed)

    def _done(self, result: Any) -> None:
        self.result = result
        self.succeeded(result)
        self.accept()

    def succeeded(self, result: Any) -> None:
        """Called with the service's result just before the dialog closes (dialogs emit
        their own signal here)."""

    def shown_error(self, error: BaseException) -> BaseException:
        """The error as this form shows it (a dialog may move fields it has not)."""
        return error

    def failure_text(self, error: BaseException) -> str:
        """The state line's sentence for a refusal; a FieldError's messages go beside
        their fields."""
        return self.fields.failure_text(self.shown_error(error), self.failed_prefix)

    def _failed(self, error: BaseException) -> None:
        self.button.setEnabled(True)
        self.state.setText(self.failure_text(error))
        self.resize(self.size().expandedTo(self.sizeHint()))  # grow: the errors take room
