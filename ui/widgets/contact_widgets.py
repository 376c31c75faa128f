"""Inputs for contact details: a searchable country list, a locale list, one address.

:class:`AddressFields` is the one address widget: the reseller's personal address and
its company's address are two instances with different field prefixes, so both are
checked by the same rules (``studio.domain.reseller_rules``) and name the same fields.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import ClassVar

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from studio.domain.contact import countries
from studio.domain.reseller_rules import ADDRESS_FIELDS, Address
from ui.widgets.forms import FormFields


class _SearchableCombo(QComboBox):
    """An editable combo box whose completer finds items by any part of their text."""

    def __init__(self, items: list[tuple[str, str]], placeholder: str) -> None:
        super().__init__()
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItem("", "")
        for text, code in items:
            self.addItem(text, code)
        completer = QCompleter(self.model(), self)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        line = self.lineEdit()
        assert line is not None
        line.setPlaceholderText(placeholder)
        self._codes = {code.casefold(): code for _text, code in items}
        self._by_text = {text.casefold(): code for text, code in items}

    def code(self) -> str:
        """The chosen item's code; typed text that is a code or a name counts too."""
        text = self.currentText().strip()
        folded = text.casefold()
        if folded in self._by_text:
            return self._by_text[folded]
        return self._codes.get(folded.replace("_", "-"), text)

    def set_code(self, code: str) -> None:
        """Select the item with ``code`` (or show the code as typed if unknown)."""
        index = self.findData(code)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(code)


class CountryCombo(_SearchableCombo):
    """ISO 3166 countries, ``United Kingdom (GB)``; type any part of a name or the code."""

    def __init__(self) -> None:
        super().__init__(
            [(f"{name} ({code})", code) for code, name in countries().items()],
            "Type to search, e.g. Germany or DE",
        )
        self._by_text.update({name.casefold(): code for code, name in countries().items()})


@cache  # the same for every wizard: Qt's locale table does not change while running
def _locales() -> list[tuple[str, str]]:
    """Every language-region pair Qt knows, as ``English (United Kingdom) — en-GB``."""
    seen: dict[str, str] = {}
    for locale in QLocale.matchingLocales(
        QLocale.Language.AnyLanguage, QLocale.Script.AnyScript, QLocale.Country.AnyCountry
    ):
        name = locale.name()  # en_GB
        parts = name.split("_")
        if len(parts) != 2 or len(parts[0]) != 2 or len(parts[1]) != 2:
            continue
        tag = f"{parts[0]}-{parts[1]}"
        language = QLocale.languageToString(locale.language())
        territory = QLocale.territoryToString(locale.territory())
        seen.setdefault(tag, f"{language} ({territory}) — {tag}")
    return sorted(((text, tag) for tag, text in seen.items()), key=lambda item: item[0])


class LocaleCombo(_SearchableCombo):
    """Language and region for the reseller's panel, its dates and numbers."""

    def __init__(self) -> None:
        super().__init__(_locales(), "e.g. en-US, de-DE")


class AddressFields:
    """Address rows added to a form, named ``<prefix>address_line1`` … ``<prefix>country``."""

    LABELS: ClassVar[dict[str, str]] = {
        "line1": "Address line 1",
        "line2": "Address line 2",
        "city": "City",
        "state": "State / province",
        "postal_code": "Postal code",
        "country": "Country",
    }
    REQUIRED = ("line1", "city", "country")

    def __init__(
        self, fields: FormFields, prefix: str, required: bool, on_change: Callable[[str], None]
    ) -> None:
        self.prefix = prefix
        self.edits: dict[str, QLineEdit] = {}
        for attr, field in ADDRESS_FIELDS.items():
            if attr == "country":
                continue
            edit = QLineEdit()
            fields.add(
                f"{prefix}{field}", self.LABELS[attr], edit, required and attr in self.REQUIRED
            )
            edit.textChanged.connect(lambda *_, name=f"{prefix}{field}": on_change(name))
            self.edits[attr] = edit
        self.country = CountryCombo()
        fields.add(f"{prefix}country", self.LABELS["country"], self.country, required)
        self.country.currentTextChanged.connect(lambda *_: on_change(f"{prefix}country"))

    def field_names(self) -> list[str]:
        """The studio field names of these rows."""
        return [f"{self.prefix}{field}" for field in ADDRESS_FIELDS.values()]

    def value(self) -> Address:
        """The address as typed."""
        values = {attr: edit.text() for attr, edit in self.edits.items()}
        return Address(**values, country=self.country.code())

    def fill(self, address: Address) -> None:
        """Show ``address``."""
        for attr, edit in self.edits.items():
            edit.setText(getattr(address, attr))
        self.country.set_code(address.country)

    def widgets(self) -> list[QWidget]:
        """The inputs, in tab order."""
        return [*self.edits.values(), self.country]
