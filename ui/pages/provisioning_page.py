"""``Configure > Provisioning Service``: the Control Server's endpoint, its token, a test.

Embedded (the default and demo install): the studio runs the Provisioning Service stubs
itself. External: a real Control Server at host:port, whose token goes to the OS
keyring (never the database); when there is no keyring the page says so and the token
field is disabled. Loading, saving and Test Connection run off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit

from studio.domain.actors import Actor
from studio.domain.server_rules import ProvisioningInput, provisioning_errors
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner
from ui.widgets.controls import button, button_row
from ui.widgets.forms import FormFields

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.provisioning.health import ServerHealth
    from studio.services.servers import ProvisioningView

MODE_LABELS = {
    "embedded": "Embedded: the studio runs the Provisioning Service itself (demo, offline)",
    "external": "External: a MachPanel Control Server",
}


@dataclass(frozen=True)
class _Loaded:
    view: ProvisioningView
    keyring_problem: str | None


def _load(studio: Studio, actor: Actor) -> _Loaded:
    from studio.security.keyring_store import keyring_problem  # start-up
    from studio.services.servers import get_provisioning_settings  # start-up

    return _Loaded(get_provisioning_settings(studio, actor), keyring_problem())


def _save(studio: Studio, actor: Actor, data: ProvisioningInput) -> _Loaded:
    from studio.security.keyring_store import keyring_problem  # start-up
    from studio.services.servers import save_provisioning_settings  # start-up

    return _Loaded(save_provisioning_settings(studio, actor, data), keyring_problem())


def _test(studio: Studio, actor: Actor) -> ServerHealth:
    from studio.services.server_checks import check_control_connection  # start-up

    return check_control_connection(studio, actor)


class ProvisioningPage(Page):
    """Edit and test the Control Server's Provisioning Service endpoint."""

    def __init__(self, spec: PageSpec, runner: TaskRunner, actor: Actor) -> None:
        super().__init__(spec, runner, actor)
        self.paragraph(
            "Provisioning requires the MachPanel Provisioning Service running on the Control "
            "Server and on every Remote Server, all on the same build."
        )
        self._loaded: _Loaded | None = None
        self._busy = False
        form = QFormLayout()
        self.fields = FormFields(form, "provisioning")
        self.mode = QComboBox()
        for key, label in MODE_LABELS.items():
            self.mode.addItem(label, key)
        self.host = QLineEdit()
        self.host.setPlaceholderText("the Control Server, e.g. cp01.example.com")
        self.port = QLineEdit()
        self.port.setPlaceholderText("1-65535")
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        for field, label, widget in (
            ("mode", "Provisioning Service", self.mode),
            ("host", "Host name or IP address", self.host),
            ("port", "Port", self.port),
            ("token", "Token", self.token),
        ):
            self.fields.add(field, label, widget, field != "token")
        self.keyring_note = QLabel()
        self.keyring_note.setObjectName("provisioningKeyring")
        self.keyring_note.setWordWrap(True)
        form.addRow("", self.keyring_note)
        self.layout_.addLayout(form)
        self.save_button = button(
            "&Save", "provisioningSave", self.save, accessible="Save Provisioning Service settings"
        )
        self.test_button = button(
            "&Test Connection",
            "provisioningTest",
            self._test_connection,
            accessible="Test the connection to the Control Server",
        )
        self.layout_.addLayout(button_row(self.save_button, self.test_button))
        self.test_result = self.paragraph("", "provisioningTestResult")
        self.state_line("provisioningState", "Opening the database…")
        self.layout_.addStretch(1)
        for edit in (self.host, self.port, self.token):
            edit.textChanged.connect(self._on_edited)
        self.mode.currentIndexChanged.connect(self._on_edited)
        self._enable(False)

    def form_input(self) -> ProvisioningInput:
        """The values as typed."""
        return ProvisioningInput(
            mode=str(self.mode.currentData()),
            host=self.host.text(),
            port=self.port.text(),
            token=self.token.text(),
        )

    def _token_stored(self) -> bool:
        return self._loaded is not None and self._loaded.view.token_stored

    def _errors(self) -> dict[str, str]:
        return provisioning_errors(self.form_input(), token_required=not self._token_stored())

    def _dirty(self) -> bool:
        if self._loaded is None:
            return False
        view, data = self._loaded.view, self.form_input()
        if data.mode != view.mode or data.token:
            return True
        if data.mode == "embedded":
            return False
        return (data.host.strip(), data.port.strip()) != (view.host, str(view.port))

    def _on_edited(self) -> None:
        external = self.mode.currentData() == "external"
        editable = self._loaded is not None and not self._busy
        for widget in (self.host, self.port):
            widget.setEnabled(editable and external)
        self.token.setEnabled(editable and external)
        errors = self._errors()
        self.fields.show_errors(errors)
        self.save_button.setEnabled(editable and not errors and self._dirty())
        self.test_button.setEnabled(editable and not self._dirty())

    def _enable(self, enabled: bool) -> None:
        self.mode.setEnabled(enabled)
        self._on_edited()

    # -- load / save / test -------------------------------------------------------------

    def refresh(self) -> None:
        """Load the settings (and whether a keyring exists) off the GUI thread."""
        studio = self.studio
        if studio is None or self._busy or self._dirty():
            return
        self._busy = True
        self._enable(False)
        self.runner.submit(lambda: _load(studio, self.actor), self._on_loaded, self._on_failed)

    def set_database_error(self, message: str) -> None:
        """No database: nothing to show."""
        self.state.setText(f"The settings cannot be loaded: {message}")

    def _on_loaded(self, loaded: _Loaded) -> None:
        self._busy = False
        self._loaded = loaded
        view = loaded.view
        self.mode.blockSignals(True)
        self.mode.setCurrentIndex(self.mode.findData(view.mode))
        self.mode.blockSignals(False)
        self.host.setText(view.host if view.mode == "external" else "")
        self.port.setText(str(view.port) if view.mode == "external" else "")
        self.token.clear()
        if loaded.keyring_problem:
            self.keyring_note.setText(
                f"Tokens cannot be stored: {loaded.keyring_problem}. A token you enter is "
                "kept in memory until the studio closes and asked for again next time; it "
                "is never written anywhere."
            )
            self.keyring_note.setProperty("role", "warning")
        else:
            self.keyring_note.setText(
                "A token is stored in the OS keyring. Leave the field empty to keep it."
                if view.token_stored
                else "The token is stored in the OS keyring, never in the database."
            )
            self.keyring_note.setProperty("role", "")
        if view.configured and view.updated_at is not None:
            when = view.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
            self.state.setText(f"Saved by {view.updated_by} on {when}.")
        else:
            self.state.setText("Not saved yet: the embedded Provisioning Service is in use.")
        self._enable(True)

    def can_save(self) -> bool:
        """File > Save follows the Save button."""
        return self.save_button.isEnabled()

    def has_unsaved_changes(self) -> bool:
        """Typed values differ from the saved ones."""
        return self._dirty()

    def save(self) -> None:
        """Save through the service (token to the keyring first)."""
        if not self.can_save() or self.studio is None:
            return
        studio, data = self.studio, self.form_input()
        self._busy = True
        self._enable(False)
        self.state.setText("Saving…")
        self.runner.submit(lambda: _save(studio, self.actor, data), self._on_saved, self._on_failed)

    def _on_saved(self, loaded: _Loaded) -> None:
        self._busy = False
        self._on_loaded(loaded)
        self.statusMessage.emit("Provisioning Service settings saved")
        self.saved.emit()

    def _on_failed(self, error: BaseException) -> None:
        saving = self.state.text() == "Saving…"
        self._busy = False
        self.state.setText(self.fields.failure_text(error, "Not saved: "))
        self._enable(self._loaded is not None)
        if saving:
            self.saveFailed.emit(self.state.text())

    def _test_connection(self) -> None:
        studio = self.studio
        if studio is None:
            return
        self.test_button.setEnabled(False)
        self.test_result.setText("Testing the connection…")
        self.runner.submit(lambda: _test(studio, self.actor), self._on_tested, self._on_test_failed)

    def _on_tested(self, health: ServerHealth) -> None:
        if health.ok:
            self.test_result.setText(
                f"Connected: {health.name} is running build {health.build} "
                f"({health.elapsed_ms:.0f} ms)."
            )
            self.test_result.setProperty("role", "ok")
        else:
            self.test_result.setText(f"Failed: {health.message}. {health.fix}")
            self.test_result.setProperty("role", "error")
        self._on_edited()

    def _on_test_failed(self, error: BaseException) -> None:
        self.test_result.setText(f"Failed: {error}")
        self._on_edited()
