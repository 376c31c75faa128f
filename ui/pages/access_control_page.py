"""``Home » System Configuration » Access Control``: the Login Lockdown Policy.

After N failed sign-ins within M minutes an account is locked for K minutes (5 / 15 /
15 and on by default, as in MachPanel). Provider administrators may change it; the
service checks that, whatever this page shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QFormLayout, QSpinBox

from studio.domain.actors import Actor
from studio.errors import FieldError, StudioError
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner
from ui.widgets.controls import button, button_row
from ui.widgets.forms import fill_inputs

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.services.users import LoginPolicyView


def _load(studio: Studio, actor: Actor) -> LoginPolicyView:
    from studio.services.users import get_login_policy  # start-up

    return get_login_policy(studio, actor)


def _save(studio: Studio, actor: Actor, policy: LoginPolicyView) -> LoginPolicyView:
    from studio.services.users import save_login_policy  # start-up

    return save_login_policy(studio, actor, policy)


class AccessControlPage(Page):
    """Edit the Login Lockdown Policy."""

    def __init__(self, spec: PageSpec, runner: TaskRunner, actor: Actor) -> None:
        super().__init__(spec, runner, actor)
        self.paragraph(
            "Login Lockdown Policy: lock an account after repeated failed sign-ins. "
            "A lock survives a restart of the studio."
        )
        form = QFormLayout()
        self.enabled = QCheckBox("Lock accounts after repeated failed sign-ins")
        self.enabled.setObjectName("accessEnabled")
        self.max_attempts = self._spin("accessMaxAttempts", 1, 100, " failed sign-ins")
        self.window_spin = self._spin("accessWindow", 1, 1440, " minutes")
        self.lock = self._spin("accessLock", 1, 10080, " minutes")
        self.idle = self._spin("accessIdle", 1, 1440, " minutes without input")
        form.addRow("", self.enabled)
        form.addRow("Lock after:", self.max_attempts)
        form.addRow("Within:", self.window_spin)
        form.addRow("Lock for:", self.lock)
        form.addRow("Ask for the password again after:", self.idle)
        self.layout_.addLayout(form)
        self.save_button = button("&Save", "accessSave", self.save)
        self.layout_.addLayout(button_row(self.save_button))
        self.state_line("accessState")
        self.layout_.addStretch(1)
        self.enabled.toggled.connect(self._on_toggled)
        self._loaded: LoginPolicyView | None = None

    def _spin(self, name: str, low: int, high: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setAccessibleName(name.removeprefix("access"))
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        return spin

    def _on_toggled(self, on: bool) -> None:
        for spin in (self.max_attempts, self.window_spin, self.lock):
            spin.setEnabled(on)

    def form_policy(self) -> LoginPolicyView:
        """The policy the widgets describe."""
        from studio.services.users import LoginPolicyView  # start-up

        return LoginPolicyView(
            self.enabled.isChecked(),
            self.max_attempts.value(),
            self.window_spin.value(),
            self.lock.value(),
            self.idle.value(),
        )

    def refresh(self) -> None:
        """Load the policy off the GUI thread."""
        studio = self.studio
        if studio is not None:
            self.run(lambda: _load(studio, self.actor), self._show, self._failed)

    def _show(self, policy: LoginPolicyView) -> None:
        self._loaded = policy
        inputs = {
            "enabled": self.enabled,
            "max_attempts": self.max_attempts,
            "window_minutes": self.window_spin,
            "lock_minutes": self.lock,
            "idle_minutes": self.idle,
        }
        fill_inputs(inputs, policy)
        self._on_toggled(policy.enabled)

    def can_save(self) -> bool:
        """File > Save applies here."""
        return self.studio is not None

    def has_unsaved_changes(self) -> bool:
        """The widgets differ from the loaded policy."""
        return self._loaded is not None and self.form_policy() != self._loaded

    def save(self) -> None:
        """Save through the service (administrators only)."""
        studio = self.studio
        if studio is None:
            return
        policy = self.form_policy()
        self.run(lambda: _save(studio, self.actor, policy), self._saved, self._failed)

    def _saved(self, policy: LoginPolicyView) -> None:
        self._show(policy)
        self.state.setText("Saved.")
        self.state.setProperty("role", "ok")
        self.statusMessage.emit("Login Lockdown Policy saved")
        self.saved.emit()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, FieldError):
            text = "; ".join(f"{field}: {message}" for field, message in error.errors.items())
        elif isinstance(error, StudioError):
            text = str(error)
        else:
            text = f"Unexpected error: {error!r}"
        self.state.setText(f"Not saved: {text}")
        self.state.setProperty("role", "error")
        self.saveFailed.emit(self.state.text())
