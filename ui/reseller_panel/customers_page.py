"""``Customers``: the reseller's end customers, what each subscribes to, and the
actions on them: New, Edit, Subscribe, Suspend, Activate, Delete. Suspending,
activating and deleting list the subscriptions they affect before anything is done."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from studio.context import Studio
from studio.domain.actors import Actor
from studio.domain.catalog import CATALOG, quotas_text
from studio.domain.contact import phone_display
from studio.services.customer_plans import list_plans, panel_offerings
from studio.services.customer_sales import CustomerSubscriptionView, customer_subscriptions
from studio.services.customers import (
    CustomerView,
    list_customers,
    set_customer_status,
    status_effects,
)
from studio.services.reseller_panel import panel
from ui.reseller_panel.customer_dialog import CustomerDialog
from ui.reseller_panel.panel_page import PanelPage
from ui.reseller_panel.sale_dialog import SaleDialog
from ui.tasks import TaskRunner
from ui.widgets.controls import button, button_row
from ui.widgets.table_model import RowsTableModel, row_table


class CustomersModel(RowsTableModel[CustomerView]):
    """One row per customer."""

    COLUMNS = ("Name", "Company", "E-mail", "Phone", "Country", "Status", "Subscriptions")

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        """Cell text."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        c = self.rows[index.row()]
        phone = phone_display(c.phone)
        values = (c.name, c.company_name, c.email, phone, c.address.country, c.status)
        return (*values, str(c.subscriptions))[index.column()]


class SalesModel(RowsTableModel[CustomerSubscriptionView]):
    """The selected customer's subscriptions."""

    COLUMNS = ("#", "Sold as", "Service", "Server", "Quotas", "Status", "Job")

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        """Cell text."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        s = self.rows[index.row()]
        quotas = quotas_text(s.service, s.quotas)
        job = f"#{s.job_id} {s.job_state}" if s.job_id else ""
        title = CATALOG[s.service].title if s.service in CATALOG else s.service
        return (str(s.id), s.sold_as, title, s.server, quotas, s.status, job)[index.column()]


_VERBS = {"suspended": "Suspend", "active": "Activate", "deleted": "Delete"}


class CustomersPage(PanelPage):
    """The customers table, the selected customer's subscriptions, and the actions."""

    TITLE = "Customers"

    def __init__(self, runner: TaskRunner, studio: Studio, actor: Actor) -> None:
        super().__init__(runner, studio, actor, "panelCustomers")
        self.model = CustomersModel()
        self.table = row_table(self.model, "customersTable")
        self.layout_.addWidget(self.table, 2)
        self.buttons = {
            key: button(text, f"customer{name}Button", slot)
            for key, name, text, slot in (
                ("new", "New", "&New Customer…", self.new_customer),
                ("edit", "Edit", "&Edit…", self.edit_customer),
                ("subscribe", "Subscribe", "Su&bscribe…", self.sell),
                ("suspended", "Suspend", "&Suspend…", lambda: self.ask_status("suspended")),
                ("active", "Activate", "&Activate…", lambda: self.ask_status("active")),
                ("deleted", "Delete", "De&lete…", lambda: self.ask_status("deleted")),
            )
        }
        self.layout_.addLayout(button_row(*self.buttons.values()))
        self.sales_label = QLabel("Subscriptions of the selected customer")
        self.layout_.addWidget(self.sales_label)
        self.sales = SalesModel()
        self.sales_table = row_table(self.sales, "customerSubscriptionsTable")
        self.layout_.addWidget(self.sales_table, 1)
        self.finish_layout()
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.dialog: Any = None
        self.confirmation: QMessageBox | None = None
        self._sales_for: int | None = None
        self._update_buttons()

    def selected(self) -> CustomerView | None:
        """The selected customer."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        c = self.selected()
        self.buttons["edit"].setEnabled(c is not None)
        self.buttons["subscribe"].setEnabled(c is not None and c.status == "active")
        self.buttons["suspended"].setEnabled(c is not None and c.status == "active")
        self.buttons["active"].setEnabled(c is not None and c.status == "suspended")
        self.buttons["deleted"].setEnabled(c is not None)

    def _selection_changed(self, *_: object) -> None:
        self._update_buttons()
        self.load_sales()

    def refresh(self, message: str = "") -> None:
        """Read the customers (the selection is kept by id); then show ``message``, or
        how many there are."""
        keep = self.selected()

        def show(rows: list[CustomerView]) -> None:
            self.model.set_rows(rows)
            again = next((n for n, row in enumerate(rows) if keep and row.id == keep.id), None)
            if again is not None:
                self.table.selectRow(again)  # its subscriptions load on the selection
            else:
                self.load_sales()
            self.state.setText(message or f"{len(rows)} customer(s)")
            self._update_buttons()

        self.run(lambda: list_customers(self.studio, self.actor), show)

    def load_sales(self) -> None:
        """The selected customer's subscriptions (an answer arriving after another
        customer was selected is dropped)."""
        c = self.selected()
        self._sales_for = c.id if c else None
        if c is None:
            self.sales.set_rows([])
            return
        self.run(
            lambda: customer_subscriptions(self.studio, self.actor, c.id),
            lambda rows: self.sales.set_rows(rows) if self._sales_for == c.id else None,
        )

    def new_customer(self) -> CustomerDialog:
        """Open the New Customer dialog (returned for tests)."""
        return self._open_customer(None)

    def edit_customer(self) -> CustomerDialog | None:
        """Open the selected customer."""
        c = self.selected()
        return self._open_customer(c) if c else None

    def _open_customer(self, customer: CustomerView | None) -> CustomerDialog:
        dialog = CustomerDialog(
            self.runner, self.studio, self.actor, customer=customer, parent=self
        )
        self.dialog = self.open_dialog(dialog)
        return dialog

    def sell(self) -> None:
        """Read what can be sold, then open the Subscribe dialog."""
        c = self.selected()
        if c is None:
            return

        def work() -> tuple[str, list[tuple[int, str]]]:
            kind = panel(self.studio, self.actor).type  # right even before the first load
            if kind == "commission":
                return kind, [
                    (
                        o.offering.id,
                        f"{o.offering.name} — {o.offering.price_text} "
                        f"{o.offering.billing_cycle}, commission {o.commission_text} %",
                    )
                    for o in panel_offerings(self.studio, self.actor)
                ]
            return kind, [
                (p.id, f"{p.name} — {p.price_text} {p.billing_cycle}")
                for p in list_plans(self.studio, self.actor)
                if p.enabled
            ]

        self.run(work, lambda result: self._open_sale(c, *result))

    def _open_sale(
        self, customer: CustomerView, kind: str, choices: list[tuple[int, str]]
    ) -> SaleDialog:
        dialog = SaleDialog(
            self.runner,
            self.studio,
            self.actor,
            customer=customer,
            kind=kind,
            choices=choices,
            parent=self,
        )
        self.dialog = self.open_dialog(dialog, lambda: self._sold(dialog))
        return dialog

    def _sold(self, dialog: SaleDialog) -> None:
        sale = dialog.result
        self.refresh(
            f"Subscribed {sale.customer} to {sale.sold_as}: job {sale.job_id} "
            f"provisions it on {sale.server}"
            if sale
            else ""
        )
        self.changed.emit()

    def ask_status(self, status: str) -> None:
        """List what the change affects, then ask before doing it."""
        c = self.selected()
        if c is None:
            return
        self.run(
            lambda: status_effects(self.studio, self.actor, c.id, status),
            lambda lines: self._confirm(c, status, lines),
        )

    def _confirm(self, customer: CustomerView, status: str, lines: list[str]) -> QMessageBox:
        verb = _VERBS[status]
        box = QMessageBox(self)
        box.setObjectName("customerStatusConfirmation")
        box.setWindowTitle(f"{verb} {customer.name}")
        box.setIcon(QMessageBox.Icon.Question)
        box.setText(f"{verb} {customer.name}?")
        box.setInformativeText("\n".join(lines) if lines else "No subscription is affected.")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(
            lambda result: (
                self._set_status(customer, status)
                if result == QMessageBox.StandardButton.Yes
                else None
            )
        )
        self.confirmation = box
        box.open()
        return box

    def _set_status(self, customer: CustomerView, status: str) -> None:
        self.run(
            lambda: set_customer_status(self.studio, self.actor, customer.id, status),
            self._status_set,
        )

    def _status_set(self, view: CustomerView) -> None:
        self.refresh(f"{view.name} is {view.status}")
        self.changed.emit()
