"""New / Edit Customer: the person and address rows of the New Reseller wizard (the
same widgets and rules), and the company's name."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLineEdit, QWidget

from studio.context import Studio
from studio.domain.actors import Actor
from studio.domain.customer_rules import CustomerInput
from studio.services.customers import CustomerView, create_customer, update_customer
from ui.tasks import TaskRunner
from ui.widgets.contact_widgets import AddressFields
from ui.widgets.form_dialog import FormDialog


class CustomerDialog(FormDialog):
    """Edits one end customer; ``result`` is the saved :class:`CustomerView`."""

    def __init__(
        self,
        runner: TaskRunner,
        studio: Studio,
        actor: Actor,
        *,
        customer: CustomerView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = f"Edit {customer.name}" if customer else "New Customer"
        super().__init__(
            runner, studio, actor, prefix="customer", title=title, min_width=480, parent=parent
        )
        self.customer = customer
        self.edits: dict[str, QLineEdit] = {}
        for field, label, required in (
            ("first_name", "First name", True),
            ("last_name", "Last name", True),
            ("email", "E-mail", True),
        ):
            self.edits[field] = self.line(field, label, required)
        self.address = AddressFields(self.fields, "", True, lambda _name: None)
        self.edits["phone"] = self.line("phone", "Phone", True)
        self.edits["phone"].setPlaceholderText("read in the address's country")
        self.edits["company_name"] = self.line("company_name", "Company", False)
        self.finish("Save", "Saving…", "Not saved: ")
        if customer is not None:
            data = customer.as_input()
            for field, edit in self.edits.items():
                edit.setText(getattr(data, field))
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

    def work(self) -> Callable[[], CustomerView]:
        """Create, or update the customer as read."""
        data, customer = self.value(), self.customer
        if customer is None:
            return lambda: create_customer(self.studio, self.actor, data)
        return lambda: update_customer(self.studio, self.actor, customer.id, data, customer.version)
