"""New / Edit Customer Products Plan: from one of the reseller's active subscriptions,
each quota at most what it holds (the service says so beside the field)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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
from studio.provisioning.catalog import BILLING_CYCLES, CATALOG
from studio.services.customer_plans import (
    PlanInput,
    PlanView,
    SubscriptionUsage,
    create_plan,
    update_plan,
)
from ui.forms import FormFields
from ui.tasks import TaskRunner


class PlanDialog(QDialog):
    """Edits one plan; Save runs the service off the GUI thread, errors beside fields."""

    def __init__(
        self,
        runner: TaskRunner,
        studio: Studio,
        actor: Actor,
        *,
        subscriptions: list[SubscriptionUsage],
        plan: PlanView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("planDialog")
        self.setWindowTitle("Edit Plan" if plan else "New Customer Products Plan")
        self.runner, self.studio, self.actor, self.plan = runner, studio, actor, plan
        self.subscriptions = [s for s in subscriptions if s.status == "active"]
        self.result_plan: PlanView | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.fields = FormFields(form, "plan")
        self.name = self.fields.add("name", "Name", QLineEdit(), required=True)
        self.subscription = QComboBox()
        for sub in self.subscriptions:
            title = CATALOG[sub.service].title
            self.subscription.addItem(f"#{sub.id} {title} on {sub.server}", sub.id)
        self.fields.add("subscription", "From subscription", self.subscription, required=True)
        self.quota_edits: dict[str, QLineEdit] = {}
        self.quota_form = form
        self.price = self.fields.add("price", "Price per cycle", QLineEdit(), required=True)
        self.cycle = QComboBox()
        self.cycle.addItems(BILLING_CYCLES)
        self.fields.add("billing_cycle", "Billing cycle", self.cycle)
        self.enabled = QCheckBox("For sale")
        self.enabled.setChecked(True)
        self.fields.add("enabled", "Enabled", self.enabled)
        self.state = QLabel()
        self.state.setObjectName("planDialogState")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("planSaveButton")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._quota_rows()
        if plan is not None:
            self.name.setText(plan.name)  # type: ignore[attr-defined]
            index = self.subscription.findData(plan.subscription_id)
            self.subscription.setCurrentIndex(max(index, 0))
            self.price.setText(plan.price_text)  # type: ignore[attr-defined]
            self.cycle.setCurrentText(plan.billing_cycle)
            self.enabled.setChecked(plan.enabled)
            for name, value in plan.quotas.items():
                if name in self.quota_edits:
                    self.quota_edits[name].setText(str(value))
        if not self.subscriptions:
            self.state.setText("You need an active subscription to make a plan from.")
            self.save_button.setEnabled(False)

    def _quota_rows(self) -> None:
        """One row per quota of the subscription's service, each saying its limit."""
        sub = self.subscriptions[self.subscription.currentIndex()] if self.subscriptions else None
        if sub is None:
            return
        for quota in sub.quotas:
            edit = QLineEdit()
            edit.setPlaceholderText(f"at most {quota.limit:,} {quota.unit}")
            label = quota.label + ("" if quota.pooled else " (each)")
            self.fields.add(f"quota.{quota.name}", label, edit, required=True)
            self.quota_edits[quota.name] = edit

    def value(self) -> PlanInput:
        """The plan as typed."""
        return PlanInput(
            self.name.text(),  # type: ignore[attr-defined]
            int(self.subscription.currentData() or 0),
            {name: edit.text() for name, edit in self.quota_edits.items()},
            self.price.text(),  # type: ignore[attr-defined]
            self.cycle.currentText(),
            self.enabled.isChecked(),
        )

    def save(self) -> None:
        """Create or update the plan; stay open with the errors beside the fields."""
        data, plan = self.value(), self.plan
        self.save_button.setEnabled(False)
        self.state.setText("Saving…")

        def work() -> PlanView:
            if plan is None:
                return create_plan(self.studio, self.actor, data)
            return update_plan(self.studio, self.actor, plan.id, data)

        self.runner.submit(work, self._saved, self._failed)

    def _saved(self, plan: PlanView) -> None:
        self.result_plan = plan
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.state.setText(self.fields.failure_text(error, "Not saved: "))
