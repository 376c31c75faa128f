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
        self.setMinimumWidth(520)  # room for a whole error sentence beside a field
        self.setWindowTitle("Edit Plan" if plan else "New Customer Products Plan")
        self.runner, self.studio, self.actor, self.plan = runner, studio, actor, plan
        # Active subscriptions, and an edited plan's own whatever its status (saving
        # then says why it cannot stay there, beside the field).
        own = plan.subscription_id if plan else None
        self.subscriptions = [s for s in subscriptions if s.status == "active" or s.id == own]
        self.result_plan: PlanView | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.form = form
        self.fields = FormFields(form, "plan")
        self.name = self.fields.add("name", "Name", QLineEdit(), required=True)
        self.subscription = QComboBox()
        for sub in self.subscriptions:
            title = CATALOG[sub.service].title
            state = "" if sub.status == "active" else f" ({sub.status})"
            self.subscription.addItem(f"#{sub.id} {title} on {sub.server}{state}", sub.id)
        self.fields.add("subscription", "From subscription", self.subscription, required=True)
        # A row per quota of every service offered here; those of the chosen
        # subscription's service are shown, each saying its limit.
        self.quota_edits: dict[str, QLineEdit] = {}
        for sub in self.subscriptions:
            for quota in sub.quotas:
                if quota.name not in self.quota_edits:
                    label = quota.label + ("" if quota.pooled else " (each)")
                    edit = self.fields.add(f"quota.{quota.name}", label, QLineEdit(), True)
                    assert isinstance(edit, QLineEdit)
                    self.quota_edits[quota.name] = edit
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
        self.subscription.currentIndexChanged.connect(self._show_quota_rows)
        if plan is not None:
            self.name.setText(plan.name)  # type: ignore[attr-defined]
            self.subscription.setCurrentIndex(max(self.subscription.findData(own), 0))
            self.price.setText(plan.price_text)  # type: ignore[attr-defined]
            self.cycle.setCurrentText(plan.billing_cycle)
            self.enabled.setChecked(plan.enabled)
            for name, value in plan.quotas.items():
                if name in self.quota_edits:
                    self.quota_edits[name].setText(str(value))
        self._show_quota_rows()
        if not self.subscriptions:
            self.state.setText("You need an active subscription to make a plan from.")
            self.save_button.setEnabled(False)

    def _chosen(self) -> SubscriptionUsage | None:
        index = self.subscription.currentIndex()
        return self.subscriptions[index] if 0 <= index < len(self.subscriptions) else None

    def _show_quota_rows(self, *_: object) -> None:
        """The chosen subscription's quotas only, with its limits as placeholders."""
        sub = self._chosen()
        limits = {q.name: q for q in sub.quotas} if sub else {}
        for name, edit in self.quota_edits.items():
            quota = limits.get(name)
            cell = edit.parentWidget()  # the field's cell: the input and its error
            assert cell is not None
            self.form.setRowVisible(cell, quota is not None)
            if quota is not None:
                edit.setPlaceholderText(f"at most {quota.limit:,} {quota.unit}")

    def value(self) -> PlanInput:
        """The plan as typed (the quotas of the chosen subscription's service)."""
        chosen = self._chosen()
        return PlanInput(
            self.name.text(),  # type: ignore[attr-defined]
            int(self.subscription.currentData() or 0),
            {q.name: self.quota_edits[q.name].text() for q in (chosen.quotas if chosen else ())},
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
        self.adjustSize()  # the errors shown take room
