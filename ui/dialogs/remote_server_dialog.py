"""Add or edit a Remote Server: name, host, port, services hosted, token.

Shown with ``open()`` (window-modal, never ``exec()``). The dialog validates as you
type with the studio's rules and saves through the service off the GUI thread; the
service's errors come back beside their fields and the dialog stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from studio.domain.actors import Actor
from studio.domain.catalog import CATALOG
from studio.domain.server_rules import RemoteServerInput, remote_server_errors
from ui.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.services.servers import RemoteServerView


def _save(
    studio: Studio, actor: Actor, server_id: int | None, data: RemoteServerInput
) -> RemoteServerView:
    from studio.services.servers import add_remote_server, update_remote_server  # on the pool

    if server_id is None:
        return add_remote_server(studio, actor, data)
    return update_remote_server(studio, actor, server_id, data)


class RemoteServerDialog(FormDialog):
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
        super().__init__(
            runner,
            studio,
            actor,
            prefix="server",
            title="Edit Remote Server" if existing else "Add Remote Server",
            name="remoteServerDialog",
            state_name="serverState",
            parent=parent,
        )
        self.server_id = existing.id if existing else None
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
        note = QLabel(
            "The token is kept in the OS keyring, never in the database. Where no keyring "
            "exists it is kept in memory until the studio closes."
        )
        note.setWordWrap(True)
        self.layout_.addWidget(note)
        self.state.setProperty("role", "error")
        self.finish(
            "Save", "", "", standard=QDialogButtonBox.StandardButton.Save, button_name="serverSave"
        )
        self.buttons.setObjectName("serverButtons")
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
        self.button.setEnabled(not errors)

    def work(self) -> Callable[[], RemoteServerView]:
        """Add or update the server as typed."""
        data, server_id = self.form_input(), self.server_id
        return lambda: _save(self.studio, self.actor, server_id, data)

    def succeeded(self, result: Any) -> None:
        """Tell the Remote Servers page."""
        self.serverSaved.emit(result)
