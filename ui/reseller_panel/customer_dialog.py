"""New / Edit Customer: the person and address rows of the New Reseller wizard (the
same widgets and rules), and the company's name."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from studio.actors import Actor
from studio.context import Studio
from studio.customers import CustomerInput
from studio.services.customers import CustomerView, create_customer, update_customer
from ui.contact_widgets import AddressFields
from ui.forms import FormFields
from ui.tasks import TaskRunner


class CustomerDialog(QDialog):
    """Edits one end customer; errors from the service appear beside their fields."""

    def __init__(
        self,
        runner: TaskRunner,
        studio: Studio,
        actor: Actor,
        *,
        customer: CustomerView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("customerDialog")
        self.setMinimumWidth(480)  # room for a whole error sentence beside a field
        self.setWindowTitle(f"Edit {customer.name}" if customer else "New Customer")
        self.runner, self.studio, self.actor, self.customer = runner, studio, actor, customer
        self.result_customer: CustomerView | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.fields = FormFields(form, "customer")
        self.edits: dict[str, QLineEdit] = {}
        for field, label, required in (
            ("first_name", "First name", True),
            ("last_name", "Last name", True),
            ("email", "E-mail", True),
        ):
            self.edits[field] = self.fields.add(field, label, QLineEdit(), required)  # type: ignore[assignment]
        self.address = AddressFields(self.fields, "", True, lambda _name: None)
        self.edits["phone"] = self.fields.add("phone", "Phone", QLineEdit(), True)  # type: ignore[assignment]
        self.edits["phone"].setPlaceholderText("read in the address's country")
        self.edits["company_name"] = self.fields.add("company_name", "Company", QLineEdit())  # type: ignore[assignment]
        self.state = QLabel()
        self.state.setObjectName("customerDialogState")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("customerSaveButton")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if customer is not None:
            data = customer.as_input()
            for field in ("first_name", "last_name", "email", "phone", "company_name"):
                self.edits[field].setText(getattr(data, field))
            self.address.fill(data.address)

    def value(self) -> CustomerInput:
        """The customer as typed."""
        text = {field: edit.text() for field, edit in self.edits.items()}
        return CustomerInput(
            text["first_name"],
            text["last_name"],
            text["email"],
            text["phone"],
            self.address.value(),
            text["company_name"],
        )

    def save(self) -> None:
        """Create or update; stay open with the errors beside the fields."""
        data, customer = self.value(), self.customer
        self.save_button.setEnabled(False)
        self.state.setText("Saving…")

        def work() -> CustomerView:
            if customer is None:
                return create_customer(self.studio, self.actor, data)
            return update_customer(self.studio, self.actor, customer.id, data, customer.version)

        self.runner.submit(work, self._saved, self._failed)

    def _saved(self, view: CustomerView) -> None:
        self.result_customer = view
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.state.setText(self.fields.failure_text(error, "Not saved: "))
        self.adjustSize()  # the errors shown take room
