"""Log in with the provider credentials: the door to the Control Panel branch.

Shown in place of any Control Panel page until a provider has signed in. When no
provider administrator exists yet (a new installation) it shows the first-run form
instead: there is no default password anywhere. Hashing and verifying take ~100 ms, so
both run off the GUI thread; a wrong username and a wrong password read the same.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QWidget

from studio.domain.actors import Actor
from studio.domain.user_rules import NewUserInput, new_user_errors
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner
from ui.widgets.forms import FormFields

if TYPE_CHECKING:
    from studio.context import Studio

SIGN_IN_SPEC = PageSpec("sign-in", "Sign In", None, "control-panel", "panel", None)


@dataclass(frozen=True)
class _Mode:
    """What the page should offer, found off the GUI thread."""

    admin_exists: bool
    keyring_problem: str | None
    remembered: str | None = dataclasses.field(default=None, repr=False)


def _mode(studio: Studio, username: str) -> _Mode:
    from studio.domain.contact import warm_up  # start-up
    from studio.domain.password_policy import common_passwords  # start-up
    from studio.security.keyring_store import keyring_problem  # start-up
    from studio.services.sign_in import remembered_password  # start-up
    from studio.services.users import provider_admin_exists  # start-up

    # Warm what the first-run form checks on every keystroke (the 30,000-password list,
    # email-validator), here on the pool rather than at the first key on the GUI thread.
    common_passwords()
    warm_up()
    problem = keyring_problem()
    remembered = remembered_password(studio, username) if username and not problem else None
    return _Mode(provider_admin_exists(studio), problem, remembered)


@dataclass(frozen=True)
class _SignedIn:
    actor: Actor
    #: Why "Remember me" could not be honoured (a keychain that refused), or None.
    remember_problem: str | None = None


def _sign_in(studio: Studio, username: str, password: str, remember: bool) -> _SignedIn:
    from studio.security.keyring_store import SecretsUnavailable  # start-up
    from studio.services.sign_in import authenticate, forget_password, remember_password  # start-up

    actor = authenticate(studio, username, password, source="gui")
    try:
        if remember:
            remember_password(studio, actor.name, password)
        else:
            forget_password(studio, actor.name)
    except SecretsUnavailable as exc:  # signed in all the same; only remembering failed
        return _SignedIn(actor, str(exc))
    return _SignedIn(actor)


def _forget(studio: Studio, username: str) -> bool:
    from studio.services.sign_in import forget_password  # start-up

    forget_password(studio, username)
    return True


def _first_run(studio: Studio, data: NewUserInput) -> Actor:
    from studio.services.sign_in import authenticate  # start-up
    from studio.services.users import create_first_admin  # start-up

    view = create_first_admin(studio, data)
    return authenticate(studio, view.username, data.password, source="gui")


class SignInPage(Page):
    """``signedIn(actor)`` once a provider has signed in (or created the first admin)."""

    signedIn = Signal(object)

    def __init__(self, runner: TaskRunner, actor: Actor, settings: QSettings) -> None:
        super().__init__(SIGN_IN_SPEC, runner, actor)
        #: Where the last username is kept for "Remember me" (never the password).
        self.settings = settings
        self.intro = self.paragraph("Checking the installation…", "signInIntro")
        # -- sign in
        self.sign_in_box = QWidget()
        form = QFormLayout(self.sign_in_box)
        self.username = QLineEdit()
        self.username.setObjectName("signInUsername")
        self.username.setAccessibleName("Username")
        self.password = QLineEdit()
        self.password.setObjectName("signInPassword")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("&Username:", self.username)
        form.addRow("&Password:", self.password)
        self.remember = QCheckBox("&Remember me on this computer (in the OS keyring)")
        self.remember.setObjectName("signInRemember")
        form.addRow("", self.remember)
        self.sign_in_button = QPushButton("&Sign In")
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.setDefault(True)
        form.addRow("", self.sign_in_button)
        self.layout_.addWidget(self.sign_in_box)
        # -- first run
        self.first_run_box = QWidget()
        first_form = QFormLayout(self.first_run_box)
        self.fields = FormFields(first_form, "firstRun")
        self.new_inputs: dict[str, QLineEdit] = {}
        for field, label, secret in (
            ("username", "Username", False),
            ("full_name", "Full name", False),
            ("email", "E-mail", False),
            ("password", "Password", True),
            ("password_confirmation", "Password again", True),
        ):
            edit = QLineEdit()
            if secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.fields.add(field, label, edit, required=True)
            edit.textChanged.connect(self._validate_first_run)
            self.new_inputs[field] = edit
        row = QHBoxLayout()
        self.create_button = QPushButton("&Create Administrator")
        self.create_button.setObjectName("firstRunCreate")
        row.addWidget(self.create_button)
        row.addStretch(1)
        first_form.addRow("", row_widget(row))
        self.layout_.addWidget(self.first_run_box)
        self.error = self.paragraph("", "signInError")
        self.error.setProperty("role", "error")
        self.layout_.addStretch(1)
        self.sign_in_box.setVisible(False)
        self.first_run_box.setVisible(False)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.password.returnPressed.connect(self.sign_in)
        self.create_button.clicked.connect(self.create_first_admin)
        self._busy = False
        self._locked_user: str | None = None
        self._auto_tried = False

    def set_studio(self, studio: Studio) -> None:
        """Find out whether this is the first run."""
        self.studio = studio
        self.refresh()

    def lock_for(self, username: str, idle_minutes: int) -> None:
        """Locked after idling: only ``username``'s password lets the work continue."""
        self._locked_user = username
        self.title_label.setText("Locked")
        self.intro.setText(
            f"The studio was locked after {idle_minutes} minutes without input. Enter the "
            f"password of {username} to continue; your open work is kept."
        )
        self.first_run_box.setVisible(False)
        self.sign_in_box.setVisible(True)
        self.username.setText(username)
        self.username.setEnabled(False)
        self.remember.setVisible(False)
        self.password.clear()
        self.password.setFocus()

    def unlock(self) -> None:
        """Back to the ordinary sign-in form."""
        self._locked_user = None
        self.username.setEnabled(True)
        self.remember.setVisible(True)

    def refresh(self) -> None:
        """First run or sign in? Asked again each time the page is shown."""
        studio = self.studio
        if self._locked_user is not None:
            return
        if studio is not None:
            last = str(self.settings.value("signIn/rememberedUser", ""))
            self.runner.submit(lambda: _mode(studio, last), self._show_mode, self._on_failed)

    def _show_mode(self, mode: _Mode) -> None:
        admin_exists = mode.admin_exists
        self.remember.setEnabled(mode.keyring_problem is None)
        if mode.keyring_problem:
            self.remember.setChecked(False)
            self.remember.setToolTip(f"Unavailable: {mode.keyring_problem}.")
            self.remember.setText("Remember me is unavailable: no OS keyring on this computer")
        last = str(self.settings.value("signIn/rememberedUser", ""))
        if self._locked_user is not None:
            return
        if admin_exists and mode.remembered and last and not self._busy and not self._auto_tried:
            self._auto_tried = True  # once per run: a stale password must not lock the account
            self.username.setText(last)
            self.remember.setChecked(True)
            self._submit_sign_in(last, mode.remembered, remember=True, automatic=True)
        self.sign_in_box.setVisible(admin_exists)
        self.first_run_box.setVisible(not admin_exists)
        self.title_label.setText("Sign In" if admin_exists else "Create the First Administrator")
        if admin_exists:
            self.intro.setText("Log in with the provider credentials to open the Control Panel.")
            self.username.setFocus()
        else:
            self.intro.setText(
                "No provider administrator exists yet. Create the first one: there is no "
                "default password. The password needs at least 12 characters, must not be "
                "the username, and must not be a common password."
            )
            self._validate_first_run()

    def _new_user(self) -> NewUserInput:
        values = {field: edit.text() for field, edit in self.new_inputs.items()}
        return NewUserInput(**values)

    def _validate_first_run(self) -> None:
        errors = new_user_errors(self._new_user())
        typed = {f for f, edit in self.new_inputs.items() if edit.text()}
        self.fields.show_errors({f: m for f, m in errors.items() if f in typed})
        self.create_button.setEnabled(not errors and not self._busy)

    def sign_in(self) -> None:
        """Check the credentials off the GUI thread."""
        studio = self.studio
        if studio is None or self._busy:
            return
        remember = self.remember.isChecked() and self._locked_user is None
        self._submit_sign_in(self.username.text(), self.password.text(), remember)

    def _submit_sign_in(
        self, username: str, password: str, remember: bool, automatic: bool = False
    ) -> None:
        studio = self.studio
        if studio is None:
            return
        self._busy = True
        self.sign_in_button.setEnabled(False)
        self.error.setText("Signing in…")

        def failed(error: BaseException) -> None:
            if automatic:  # the remembered password is stale: forget it, ask instead
                self.settings.remove("signIn/rememberedUser")
                self.runner.submit(lambda: _forget(studio, username), lambda _r: None)
                self.remember.setChecked(False)
            self._on_failed(error)

        self.runner.submit(
            lambda: _sign_in(studio, username, password, remember),
            lambda result: self._after_sign_in(result, remember),
            failed,
        )

    def _after_sign_in(self, result: _SignedIn, remember: bool) -> None:
        if result.remember_problem:
            self.remember.setChecked(False)
            self.remember.setEnabled(False)
            self.remember.setText("Remember me is unavailable: the OS keyring refused")
            self.remember.setToolTip(result.remember_problem)
            remember = False
        self._signed_in(result.actor, remember)

    def create_first_admin(self) -> None:
        """Create the first provider administrator and sign in as them."""
        studio = self.studio
        if studio is None or self._busy:
            return
        data = self._new_user()
        self._busy = True
        self.create_button.setEnabled(False)
        self.error.setText("Creating the administrator…")
        self.runner.submit(lambda: _first_run(studio, data), self._signed_in, self._on_failed)

    def _signed_in(self, actor: Actor, remember: bool = False) -> None:
        self._busy = False
        if self._locked_user is not None:
            self.password.clear()
            self.error.setText("")
            self.sign_in_button.setEnabled(True)
            self.signedIn.emit(actor)  # unlocked: remembered settings stay as they were
            return
        if remember:
            self.settings.setValue("signIn/rememberedUser", actor.name)
        else:
            self.settings.remove("signIn/rememberedUser")
        self.password.clear()
        for field in ("password", "password_confirmation"):
            self.new_inputs[field].clear()
        self.error.setText("")
        self.sign_in_button.setEnabled(True)
        self.signedIn.emit(actor)

    def _on_failed(self, error: BaseException) -> None:
        self._busy = False
        self.sign_in_button.setEnabled(True)
        self.password.clear()
        self.error.setText(self.fields.failure_text(error))
        self._validate_first_run()


def row_widget(layout: QHBoxLayout) -> QWidget:
    """A layout wrapped in a widget, for a form row."""
    widget = QWidget()
    widget.setLayout(layout)
    layout.setContentsMargins(0, 0, 0, 0)
    return widget
