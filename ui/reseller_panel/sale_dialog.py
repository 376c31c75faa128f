"""Subscribe a customer: one of the reseller's plans (Subscription Based) or an offering
assigned to it (Commission Based). A quota that would be exceeded is named beside the
choice, with the limit and what is left."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QWidget

from studio.context import Studio
from studio.domain.actors import Actor
from studio.errors import FieldError
from studio.services.customer_sales import CustomerSubscriptionView, SaleInput, subscribe_customer
from studio.services.customers import CustomerView
from ui.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog


class SaleDialog(FormDialog):
    """Choose what to sell; Subscribe writes the subscription and its job (``result``
    is the :class:`CustomerSubscriptionView`)."""

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
        super().__init__(
            runner,
            studio,
            actor,
            prefix="sale",
            title=f"Subscribe {customer.name}",
            min_width=600,
            parent=parent,
        )
        self.customer, self.kind = customer, kind
        self.field = "offering" if kind == "commission" else "plan"
        self.choice = QComboBox()
        for choice_id, text in choices:
            self.choice.addItem(text, choice_id)
        label = "Offering" if kind == "commission" else "Plan"
        self.fields.add(self.field, label, self.choice, True)
        self.finish("Subscribe", "Subscribing…", "Not subscribed: ")
        self.button.setEnabled(bool(choices))
        if not choices:
            self.state.setText(
                "Nothing to sell yet: "
                + (
                    "no offering is assigned to you."
                    if kind == "commission"
                    else "make a Customer Products Plan first."
                )
            )

    def work(self) -> Callable[[], CustomerSubscriptionView]:
        """Sell the chosen plan or offering."""
        chosen = int(self.choice.currentData() or 0)
        data = (
            SaleInput(self.customer.id, offering_id=chosen)
            if self.kind == "commission"
            else SaleInput(self.customer.id, plan_id=chosen)
        )
        return lambda: subscribe_customer(self.studio, self.actor, data)

    def shown_error(self, error: BaseException) -> BaseException:
        """Quota errors belong to the choice: that is what the customer would get; any
        other field this dialog has not is named there too."""
        if not isinstance(error, FieldError):
            return error
        shown: dict[str, str] = {}
        for field, message in error.errors.items():
            known = field in self.fields.inputs
            target = field if known else self.field
            text = message if known or field.startswith("quota.") else f"{field} {message}"
            shown[target] = (shown[target] + "\n" if target in shown else "") + text
        return FieldError(shown)
