"""Subscribe a customer: one of the reseller's plans (Subscription Based) or an offering
assigned to it (Commission Based). A quota that would be exceeded is named beside the
choice, with the limit and what is left."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from studio.actors import Actor
from studio.context import Studio
from studio.errors import FieldError
from studio.services.customers import (
    CustomerSubscriptionView,
    CustomerView,
    SaleInput,
    subscribe_customer,
)
from ui.forms import FormFields
from ui.tasks import TaskRunner


class SaleDialog(QDialog):
    """Choose what to sell; Subscribe writes the subscription and its job."""

    def __init__(
        self,
        runner: TaskRunner,
        studio: Studio,
        actor: Actor,
        *,
        customer: CustomerView,
        kind: str,
        choices: list[tuple[int, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("saleDialog")
        self.setMinimumWidth(600)  # room for a whole error sentence beside a field
        self.setWindowTitle(f"Subscribe {customer.name}")
        self.runner, self.studio, self.actor = runner, studio, actor
        self.customer, self.kind = customer, kind
        self.result_sale: CustomerSubscriptionView | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.fields = FormFields(form, "sale")
        self.field = "offering" if kind == "commission" else "plan"
        self.choice = QComboBox()
        for choice_id, text in choices:
            self.choice.addItem(text, choice_id)
        self.fields.add(
            self.field, "Offering" if kind == "commission" else "Plan", self.choice, True
        )
        self.state = QLabel()
        self.state.setObjectName("saleDialogState")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        buttons = QDialogButtonBox()
        self.subscribe_button = buttons.addButton(
            "Subscribe", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.subscribe_button.setObjectName("saleSubscribeButton")
        self.subscribe_button.setEnabled(bool(choices))
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.subscribe)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if not choices:
            self.state.setText(
                "Nothing to sell yet: "
                + (
                    "no offering is assigned to you."
                    if kind == "commission"
                    else "make a Customer Products Plan first."
                )
            )

    def subscribe(self) -> None:
        """Sell the chosen plan or offering."""
        chosen = int(self.choice.currentData() or 0)
        data = (
            SaleInput(self.customer.id, offering_id=chosen)
            if self.kind == "commission"
            else SaleInput(self.customer.id, plan_id=chosen)
        )
        self.subscribe_button.setEnabled(False)
        self.state.setText("Subscribing…")
        self.runner.submit(
            lambda: subscribe_customer(self.studio, self.actor, data), self._done, self._failed
        )

    def _done(self, sale: CustomerSubscriptionView) -> None:
        self.result_sale = sale
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.subscribe_button.setEnabled(True)
        if isinstance(error, FieldError):
            # Quota errors belong to the choice: that is what the customer would get.
            shown: dict[str, Any] = {}
            for field, message in error.errors.items():
                known = field in self.fields.inputs
                target = field if known else self.field
                text = message if known or field.startswith("quota.") else f"{field} {message}"
                shown[target] = (shown[target] + "\n" if target in shown else "") + text
            error = FieldError(shown)
        self.state.setText(self.fields.failure_text(error, "Not subscribed: "))
        self.adjustSize()  # the errors shown take room
