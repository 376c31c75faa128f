"""``Customer Products Plans``: the plans a Subscription Based reseller sells, made
from its subscriptions. A Commission Based reseller sees the provider offerings
assigned to it instead, with their commission."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLabel

from studio.context import Studio
from studio.domain.actors import Actor
from studio.domain.catalog import CATALOG, quotas_text
from studio.services.customer_plans import (
    PlanView,
    delete_plan,
    list_plans,
    panel_offerings,
    set_plan_enabled,
)
from studio.services.offerings import AssignedOffering
from studio.services.quota_usage import my_subscriptions
from studio.services.reseller_panel import panel
from ui.reseller_panel.panel_page import PanelPage
from ui.reseller_panel.plan_dialog import PlanDialog
from ui.tasks import TaskRunner
from ui.widgets.controls import button, button_row
from ui.widgets.table_model import RowsTableModel, row_table


class PlansModel(RowsTableModel[PlanView]):
    """The reseller's own plans."""

    COLUMNS = ("Name", "Service", "From", "Quotas", "Price", "Cycle", "For sale", "Sold")

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        """Cell text."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self.rows[index.row()]
        return (
            row.name,
            CATALOG[row.service].title,
            f"#{row.subscription_id} on {row.server}",
            quotas_text(row.service, row.quotas),
            row.price_text,
            row.billing_cycle,
            "yes" if row.enabled else "no",
            str(row.in_use),
        )[index.column()]


class OfferingsModel(RowsTableModel[AssignedOffering]):
    """A Commission Based reseller's assigned offerings."""

    COLUMNS = ("Offering", "Service", "Quotas", "Price", "Cycle", "Commission %")

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        """Cell text."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self.rows[index.row()]
        offering = row.offering
        return (
            offering.name,
            CATALOG[offering.service].title,
            quotas_text(offering.service, offering.quotas),
            offering.price_text,
            offering.billing_cycle,
            row.commission_text,
        )[index.column()]


class PlansPage(PanelPage):
    """The plans with New, Edit, Enable/Disable and Delete."""

    TITLE = "Customer Products Plans"

    def __init__(self, runner: TaskRunner, studio: Studio, actor: Actor) -> None:
        super().__init__(runner, studio, actor, "panelPlans")
        self.kind = ""
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.layout_.addWidget(self.intro)
        self.model = PlansModel()
        self.offerings = OfferingsModel()
        self.table = row_table(self.model, "plansTable")
        self.layout_.addWidget(self.table, 1)
        self.new_button = button("&New Plan…", "planNewButton", self.new_plan)
        self.edit_button = button("&Edit…", "planEditButton", self.edit_plan)
        self.toggle_button = button("&Disable", "planToggleButton", self.toggle)
        self.delete_button = button("De&lete", "planDeleteButton", self.delete)
        self.layout_.addLayout(
            button_row(self.new_button, self.edit_button, self.toggle_button, self.delete_button)
        )
        self.finish_layout()
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.subscriptions: list[Any] = []
        self.dialog: PlanDialog | None = None
        self._update_buttons()

    def selected(self) -> PlanView | None:
        """The selected plan."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.kind != "subscription":
            return None
        return self.model.rows[rows[0].row()]

    def _update_buttons(self, *_: object) -> None:
        plan = self.selected()
        own_plans = self.kind == "subscription"
        for action in (self.new_button, self.edit_button, self.toggle_button, self.delete_button):
            action.setVisible(own_plans)
        self.edit_button.setEnabled(plan is not None)
        self.toggle_button.setEnabled(plan is not None)
        self.toggle_button.setText("&Enable" if plan and not plan.enabled else "&Disable")
        self.delete_button.setEnabled(plan is not None and plan.in_use == 0)
        self.delete_button.setToolTip(
            "A plan customers hold can be disabled, not deleted" if plan and plan.in_use else ""
        )

    def refresh(self, message: str = "") -> None:
        """Read the plans (or offerings) and the subscriptions plans are made from; then
        show ``message``, or how many there are."""

        def work() -> tuple[str, list[Any], list[Any]]:
            kind = panel(self.studio, self.actor).type
            if kind == "commission":
                return kind, list(panel_offerings(self.studio, self.actor)), []
            subs = my_subscriptions(self.studio, self.actor)
            return kind, list(list_plans(self.studio, self.actor)), subs

        self.run(work, lambda result: self._show(result, message))

    def _show(self, result: tuple[str, list[Any], list[Any]], message: str = "") -> None:
        self.kind, rows, self.subscriptions = result
        commission = self.kind == "commission"
        if commission:
            self.offerings.set_rows(rows)
            self.model.set_rows([])
        else:
            self.model.set_rows(rows)
        wanted = self.offerings if commission else self.model
        if self.table.model() is not wanted:
            self.table.setModel(wanted)
            self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.intro.setText(
            "You sell these provider offerings; your commission is shown beside each."
            if commission
            else "Plans you sell to your customers, each made from one of your subscriptions."
        )
        self.state.setText(message or f"{len(rows)} {'offering' if commission else 'plan'}(s)")
        self._update_buttons()

    def new_plan(self) -> PlanDialog:
        """Open the New Plan dialog (returned for tests)."""
        return self._open(None)

    def edit_plan(self) -> PlanDialog | None:
        """Open the selected plan."""
        plan = self.selected()
        return self._open(plan) if plan else None

    def _open(self, plan: PlanView | None) -> PlanDialog:
        dialog = PlanDialog(
            self.runner,
            self.studio,
            self.actor,
            subscriptions=self.subscriptions,
            plan=plan,
            parent=self,
        )
        self.dialog = self.open_dialog(dialog)
        return dialog

    def toggle(self) -> None:
        """Enable or disable the selected plan."""
        plan = self.selected()
        if plan is None:
            return
        self.run(
            lambda: set_plan_enabled(self.studio, self.actor, plan.id, not plan.enabled),
            lambda _view: self.reload_everywhere(),
        )

    def delete(self) -> None:
        """Delete the selected plan (refused by the service when sold)."""
        plan = self.selected()
        if plan is None:
            return
        self.run(lambda: delete_plan(self.studio, self.actor, plan.id), self._deleted)

    def _deleted(self, name: str) -> None:
        self.refresh(f"Deleted plan {name}")
