"""Add or edit a Remote Server: name, host, port, services hosted, token.

Shown with ``open()`` (window-modal, never ``exec()``). The dialog validates as you
type with the studio's rules and saves through the service off the GUI thread; the
service's errors come back beside their fields and the dialog stays open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from studio.actors import Actor
from studio.provisioning.catalog import CATALOG
from studio.servers import RemoteServerInput, remote_server_errors
from ui.tasks import TaskRunner
from ui.widgets.forms import FormFields

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.services.servers import RemoteServerView


def _save(
    studio: Studio, actor: Actor, server_id: int | None, data: RemoteServerInput
) -> RemoteServerView:
    from studio.services.servers import add_remote_server, update_remote_server

    if server_id is None:
        return add_remote_server(studio, actor, data)
    return update_remote_server(studio, actor, server_id, data)


class RemoteServerDialog(QDialog):
    """``serverSaved(view)`` when the service accepted the server."""

    serverSaved = Signal(object)

    def __init__(
        self,
        studio: Studio,
        runner: TaskRunner,
        actor: Actor,
        existing: RemoteServerView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("remoteServerDialog")
        self.setWindowTitle("Edit Remote Server" if existing else "Add Remote Server")
        self.studio, self.runner, self.actor = studio, runner, actor
        self.server_id = existing.id if existing else None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.fields = FormFields(form, "server")
        self.name = QLineEdit(existing.name if existing else "")
        self.name.setPlaceholderText("e.g. EXCH01")
        self.host = QLineEdit(existing.host if existing else "")
        self.port = QLineEdit(str(existing.port) if existing else "")
        self.services_box = QWidget()
        services_layout = QVBoxLayout(self.services_box)
        services_layout.setContentsMargins(0, 0, 0, 0)
        self.service_checks: dict[str, QCheckBox] = {}
        for key, service in CATALOG.items():
            box = QCheckBox(service.title)
            box.setObjectName(f"serverService-{key}")
            box.setChecked(bool(existing and key in existing.services))
            box.toggled.connect(self._validate)
            services_layout.addWidget(box)
            self.service_checks[key] = box
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(
            "leave empty to keep the stored token" if existing else "the server's token"
        )
        for field, label, widget in (
            ("name", "Name", self.name),
            ("host", "Host name or IP address", self.host),
            ("port", "Port", self.port),
            ("services", "Services hosted", self.services_box),
            ("token", "Token", self.token),
        ):
            self.fields.add(field, label, widget, field != "token" or existing is None)
        layout.addLayout(form)
        note = QLabel(
            "The token is kept in the OS keyring, never in the database. Where no keyring "
            "exists it is kept in memory until the studio closes."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.state = QLabel()
        self.state.setObjectName("serverState")
        self.state.setProperty("role", "error")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.setObjectName("serverButtons")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("serverSave")
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for edit in (self.name, self.host, self.port, self.token):
            edit.textChanged.connect(self._validate)
        self._token_required = existing is None
        self._validate()

    def form_input(self) -> RemoteServerInput:
        """The values as typed."""
        services = tuple(k for k, box in self.service_checks.items() if box.isChecked())
        return RemoteServerInput(
            self.name.text(), self.host.text(), self.port.text(), services, self.token.text()
        )

    def _validate(self) -> None:
        errors = remote_server_errors(self.form_input(), self._token_required)
        self.fields.show_errors(errors)
        self.save_button.setEnabled(not errors)

    def _save(self) -> None:
        data = self.form_input()
        self.save_button.setEnabled(False)
        self.state.setText("")
        self.runner.submit(
            lambda: _save(self.studio, self.actor, self.server_id, data),
            self._on_saved,
            self._on_failed,
        )

    def _on_saved(self, view: RemoteServerView) -> None:
        self.serverSaved.emit(view)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.state.setText(self.fields.failure_text(error))
        self.save_button.setEnabled(True)
