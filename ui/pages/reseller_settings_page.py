"""``Home » System Configuration » Reseller Settings``: enable the two reseller types.

Each type in its own group: enabled, label, agreement terms, and its defaults. Checked
as you type with the studio's rules; the currency list (pycountry) is loaded by the
page's first background load, so typing never waits for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
)

from studio.domain.actors import Actor
from studio.domain.reseller_settings_rules import (
    PAYOUT_CYCLES,
    TYPES,
    ResellerTypeInput,
    type_errors,
)
from studio.errors import FieldError
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner
from ui.widgets.controls import button, button_row
from ui.widgets.forms import FormFields, fill_inputs

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.domain.reseller_settings_rules import ResellerType

_TITLES = {
    "commission": "Commission Based resellers",
    "subscription": "Subscription Based resellers",
}


Loaded = tuple[dict[str, "ResellerType"], dict[str, int]]


def _load(studio: Studio, actor: Actor) -> Loaded:
    from studio.domain.reseller_settings_rules import currency_error  # start-up
    from studio.services.reseller_list import count_by_type  # start-up
    from studio.services.reseller_settings import get_reseller_settings  # start-up

    currency_error("USD")  # loads pycountry's currencies here, not on the GUI thread
    return get_reseller_settings(studio, actor), count_by_type(studio, actor)


def _save(studio: Studio, actor: Actor, data: list[ResellerTypeInput]) -> Loaded:
    from studio.services.reseller_list import count_by_type  # start-up
    from studio.services.reseller_settings import save_reseller_settings  # start-up

    return save_reseller_settings(studio, actor, data), count_by_type(studio, actor)


def in_use_text(count: int, enabled: bool) -> str:
    """What disabling a type means for the resellers that have it."""
    if count == 0:
        return "No reseller has this type yet."
    resellers = "1 reseller has" if count == 1 else f"{count:,} resellers have"
    if enabled:
        return f"{resellers} this type."
    return f"{resellers} this type: they keep working, but no new reseller can be given it."


class _TypeForm:
    """The widgets of one reseller type."""

    def __init__(self, kind: str, page: ResellerSettingsPage) -> None:
        self.kind = kind
        prefix = f"reseller{kind.capitalize()}"
        self.box = QGroupBox(_TITLES[kind])
        self.box.setObjectName(f"{prefix}Group")
        form = QFormLayout(self.box)
        self.fields = FormFields(form, prefix)
        self.enabled = QCheckBox("Enabled: new resellers may be given this type")
        self.label = QLineEdit()
        self.commission = QLineEdit()
        self.commission.setPlaceholderText("0-100, e.g. 12.5")
        self.payout_cycle = QComboBox()
        self.payout_cycle.addItems(list(PAYOUT_CYCLES))
        self.currency = QLineEdit()
        self.currency.setMaxLength(3)
        self.currency.setPlaceholderText("ISO 4217, e.g. USD")
        self.terms = QPlainTextEdit()
        self.terms.setPlaceholderText("Shown to resellers of this type in their panel")
        self.terms.setMaximumHeight(80)
        self.fields.add("enabled", "Enabled", self.enabled)
        self.in_use = QLabel("")
        self.in_use.setObjectName(f"{prefix}InUse")
        self.in_use.setWordWrap(True)
        self.fields.layout.addRow("", self.in_use)
        self.count = 0
        self.enabled.toggled.connect(self.show_in_use)
        self.fields.add("label", "Label", self.label, required=True)
        if kind == "commission":
            self.fields.add("commission", "Commission %", self.commission, required=True)
            self.fields.add("payout_cycle", "Payout cycle", self.payout_cycle)
        self.fields.add("currency", "Currency", self.currency, required=True)
        self.fields.add("terms", "Agreement terms", self.terms)
        for edit in (self.label, self.commission, self.currency):
            edit.textChanged.connect(page.validate)
        self.terms.textChanged.connect(page.validate)
        self.enabled.toggled.connect(page.validate)
        self.payout_cycle.currentIndexChanged.connect(page.validate)

    def show_in_use(self) -> None:
        """How many resellers have this type, and what disabling it means for them."""
        self.in_use.setText(in_use_text(self.count, self.enabled.isChecked()))

    def fill(self, settings: ResellerType) -> None:
        # Every input, those a Subscription Based form does not show included: value()
        # reads them all, and a difference would count as an unsaved change.
        inputs = {
            "enabled": self.enabled,
            "label": self.label,
            "commission": self.commission,
            "payout_cycle": self.payout_cycle,
            "currency": self.currency,
            "terms": self.terms,
        }
        fill_inputs(inputs, settings.as_input())

    def value(self) -> ResellerTypeInput:
        return ResellerTypeInput(
            self.kind,
            self.enabled.isChecked(),
            self.label.text(),
            self.terms.toPlainText(),
            self.commission.text(),
            self.payout_cycle.currentText(),
            self.currency.text(),
        )


class ResellerSettingsPage(Page):
    """Edit both reseller types; Save writes both in one transaction."""

    def __init__(self, spec: PageSpec, runner: TaskRunner, actor: Actor) -> None:
        super().__init__(spec, runner, actor)
        self.paragraph(
            "Enable the reseller types you offer. A disabled type cannot be chosen "
            "when creating a reseller; resellers that have it keep working."
        )
        self.forms = {kind: _TypeForm(kind, self) for kind in TYPES}
        row = QHBoxLayout()
        for form in self.forms.values():
            row.addWidget(form.box, 1)
        self.layout_.addLayout(row)
        self.save_button = button("&Save", "resellerSave", self.save)
        self.layout_.addLayout(button_row(self.save_button))
        self.state_line("resellerSettingsState")
        self.layout_.addStretch(1)
        self._loaded: dict[str, ResellerTypeInput] | None = None
        self._ready = False
        self.save_button.setEnabled(False)

    def values(self) -> list[ResellerTypeInput]:
        """Both types as typed."""
        return [form.value() for form in self.forms.values()]

    def validate(self) -> None:
        """Messages beside the fields; Save only when valid and changed."""
        if not self._ready:
            return
        valid = True
        for form in self.forms.values():
            errors = type_errors(form.value())
            form.fields.show_errors({f: m for f, m in errors.items() if f in form.fields.inputs})
            valid = valid and not errors
        self.save_button.setEnabled(valid and self.has_unsaved_changes())

    def has_unsaved_changes(self) -> bool:
        """Typed values differ from the saved ones."""
        return self._loaded is not None and {v.type: v for v in self.values()} != self._loaded

    def can_save(self) -> bool:
        """File > Save follows the Save button."""
        return self.save_button.isEnabled()

    def refresh(self) -> None:
        """Load off the GUI thread."""
        studio = self.studio
        if studio is not None and not self.has_unsaved_changes():
            self.run(lambda: _load(studio, self.actor), self._show, self._failed)

    def _show(self, loaded: Loaded) -> None:
        settings, counts = loaded
        self._ready = False
        for kind, form in self.forms.items():
            form.count = counts[kind]
            form.fill(settings[kind])
            form.show_in_use()
        self._loaded = {kind: s.as_input() for kind, s in settings.items()}
        self._ready = True
        self.validate()

    def save(self) -> None:
        """Save both types through the service."""
        studio = self.studio
        if studio is None or not self.can_save():
            return
        data = self.values()
        self.save_button.setEnabled(False)
        self.run(lambda: _save(studio, self.actor, data), self._saved, self._failed)

    def _saved(self, loaded: Loaded) -> None:
        self._show(loaded)
        settings = loaded[0]
        enabled = [s.label for s in settings.values() if s.enabled]
        self.state.setText(f"Saved. Enabled: {', '.join(enabled) or 'none'}.")
        self.statusMessage.emit("Reseller Settings saved")
        self.saved.emit()

    def _failed(self, error: BaseException) -> None:
        self.validate()  # Save follows the typed values again, before the server's errors
        if isinstance(error, FieldError):  # keys are "<type>.<field>": each form its own
            for kind, form in self.forms.items():
                mine = {
                    k.split(".", 1)[1]: v
                    for k, v in error.errors.items()
                    if k.startswith(f"{kind}.")
                }
                if mine:
                    form.fields.show_errors(mine)
            self.state.setText("Not saved: correct the fields marked above.")
        else:  # the one wording of every form
            self.state.setText(self.forms["commission"].fields.failure_text(error, "Not saved: "))
        self.saveFailed.emit(self.state.text())
