"""The company's departments: Billing, Sales and Support from the start, as in MachPanel.

A list on the left (add, rename in place, remove); the chosen department's phone,
e-mail and multi-line mail signature on the right, with a live preview of the
signature as a mail shows it: below the ``-- `` separator, as plain text (a signature
that looks like HTML is shown as the characters typed, never rendered).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from studio.domain.contact import phone_display
from studio.domain.reseller_rules import MAX_DEPARTMENTS, Department
from ui.widgets.forms import FormFields

_PREFIX = "company.departments."


def signature_preview_html(department: Department, company: str) -> str:
    """The preview's HTML: a mail body, the separator, the signature escaped."""
    lines = [html.escape(line) or "&nbsp;" for line in department.signature.splitlines()]
    phone = (
        phone_display(department.phone) if department.phone.startswith("+") else department.phone
    )
    contact = " · ".join(html.escape(v) for v in (phone, department.email) if v)
    body = "<br>".join(lines) if lines else "<i>(no signature yet)</i>"
    return (
        "<div style='font-family: sans-serif'>"
        "<p style='color: #666'>Dear customer,<br>…</p>"
        f"<p>-- <br>{body}</p>"
        f"<p style='color: #666'>{html.escape(department.name)} · {html.escape(company)}"
        f"{'<br>' + contact if contact else ''}</p></div>"
    )


class DepartmentsEditor(QWidget):
    """Edit a tuple of :class:`Department`; ``changed`` on every edit."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("departmentsEditor")
        self._departments: list[Department] = []
        self._current = -1
        self._errors: dict[str, str] = {}
        self.company_name = ""
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.setObjectName("departmentsList")
        self.list.setAccessibleName("Departments")
        self.list.setMaximumWidth(170)
        left.addWidget(self.list)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add")
        self.add_button.setObjectName("departmentAdd")
        self.rename_button = QPushButton("Rename")
        self.rename_button.setObjectName("departmentRename")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("departmentRemove")
        for button in (self.add_button, self.rename_button, self.remove_button):
            buttons.addWidget(button)
        left.addLayout(buttons)
        self.name_error = QLabel()
        self.name_error.setObjectName("departmentNameError")
        self.name_error.setProperty("role", "fieldError")
        self.name_error.setWordWrap(True)
        self.name_error.setTextFormat(Qt.TextFormat.PlainText)
        self.name_error.setVisible(False)
        left.addWidget(self.name_error)
        row.addLayout(left)
        right = QVBoxLayout()
        form = QFormLayout()
        self.fields = FormFields(form, "department")
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.signature = QPlainTextEdit()
        self.signature.setPlaceholderText("Kind regards,\nThe Billing team\n+1 202 555 0143")
        self.signature.setMaximumHeight(90)
        self.fields.add("phone", "Phone", self.phone)
        self.fields.add("email", "E-mail", self.email)
        self.fields.add("signature", "Signature", self.signature)
        right.addLayout(form)
        caption = QLabel("Preview, as a mail shows it:")
        right.addWidget(caption)
        self.preview = QTextBrowser()
        self.preview.setObjectName("departmentSignaturePreview")
        self.preview.setAccessibleName("Signature preview")
        self.preview.setOpenLinks(False)
        self.preview.setMaximumHeight(110)
        right.addWidget(self.preview)
        row.addLayout(right, 1)
        self.list.currentRowChanged.connect(self._select)
        self.list.itemChanged.connect(self._renamed)
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self._rename_current)
        self.remove_button.clicked.connect(self.remove_current)
        self.phone.textChanged.connect(self._edited)
        self.email.textChanged.connect(self._edited)
        self.signature.textChanged.connect(self._edited)
        self._set_enabled()

    # -- values -------------------------------------------------------------------------

    def value(self) -> tuple[Department, ...]:
        """The departments as typed, in order."""
        return tuple(self._departments)

    def fill(self, departments: tuple[Department, ...]) -> None:
        """Show ``departments``; the first is selected."""
        self._departments = list(departments)
        self._current = -1
        self.list.blockSignals(True)
        self.list.clear()
        for dept in departments:
            self.list.addItem(self._item(dept.name))
        self.list.blockSignals(False)
        self.list.setCurrentRow(0 if departments else -1)
        if not departments:
            self._select(-1)
        self._set_enabled()

    def set_company_name(self, name: str) -> None:
        """The company the signatures belong to (shown in the preview)."""
        self.company_name = name
        self._update_preview()

    def _item(self, name: str) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        return item

    # -- editing ------------------------------------------------------------------------

    def add(self) -> None:
        """A new department, named for the user to rename."""
        if len(self._departments) >= MAX_DEPARTMENTS:
            return
        taken = {d.name.casefold() for d in self._departments}
        n = 1
        while f"department {n}" in taken:
            n += 1
        name = f"Department {n}"
        self._departments.append(Department(name))
        self.list.addItem(self._item(name))
        self.list.setCurrentRow(len(self._departments) - 1)
        self._rename_current()
        self._set_enabled()
        self.changed.emit()

    def rename(self, index: int, name: str) -> None:
        """Rename department ``index`` (what editing its list item does)."""
        item = self.list.item(index)
        if item is not None:
            item.setText(name)  # → _renamed

    def _rename_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.list.editItem(item)

    def remove_current(self) -> None:
        """Remove the selected department."""
        index = self.list.currentRow()
        if index < 0:
            return
        self._current = -1
        del self._departments[index]
        self.list.takeItem(index)
        self._select(self.list.currentRow())
        self._set_enabled()
        self.changed.emit()

    def _renamed(self, item: QListWidgetItem) -> None:
        index = self.list.row(item)
        if 0 <= index < len(self._departments):
            old = self._departments[index]
            self._departments[index] = Department(item.text(), old.phone, old.email, old.signature)
            self.changed.emit()

    def _select(self, index: int) -> None:
        self._current = -1  # loading: edits below must not write back
        dept = self._departments[index] if 0 <= index < len(self._departments) else None
        for widget in (self.phone, self.email, self.signature):
            widget.blockSignals(True)
        self.phone.setText(dept.phone if dept else "")
        self.email.setText(dept.email if dept else "")
        self.signature.setPlainText(dept.signature if dept else "")
        for widget in (self.phone, self.email, self.signature):
            widget.blockSignals(False)
        self._current = index if dept else -1
        self._set_enabled()
        self._show_current_errors()
        self._update_preview()

    def _edited(self) -> None:
        if self._current < 0:
            return
        old = self._departments[self._current]
        self._departments[self._current] = Department(
            old.name, self.phone.text(), self.email.text(), self.signature.toPlainText()
        )
        self._update_preview()
        self.changed.emit()

    def _set_enabled(self) -> None:
        has = self._current >= 0
        for widget in (self.phone, self.email, self.signature, self.rename_button):
            widget.setEnabled(has)
        self.remove_button.setEnabled(has)
        self.add_button.setEnabled(len(self._departments) < MAX_DEPARTMENTS)

    def _update_preview(self) -> None:
        if self._current < 0:
            self.preview.setHtml("<i>Add a department to write its signature.</i>")
            return
        self.preview.setHtml(
            signature_preview_html(self._departments[self._current], self.company_name)
        )

    # -- errors -------------------------------------------------------------------------

    def show_errors(self, errors: dict[str, str]) -> None:
        """Mark departments with problems; show the selected one's beside its fields."""
        self._errors = {k: v for k, v in errors.items() if k.startswith(_PREFIX)}
        for index, dept in enumerate(self._departments):
            item = self.list.item(index)
            if item is None:
                continue
            mine = self._department_errors(dept.name, index)
            item.setForeground(QColor("#c62828") if mine else QColor())
            lines = "<br>".join(html.escape(f"{k}: {v}") for k, v in mine.items())
            item.setToolTip(f"<p>{lines}</p>" if mine else "")  # escaped: names are typed
        self._show_current_errors()

    def _department_errors(self, name: str, index: int) -> dict[str, str]:
        keys = {f"{_PREFIX}{name.strip()}", f"{_PREFIX}#{index + 1}"}
        found: dict[str, str] = {}
        for key, message in self._errors.items():
            base, _, field = key.rpartition(".")
            if key in keys:
                found["name"] = message
            elif base in keys and field in ("phone", "email", "signature"):
                found[field] = message
        return found

    def _show_current_errors(self) -> None:
        if self._current < 0:
            mine: dict[str, str] = {}
        else:
            mine = self._department_errors(self._departments[self._current].name, self._current)
        self.fields.show_errors({k: v for k, v in mine.items() if k != "name"})
        self.name_error.setText(f"{mine['name']}" if "name" in mine else "")
        self.name_error.setVisible("name" in mine)
        whole = self._errors.get("company.departments")
        if whole:
            self.name_error.setText(whole)
            self.name_error.setVisible(True)
