"""The New Reseller wizard, and Edit, which uses the same pages.

Pages, as MachPanel's New Reseller form: *Reseller type*, *Login and personal details*
(Reseller Login Information and Customer Information), *Company profile* with its
departments and signatures, and a *Summary* whose Finish button reads "Add Reseller".
Every page checks its fields with the studio's rules as you type (``check_reseller``),
shows each message beside its field and keeps Next disabled until the page is valid.
Checks that need the database (username or e-mail already used) and the save itself
run in the background from ``validatePage``; the window never freezes.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from studio.domain.actors import Actor
from studio.domain.contact import countries, phone_display
from studio.domain.reseller_rules import Company, ResellerInput, check_reseller
from studio.domain.reseller_settings_rules import TYPES
from studio.errors import FieldError, StudioError
from ui.tasks import TaskRunner
from ui.widgets.contact_widgets import AddressFields, LocaleCombo
from ui.widgets.departments_editor import DepartmentsEditor
from ui.widgets.forms import FormFields
from ui.widgets.logo_picker import LogoPicker

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.domain.reseller_settings_rules import ResellerType
    from studio.services.resellers import ResellerDetails

PAGE_TYPE, PAGE_PERSONAL, PAGE_COMPANY, PAGE_SUMMARY = range(4)


def _availability(
    studio: Studio, actor: Actor, username: str, email: str, exclude: int | None
) -> dict[str, str]:
    from studio.services.resellers import availability_errors  # start-up

    return availability_errors(studio, actor, username, email, exclude)


def _save(
    studio: Studio, actor: Actor, data: ResellerInput, details: ResellerDetails | None
) -> ResellerDetails:
    from studio.services.resellers import create_reseller, update_reseller  # start-up

    if details is None:
        return create_reseller(studio, actor, data)
    return update_reseller(studio, actor, details.id, data, details.version)


def _reload(studio: Studio, actor: Actor, reseller_id: int) -> ResellerDetails:
    from studio.services.resellers import get_reseller  # start-up

    return get_reseller(studio, actor, reseller_id)


def _scrolled(inner: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(inner)
    return area


class _FormPage(QWizardPage):
    """A page of fields: shows the wizard's errors for its own fields, complete when none."""

    def __init__(self, wizard: ResellerWizard, title: str, subtitle: str, state_name: str) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.inner = QWidget()
        self.form = QFormLayout(self.inner)
        self.fields = FormFields(self.form, "reseller")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(_scrolled(self.inner))
        self.state = QLabel()
        self.state.setObjectName(state_name)
        self.state.setWordWrap(True)
        outer.addWidget(self.state)

    def line(self, field: str, label: str, required: bool = False, **kw: Any) -> QLineEdit:
        """A text row watched by the wizard."""
        edit = QLineEdit()
        if kw.get("password"):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        if "placeholder" in kw:
            edit.setPlaceholderText(kw["placeholder"])
        self.fields.add(field, label, edit, required)
        self.wizard_.watch(field, edit.textChanged)
        return edit

    def own_errors(self, errors: dict[str, str]) -> dict[str, str]:
        """The errors that belong on this page."""
        return {k: v for k, v in errors.items() if k in self.fields.inputs}

    def show_errors(self, errors: dict[str, str]) -> None:
        """Messages beside the fields (only touched ones say "is required")."""
        self.fields.show_errors(self.wizard_.visible(self.own_errors(errors)))

    def isComplete(self) -> bool:
        """Next is enabled only when this page's fields are valid."""
        return not self.own_errors(self.wizard_.errors)


class TypePage(QWizardPage):
    """Reseller type: only enabled types (an edited reseller may keep a disabled one)."""

    def __init__(self, wizard: ResellerWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Reseller type")
        self.setSubTitle("Choose how this reseller does business with you.")
        layout = QVBoxLayout(self)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        current = wizard.details.data.type if wizard.details else None
        for kind in TYPES:
            settings = wizard.types[kind]
            if not settings.enabled and kind != current:
                continue
            text = settings.label + ("" if settings.enabled else " (disabled; kept)")
            button = QRadioButton(text)
            button.setObjectName(f"resellerWizardType{kind.capitalize()}")
            hint = {
                "commission": "Sells your offerings and earns a commission on each sale.",
                "subscription": "Prepaid: subscribes to your reseller plans and sells its own.",
            }[kind]
            button.setToolTip(hint)
            self.group.addButton(button)
            self.buttons[kind] = button
            layout.addWidget(button)
            note = QLabel(hint)
            note.setContentsMargins(24, 0, 0, 8)
            layout.addWidget(note)
            button.toggled.connect(wizard.revalidate)
        self.none_label = QLabel(
            "No reseller type is enabled. Enable Commission Based or Subscription Based "
            "resellers in Reseller Settings first."
        )
        self.none_label.setObjectName("resellerWizardNoTypes")
        self.none_label.setWordWrap(True)
        self.open_settings = QPushButton("Open Reseller Settings")
        self.open_settings.setObjectName("resellerWizardOpenSettings")
        self.open_settings.clicked.connect(wizard.open_settings)
        none = not self.buttons
        self.none_label.setVisible(none)
        self.open_settings.setVisible(none)
        layout.addWidget(self.none_label)
        layout.addWidget(self.open_settings)
        layout.addStretch(1)
        if current in self.buttons:
            self.buttons[current].setChecked(True)
        elif len(self.buttons) == 1:
            next(iter(self.buttons.values())).setChecked(True)

    def value(self) -> str:
        """The chosen type's key ('' when none)."""
        return next((k for k, b in self.buttons.items() if b.isChecked()), "")

    def isComplete(self) -> bool:
        """A type must be chosen."""
        return bool(self.value())


class PersonalPage(_FormPage):
    """Reseller Login Information and Customer Information."""

    def __init__(self, wizard: ResellerWizard) -> None:
        editing = wizard.details is not None
        super().__init__(
            wizard,
            "Login and personal details",
            "The reseller signs in with this username (or its e-mail) and password.",
            "resellerWizardPersonalState",
        )
        self.username = self.line(
            "username", "Username", True, placeholder="e.g. acme or ops@acme.example"
        )
        hint = "leave empty to keep the current one" if editing else "at least 12 characters"
        self.password = self.line(
            "password", "Password", not editing, password=True, placeholder=hint
        )
        self.confirmation = self.line(
            "password_confirmation", "Confirm password", not editing, password=True
        )
        self.first_name = self.line("first_name", "First name", True)
        self.last_name = self.line("last_name", "Last name", True)
        self.email = self.line("email", "E-mail", True)
        self.alternate_email = self.line("alternate_email", "Alternate e-mail")
        self.address = AddressFields(self.fields, "", True, wizard.touch)
        self.phone = self.line(
            "phone", "Phone", True, placeholder="e.g. 020 7946 0958 or +1 202 555 0143"
        )
        self.mobile = self.line("mobile", "Mobile")
        self.fax = self.line("fax", "Fax")
        self.locale_box = LocaleCombo()
        self.fields.add("locale", "Locale", self.locale_box)
        system = QLocale.system().name().replace("_", "-")
        self.locale_box.set_code(system if self.locale_box.findData(system) >= 0 else "en-US")
        self.locale_box.setToolTip("Language and region of the reseller's panel, dates and numbers")
        self.locale_box.currentTextChanged.connect(wizard.revalidate)
        self._checked: tuple[str, str] | None = None
        self._checking = False

    def validatePage(self) -> bool:
        """Ask the database whether username and e-mail are free, without freezing."""
        wizard = self.wizard_
        key = (self.username.text().strip(), self.email.text().strip())
        if self._checked == key:
            return True
        if self._checking:
            return False
        self._checking = True
        self.state.setText("Checking that the username and e-mail are free…")
        exclude = wizard.details.id if wizard.details else None
        wizard.runner.submit(
            lambda: _availability(wizard.studio, wizard.actor, key[0], key[1], exclude),
            lambda errors: self._checked_result(key, errors),
            self._check_failed,
        )
        return False

    def _checked_result(self, key: tuple[str, str], errors: dict[str, str]) -> None:
        self._checking = False
        if errors:
            self.state.setText("Choose another username or e-mail.")
            self.wizard_.server_errors = errors
            self.wizard_.revalidate()
            return
        self.state.setText("")
        self._checked = key
        self.wizard_.next()

    def _check_failed(self, error: BaseException) -> None:
        self._checking = False
        self.state.setText(self.fields.failure_text(error, "Cannot check the username: "))


class CompanyPage(_FormPage):
    """The company profile, its logo and its departments with their signatures."""

    def __init__(self, wizard: ResellerWizard) -> None:
        super().__init__(
            wizard,
            "Company profile",
            "How the reseller's company appears on its panel, invoices and mails.",
            "resellerWizardCompanyState",
        )
        self.name = self.line("company.name", "Company name", True)
        self.website = self.line("company.website", "Web URL", placeholder="e.g. www.example.com")
        self.email = self.line("company.email", "Company e-mail")
        self.phone = self.line("company.phone", "Company phone")
        self.fax = self.line("company.fax", "Fax")
        self.same_as_personal = QPushButton("Same as personal details")
        self.same_as_personal.setObjectName("companySameAddress")
        self.same_as_personal.setToolTip("Copy the personal address into the company address")
        self.form.addRow("", self.same_as_personal)
        self.address = AddressFields(self.fields, "company.", False, wizard.touch)
        self.tax_id = self.line("company.tax_id", "Tax / VAT number")
        self.logo = LogoPicker(wizard.runner)
        self.fields.add("company.logo", "Logo", self.logo)
        self.logo.changed.connect(wizard.revalidate)
        self.departments = DepartmentsEditor()
        self.departments.fill(Company().departments)
        group = QGroupBox("Departments: contacts and mail signatures")
        group.setObjectName("companyDepartmentsGroup")
        QVBoxLayout(group).addWidget(self.departments)
        group.setMinimumHeight(250)
        self.form.addRow(group)
        self.departments.changed.connect(wizard.revalidate)
        self.name.textChanged.connect(self.departments.set_company_name)
        self.same_as_personal.clicked.connect(
            lambda: self.address.fill(wizard.personal.address.value())
        )

    def own_errors(self, errors: dict[str, str]) -> dict[str, str]:
        """Company fields, departments included."""
        return {k: v for k, v in errors.items() if k.startswith("company.")}

    def show_errors(self, errors: dict[str, str]) -> None:
        """Fields beside their rows; department messages inside the editor."""
        mine = self.wizard_.visible(self.own_errors(errors))
        if self.logo.problem:
            mine["company.logo"] = self.logo.problem
        self.fields.show_errors(
            {k: v for k, v in mine.items() if not k.startswith("company.departments.")}
        )
        self.departments.show_errors(mine)

    def isComplete(self) -> bool:
        """Valid company fields and a readable logo."""
        return not self.own_errors(self.wizard_.errors) and not self.logo.problem


class SummaryPage(QWizardPage):
    """What will be saved; Finish ("Add Reseller" / "Save Changes") saves it."""

    def __init__(self, wizard: ResellerWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Summary")
        self.setSubTitle("Check the details, then add the reseller.")
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setObjectName("resellerWizardSummary")
        self.text.setOpenLinks(False)
        layout.addWidget(self.text)
        self.state = QLabel()
        self.state.setObjectName("resellerWizardState")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        self.reload_button = QPushButton("Reload")
        self.reload_button.setObjectName("resellerWizardReload")
        self.reload_button.setVisible(False)
        self.reload_button.clicked.connect(wizard.reload)
        layout.addWidget(self.reload_button)
        self.saving = False

    def initializePage(self) -> None:
        """Describe what is about to be saved."""
        normalised, _errors = check_reseller(self.wizard_.value())
        self.text.setHtml(summary_html(normalised, self.wizard_.types))
        self.state.setText("")
        self.reload_button.setVisible(False)

    def validatePage(self) -> bool:
        """Save in the background; the wizard closes once the studio has written it."""
        wizard = self.wizard_
        if wizard.saved is not None:
            return True
        if self.saving:
            return False
        self.saving = True
        self._lock_buttons(True)  # the save cannot be called back once it has started
        self.state.setText("Saving…")
        data = wizard.value()
        wizard.runner.submit(
            lambda: _save(wizard.studio, wizard.actor, data, wizard.details),
            self._saved,
            self._failed,
        )
        return False

    def _lock_buttons(self, locked: bool) -> None:
        for which in (QWizard.WizardButton.CancelButton, QWizard.WizardButton.BackButton):
            button = self.wizard_.button(which)
            if button is not None:
                button.setEnabled(not locked)

    def _saved(self, details: ResellerDetails) -> None:
        self.saving = False
        self.wizard_.saved = details
        self.wizard_.resellerSaved.emit(details)
        self.wizard_.accept()

    def _failed(self, error: BaseException) -> None:
        from studio.errors import ConflictError  # start-up

        self.saving = False
        self._lock_buttons(False)
        wizard = self.wizard_
        if isinstance(error, FieldError):
            wizard.server_errors = error.errors
            wizard.revalidate()
            first = next(iter(error.errors))
            page = (
                PAGE_TYPE
                if first == "type"
                else (PAGE_COMPANY if first.startswith("company.") else PAGE_PERSONAL)
            )
            self.state.setText(
                f"Not saved: {first}: {error.errors[first]}. "
                f"Go back to {wizard.page(page).title()} to correct it."
            )
        elif isinstance(error, ConflictError):
            self.state.setText(str(error))
            self.reload_button.setVisible(True)
        elif isinstance(error, StudioError):
            self.state.setText(f"Not saved: {error}")
        else:
            self.state.setText(f"Unexpected error: {error!r} (details in the log)")


def summary_html(data: ResellerInput, types: dict[str, ResellerType]) -> str:
    """The summary as HTML, every value escaped (text that looks like HTML stays text)."""

    def row(label: str, value: str) -> str:
        shown = html.escape(value) if value else "<span style='color: #888'>—</span>"
        return f"<tr><td><b>{html.escape(label)}</b></td><td>{shown}</td></tr>"

    def address(a: Any) -> str:
        country = countries().get(a.country, a.country)
        return ", ".join(
            p for p in (a.line1, a.line2, a.city, a.state, a.postal_code, country) if p
        )

    label = types[data.type].label if data.type in types else data.type
    company = data.company
    rows = [
        row("Type", label),
        row("Username", data.username),
        row("Name", f"{data.first_name} {data.last_name}"),
        row("E-mail", data.email),
        row("Phone", phone_display(data.phone)),
        row("Mobile", phone_display(data.mobile)),
        row("Address", address(data.address)),
        row("Locale", data.locale),
        row("Company", company.name),
        row("Company address", address(company.address)),
        row("Company phone", phone_display(company.phone)),
        row("Web URL", company.website),
        row("Tax / VAT number", company.tax_id),
        row("Logo", f"{len(company.logo):,} bytes" if company.logo else "none"),
        row("Departments", ", ".join(d.name for d in company.departments) or "none"),
        row("Password", "set" if data.password else "unchanged" if data.password is None else ""),
    ]
    return f"<table cellspacing='4'>{''.join(rows)}</table>"


class ResellerWizard(QWizard):
    """New Reseller (``details`` None) or Edit (``details`` given) on the same pages."""

    resellerSaved = Signal(object)
    openSettingsRequested = Signal()

    def __init__(
        self,
        studio: Studio,
        actor: Actor,
        runner: TaskRunner,
        types: dict[str, ResellerType],
        *,
        details: ResellerDetails | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resellerWizard")
        self.studio = studio
        self.actor = actor
        self.runner = runner
        self.types = types
        self.details = details
        self.saved: ResellerDetails | None = None
        self.errors: dict[str, str] = {}
        self.server_errors: dict[str, str] = {}
        self.touched: set[str] = set()
        self._filling = False
        self._discard_confirmed = False
        self._ready = False  # pages being built: nothing to check yet
        editing = details is not None
        self.setWindowTitle("Edit Reseller" if editing else "New Reseller")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(
            QWizard.WizardButton.FinishButton, "Save Changes" if editing else "Add Reseller"
        )
        self.type_page = TypePage(self)
        self.personal = PersonalPage(self)
        self.company = CompanyPage(self)
        self.summary = SummaryPage(self)
        for index, page in enumerate((self.type_page, self.personal, self.company, self.summary)):
            self.setPage(index, page)
        self.resize(760, 600)
        #: "Add and Subscribe Service" (as MachPanel offers) was chosen over Add Reseller.
        self.then_subscribe = False
        if not editing:
            self.setButtonText(QWizard.WizardButton.CustomButton1, "Add and Subscribe Service")
            self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
            subscribe = self.button(QWizard.WizardButton.CustomButton1)
            if subscribe is not None:
                subscribe.setObjectName("resellerWizardAddAndSubscribe")
                subscribe.setToolTip("Add the reseller, then Subscribe As Reseller at once")
            self.customButtonClicked.connect(self._add_and_subscribe)
            self.currentIdChanged.connect(self._show_subscribe_button)
            self._show_subscribe_button(self.currentId())
        self._ready = True
        if details is not None:
            self.fill(details)  # checks once, when every field is in
        else:
            self.revalidate()
        self._initial = self.value()

    def _show_subscribe_button(self, page_id: int) -> None:
        """Only on the summary, and only for a Subscription Based reseller."""
        button = self.button(QWizard.WizardButton.CustomButton1)
        if button is not None:
            button.setVisible(page_id == PAGE_SUMMARY and self.type_page.value() == "subscription")

    def _add_and_subscribe(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton1.value:
            self.then_subscribe = True
            self.accept()  # validates the summary: the save, as Add Reseller does

    # -- fields -------------------------------------------------------------------------

    def watch(self, field: str, signal: Any) -> None:
        """Mark ``field`` touched and re-check when ``signal`` fires."""
        signal.connect(lambda *_: self.touch(field))

    def touch(self, field: str) -> None:
        """``field`` was edited: its "is required" may show now; re-check everything."""
        if not self._filling:
            self.touched.add(field)
            self.server_errors.pop(field, None)
        self.revalidate()

    def visible(self, errors: dict[str, str]) -> dict[str, str]:
        """Errors to show now: "is required" waits until the field has been touched."""
        return {k: v for k, v in errors.items() if v != "is required" or k in self.touched}

    def value(self) -> ResellerInput:
        """Everything typed, as the studio's input."""
        p, c = self.personal, self.company
        password: str | None = p.password.text()
        confirmation: str | None = p.confirmation.text()
        if self.details is not None and not password and not confirmation:
            password = confirmation = None  # editing: keep the current password
        elif not password:
            password = None
        return ResellerInput(
            type=self.type_page.value(),
            username=p.username.text(),
            first_name=p.first_name.text(),
            last_name=p.last_name.text(),
            email=p.email.text(),
            alternate_email=p.alternate_email.text(),
            phone=p.phone.text(),
            mobile=p.mobile.text(),
            fax=p.fax.text(),
            address=p.address.value(),
            locale=p.locale_box.code(),
            password=password,
            password_confirmation=confirmation,
            company=Company(
                name=c.name.text(),
                website=c.website.text(),
                email=c.email.text(),
                phone=c.phone.text(),
                fax=c.fax.text(),
                address=c.address.value(),
                tax_id=c.tax_id.text(),
                departments=c.departments.value(),
                logo=c.logo.data,
            ),
        )

    def fill(self, details: ResellerDetails) -> None:
        """Show a stored reseller (Edit, and Reload after a conflict)."""
        self._filling = True
        data = details.data
        p, c = self.personal, self.company
        if data.type in self.type_page.buttons:
            self.type_page.buttons[data.type].setChecked(True)
        for edit, value in (
            (p.username, data.username),
            (p.first_name, data.first_name),
            (p.last_name, data.last_name),
            (p.email, data.email),
            (p.alternate_email, data.alternate_email),
            (p.phone, phone_display(data.phone)),
            (p.mobile, phone_display(data.mobile)),
            (p.fax, phone_display(data.fax)),
            (c.name, data.company.name),
            (c.website, data.company.website),
            (c.email, data.company.email),
            (c.phone, phone_display(data.company.phone)),
            (c.fax, phone_display(data.company.fax)),
            (c.tax_id, data.company.tax_id),
        ):
            edit.setText(value)
        p.password.clear()
        p.confirmation.clear()
        p.address.fill(data.address)
        p.locale_box.set_code(data.locale)
        c.address.fill(data.company.address)
        c.logo.set_data(data.company.logo)
        c.departments.fill(data.company.departments)
        self.details = details
        self._filling = False
        self.revalidate()

    def revalidate(self) -> None:
        """Check everything with the studio's rules; each page shows its part."""
        if not self._ready or self._filling:  # building, or filling 30 fields: check after
            return
        _, errors = check_reseller(self.value(), password_required=self.details is None)
        for field, message in self.server_errors.items():
            errors.setdefault(field, message)
        self.errors = errors
        self.personal.show_errors(errors)
        self.company.show_errors(errors)
        for page in (self.type_page, self.personal, self.company):
            page.completeChanged.emit()

    # -- actions ------------------------------------------------------------------------

    def open_settings(self) -> None:
        """No type enabled: close and let the window open Reseller Settings."""
        self._discard_confirmed = True
        self.openSettingsRequested.emit()
        self.reject()

    def reload(self) -> None:
        """After a conflict: load the other studio's version and show it."""
        assert self.details is not None
        reseller_id = self.details.id
        self.summary.state.setText("Reloading…")
        self.runner.submit(
            lambda: _reload(self.studio, self.actor, reseller_id),
            self._reloaded,
            lambda e: self.summary.state.setText(f"Cannot reload: {e}"),
        )

    def _reloaded(self, details: ResellerDetails) -> None:
        self.fill(details)
        self._initial = self.value()
        self.summary.initializePage()
        self.summary.state.setText(
            f"Reloaded: now showing the version saved by {details.updated_by}. "
            "Make your changes again, then save."
        )

    def has_typed_input(self) -> bool:
        """Whether Cancel would lose something typed."""
        return self.saved is None and self.value() != self._initial

    def reject(self) -> None:
        """Cancel: ask first when something was typed; never while a save is under way."""
        if self.summary.saving:
            return
        if self._discard_confirmed or not self.has_typed_input():
            super().reject()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.windowTitle(),
            "Discard what you typed?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("resellerWizardDiscard")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(self._on_discard_answer)
        self.discard_box = box
        box.open()

    def _on_discard_answer(self, result: int) -> None:
        if result == QMessageBox.StandardButton.Discard:
            self._discard_confirmed = True
            super().reject()


def open_reseller_wizard(
    parent: QWidget,
    studio: Studio,
    actor: Actor,
    runner: TaskRunner,
    *,
    types: dict[str, ResellerType],
    details: ResellerDetails | None,
    on_saved: Callable[[ResellerDetails], None],
) -> ResellerWizard:
    """Open the wizard window-modally (never ``exec``); ``on_saved`` after it saves."""
    wizard = ResellerWizard(studio, actor, runner, types, details=details, parent=parent)
    wizard.resellerSaved.connect(on_saved)
    wizard.open()
    return wizard
