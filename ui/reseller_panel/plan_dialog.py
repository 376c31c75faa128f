"""New / Edit Customer Products Plan: from one of the reseller's active subscriptions,
each quota at most what it holds (the service says so beside the field)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from studio.context import Studio
from studio.domain.actors import Actor
from studio.domain.catalog import BILLING_CYCLES, CATALOG
from studio.services.customer_plans import PlanInput, PlanView, create_plan, update_plan
from studio.services.quota_usage import SubscriptionUsage
from ui.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog


class PlanDialog(FormDialog):
    """Edits one plan; ``result`` is the saved :class:`PlanView`."""

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
        title = "Edit Plan" if plan else "New Customer Products Plan"
        super().__init__(
            runner, studio, actor, prefix="plan", title=title, min_width=520, parent=parent
        )
        self.plan = plan
        # Active subscriptions, and an edited plan's own whatever its status (saving
        # then says why it cannot stay there, beside the field).
        own = plan.subscription_id if plan else None
        self.subscriptions = [s for s in subscriptions if s.status == "active" or s.id == own]
        self.name = self.line("name", "Name")
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
                    self.quota_edits[quota.name] = self.line(f"quota.{quota.name}", label)
        self.price = self.line("price", "Price per cycle")
        self.cycle = QComboBox()
        self.cycle.addItems(BILLING_CYCLES)
        self.fields.add("billing_cycle", "Billing cycle", self.cycle)
        self.enabled = QCheckBox("For sale")
        self.enabled.setChecked(True)
        self.fields.add("enabled", "Enabled", self.enabled)
        self.finish("Save", "Saving…", "Not saved: ")
        self.subscription.currentIndexChanged.connect(self._show_quota_rows)
        if plan is not None:
            self.name.setText(plan.name)
            self.subscription.setCurrentIndex(max(self.subscription.findData(own), 0))
            self.price.setText(plan.price_text)
            self.cycle.setCurrentText(plan.billing_cycle)
            self.enabled.setChecked(plan.enabled)
            for name, value in plan.quotas.items():
                if name in self.quota_edits:
                    self.quota_edits[name].setText(str(value))
        self._show_quota_rows()
        if not self.subscriptions:
            self.state.setText("You need an active subscription to make a plan from.")
            self.button.setEnabled(False)

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
            self.name.text(),
            int(self.subscription.currentData() or 0),
            {q.name: self.quota_edits[q.name].text() for q in (chosen.quotas if chosen else ())},
            self.price.text(),
            self.cycle.currentText(),
            self.enabled.isChecked(),
        )

    def work(self) -> Callable[[], PlanView]:
        """Create, or update the plan."""
        data, plan = self.value(), self.plan
        if plan is None:
            return lambda: create_plan(self.studio, self.actor, data)
        return lambda: update_plan(self.studio, self.actor, plan.id, data)
