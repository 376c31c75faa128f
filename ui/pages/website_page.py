"""``Configure > Control Panel Website``: site name, binding, the resulting URL.

Validation runs on every keystroke with the studio's rules (pure, no I/O) and each
message appears beside its field; Save stays disabled until the form is valid and
changed. Saving, loading and the port check run off the GUI thread.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from studio.domain.actors import Actor
from studio.domain.website_rules import (
    DEFAULT_PORTS,
    FIELD_LABELS,
    PROTOCOLS,
    WebsiteInput,
    parse_website,
    website_errors,
)
from studio.netcheck import PortCheck, PortState, check_port
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner
from ui.widgets.controls import button, button_row
from ui.widgets.forms import FormFields, fill_inputs

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.services.website import WebsiteView


def _load(studio: Studio, actor: Actor) -> WebsiteView:
    from studio.services.website import get_website_settings  # on the pool, see main_window

    return get_website_settings(studio, actor)


def _save(studio: Studio, actor: Actor, data: WebsiteInput) -> WebsiteView:
    from studio.services.website import save_website_settings  # start-up

    return save_website_settings(studio, actor, data)


class WebsitePage(Page):
    """Edit where the Control Panel website is served; its URL opens the Control Panel."""

    def __init__(self, spec: PageSpec, runner: TaskRunner, actor: Actor) -> None:
        super().__init__(spec, runner, actor)
        self.paragraph(
            "Where the MachPanel Control Panel website is served. Administrators open the "
            "Control Panel by clicking the URL below and log in with provider credentials."
        )
        self._loaded: WebsiteInput | None = None
        self._busy = False
        self._saving = False

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.fields = FormFields(form, "website")
        self.site_name = QLineEdit()
        self.protocol = QComboBox()
        self.protocol.addItems(list(PROTOCOLS))
        self.host = QLineEdit()
        self.host.setPlaceholderText("e.g. cp.example.com or 192.0.2.10")
        self.port = QLineEdit()
        self.port.setPlaceholderText("1-65535")
        self.port.setMaxLength(5)
        self.virtual_path = QLineEdit()
        self.virtual_path.setPlaceholderText("/ or e.g. /machpanel")
        self.certificate = QLineEdit()
        self.certificate.setPlaceholderText("certificate thumbprint or path to a .pfx/.pem file")
        for field, widget, required in (
            ("site_name", self.site_name, True),
            ("protocol", self.protocol, True),
            ("host", self.host, True),
            ("port", self.port, True),
            ("virtual_path", self.virtual_path, False),
            ("certificate", self.certificate, False),
        ):
            self.fields.add(field, FIELD_LABELS[field], widget, required)

        port_row = QWidget()
        port_box = QHBoxLayout(port_row)
        port_box.setContentsMargins(0, 0, 0, 0)
        self.check_port_button = button(
            "Check Port",
            "websiteCheckPort",
            self._check_port,
            accessible="Check whether the port is free",
        )
        self.port_status = QLabel()
        self.port_status.setObjectName("websitePortStatus")
        self.port_status.setWordWrap(True)
        port_box.addWidget(self.check_port_button)
        port_box.addWidget(self.port_status, 1)
        form.addRow("", port_row)

        self.url = QLabel()
        self.url.setObjectName("websiteUrl")
        self.url.setAccessibleName("Control Panel URL")
        self.url.setTextFormat(Qt.TextFormat.RichText)
        self.url.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.url.setOpenExternalLinks(False)
        form.addRow("URL:", self.url)
        self.layout_.addLayout(form)

        self.save_button = button(
            "&Save", "websiteSave", self.save, accessible="Save website settings"
        )
        self.save_button.setDefault(True)
        self.revert_button = button(
            "&Revert", "websiteRevert", self._revert, accessible="Revert to saved settings"
        )
        self.layout_.addLayout(button_row(self.save_button, self.revert_button))
        self.state_line("websiteState", "Opening the database…")
        self.layout_.addStretch(1)

        for edit in (self.site_name, self.host, self.port, self.virtual_path, self.certificate):
            edit.textChanged.connect(self._on_edited)
        self.protocol.currentTextChanged.connect(self._on_protocol_changed)
        self.url.linkActivated.connect(lambda _link: self.navigateRequested.emit("control-panel"))
        self._set_enabled(False)

    # -- reading the form ---------------------------------------------------------------

    def form_input(self) -> WebsiteInput:
        """The values as typed."""
        return WebsiteInput(
            site_name=self.site_name.text(),
            protocol=self.protocol.currentText(),
            host=self.host.text(),
            port=self.port.text(),
            virtual_path=self.virtual_path.text(),
            certificate=self.certificate.text(),
        )

    def _fill(self, data: WebsiteInput) -> None:
        fill_inputs(self.fields.inputs, data, quietly=True)
        self._on_edited()

    def _dirty(self) -> bool:
        return self._loaded is not None and self.form_input() != self._loaded

    # -- reacting to edits --------------------------------------------------------------

    def _on_protocol_changed(self, protocol: str) -> None:
        other = "http" if protocol == "https" else "https"
        if self.port.text().strip() == str(DEFAULT_PORTS[other]):
            self.port.setText(str(DEFAULT_PORTS[protocol]))
        self._on_edited()

    def _on_edited(self) -> None:
        data = self.form_input()
        errors = website_errors(data)
        self.fields.show_errors(errors)
        self.certificate.setEnabled(self._editable() and data.protocol == "https")
        if errors:
            self.url.setText("<i>(the URL appears when the settings are valid)</i>")
        else:
            url = html.escape(parse_website(data).url)
            self.url.setText(f'<a href="{url}">{url}</a>')
        self.port_status.clear()
        self._update_buttons(errors)

    def _editable(self) -> bool:
        return self.studio is not None and self._loaded is not None and not self._busy

    def _update_buttons(self, errors: dict[str, str] | None = None) -> None:
        if errors is None:
            errors = website_errors(self.form_input())
        dirty = self._dirty()
        self.save_button.setEnabled(self._editable() and not errors and dirty)
        self.revert_button.setEnabled(self._editable() and dirty)
        self.check_port_button.setEnabled(self._editable() and "port" not in errors)
        self.saveStateChanged.emit()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in self.fields.inputs.values():
            widget.setEnabled(enabled)
        if enabled:
            self.certificate.setEnabled(self.protocol.currentText() == "https")
        self._update_buttons()

    # -- loading and saving -------------------------------------------------------------

    def refresh(self) -> None:
        """Load the saved settings off the GUI thread.

        Not while a save or load is under way (its answer would be overtaken), and not
        over typed input: Revert discards that, F5 never does.
        """
        studio = self.studio
        if studio is None or self._busy:
            return
        if self._dirty():
            self.statusMessage.emit(
                "Control Panel Website has unsaved changes: Save them or Revert before refreshing."
            )
            return
        self._busy = True
        self._set_enabled(False)
        self.runner.submit(lambda: _load(studio, self.actor), self._on_loaded, self._on_failed)

    def set_database_error(self, message: str) -> None:
        """No database, no settings: say so instead of showing defaults as if saved."""
        self.state.setText(f"The settings cannot be loaded: {message}")
        self.state.setProperty("role", "error")

    def _on_loaded(self, view: WebsiteView) -> None:
        self._busy = False
        self._loaded = view.website.as_input()
        self._fill(self._loaded)
        self._set_enabled(True)
        self._show_state(view)

    def _show_state(self, view: WebsiteView) -> None:
        if view.configured and view.updated_at is not None:
            when = view.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
            self.state.setText(f"Saved by {view.updated_by} on {when}.")
        else:
            self.state.setText("Not saved yet: these are the defaults. Save to keep them.")
        self.state.setProperty("role", "")

    def can_save(self) -> bool:
        """File > Save is enabled exactly when the Save button is."""
        return self.save_button.isEnabled()

    def save(self) -> None:
        """Save through the studio service; errors come back beside their fields."""
        if not self.can_save() or self.studio is None:
            return
        studio, data = self.studio, self.form_input()
        self._busy = True
        self._saving = True
        self._set_enabled(False)
        self.state.setText("Saving…")
        self.runner.submit(
            lambda: _save(studio, self.actor, data),
            self._on_saved,
            self._on_failed,
        )

    def _on_saved(self, view: WebsiteView) -> None:
        self._saving = False
        self._on_loaded(view)
        self.statusMessage.emit(f"Control Panel Website saved: {view.website.url}")
        self.saved.emit()

    def has_unsaved_changes(self) -> bool:
        """Typed values differ from the saved ones."""
        return self._dirty()

    def _on_failed(self, error: BaseException) -> None:
        was_saving, self._saving = self._saving, False
        self._busy = False
        self._set_enabled(self._loaded is not None)
        self.state.setText(self.fields.failure_text(error, "Not saved: "))
        self.state.setProperty("role", "error")
        self.statusMessage.emit(self.state.text())
        if was_saving:
            self.saveFailed.emit(self.state.text())

    def _revert(self) -> None:
        if self._loaded is not None:
            self._fill(self._loaded)

    # -- port check ---------------------------------------------------------------------

    def _check_port(self) -> None:
        text = self.port.text().strip()
        if "port" in website_errors(self.form_input()):
            return
        port = int(text)
        self.port_status.setText(f"Checking port {port}…")
        self.check_port_button.setEnabled(False)
        self.runner.submit(lambda: check_port(port), self._on_port_checked, self._on_port_failed)

    def _on_port_checked(self, result: PortCheck) -> None:
        self.port_status.setText(result.message)
        self.port_status.setProperty("role", "ok" if result.state is PortState.FREE else "warning")
        self._update_buttons()

    def _on_port_failed(self, error: BaseException) -> None:
        self.port_status.setText(f"Port check failed: {error}")
        self._update_buttons()
