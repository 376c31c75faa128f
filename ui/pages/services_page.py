"""``Home » System Configuration » Services``: the catalog, offerings and add-ons.

The catalog lists each service, its quota attributes and the Remote Servers hosting it;
offerings are the provider's service plans (reseller plans and customer plans); add-ons
add resources to an existing subscription.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from studio.domain.actors import Actor, Permission
from studio.domain.catalog import CATALOG, quotas_text
from studio.errors import StudioError
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner
from ui.widgets.table_model import RowsTableModel

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.services.offerings import OfferingView
    from ui.dialogs.offering_dialog import OfferingDialog

Loaded = tuple[list["OfferingView"], list["OfferingView"], dict[str, list[str]]]


def _load(studio: Studio, actor: Actor) -> Loaded:
    from studio.services.offerings import list_offerings  # start-up
    from studio.services.servers import list_remote_servers  # start-up

    hosts: dict[str, list[str]] = {}
    for server in list_remote_servers(studio, actor):  # through the service: its permission
        for service in server.services:
            hosts.setdefault(service, []).append(server.name)
    return list_offerings(studio, actor), list_offerings(studio, actor, addons=True), hosts


def _delete(studio: Studio, actor: Actor, offering_id: int, addon: bool) -> str:
    from studio.services.offerings import delete_offering  # start-up

    return delete_offering(studio, actor, offering_id, addon=addon)


class OfferingsModel(RowsTableModel["OfferingView"]):
    """Offerings or add-ons."""

    COLUMNS = ("Name", "Service", "Audience", "Quotas", "Price", "Cycle", "Enabled")

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Cell text."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        o = self.rows[index.row()]
        audience = {"reseller": "Reseller plan", "customer": "Customer plan"}.get(
            o.audience, "Add-on"
        )
        return (
            o.name,
            CATALOG[o.service].title if o.service in CATALOG else o.service,
            audience,
            quotas_text(o.service, o.quotas),
            o.price_text,
            o.billing_cycle,
            "yes" if o.enabled else "no",
        )[index.column()]


class _OfferingsBox:
    """A group: the table and its New / Edit / Delete buttons."""

    def __init__(self, page: ServicesPage, title: str, addon: bool) -> None:
        self.page, self.addon = page, addon
        prefix = "addons" if addon else "offerings"
        self.box = QGroupBox(title)
        layout = QVBoxLayout(self.box)
        self.model = OfferingsModel()
        self.table = QTableView()
        self.table.setObjectName(f"{prefix}Table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.new = QPushButton("New Add-on…" if addon else "New Offering…")
        self.new.setObjectName(f"{prefix}New")
        self.edit = QPushButton("Edit…")
        self.edit.setObjectName(f"{prefix}Edit")
        self.delete = QPushButton("Delete")
        self.delete.setObjectName(f"{prefix}Delete")
        for button in (self.new, self.edit, self.delete):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.new.clicked.connect(lambda: page.open_dialog(addon, None))
        self.edit.clicked.connect(lambda: page.open_dialog(addon, self.selected()))
        self.delete.clicked.connect(lambda: page.delete(addon, self.selected()))
        self.table.doubleClicked.connect(lambda _i: page.open_dialog(addon, self.selected()))

    def selected(self) -> OfferingView | None:
        """The selected row."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None


class ServicesPage(Page):
    """The catalog, offerings and add-ons."""

    def __init__(self, spec: PageSpec, runner: TaskRunner, actor: Actor) -> None:
        super().__init__(spec, runner, actor)
        self.paragraph(
            "The services Remote Servers host, and what you sell of them: reseller plans "
            "(Subscription Based resellers subscribe to them), customer plans (end "
            "customers buy them; Commission Based resellers sell them) and add-ons."
        )
        self.catalog = QTableWidget(len(CATALOG), 3)
        self.catalog.setObjectName("servicesCatalog")
        self.catalog.setHorizontalHeaderLabels(["Service", "Quotas", "Hosted by"])
        self.catalog.verticalHeader().setVisible(False)
        self.catalog.horizontalHeader().setStretchLastSection(True)
        self.catalog.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.catalog.setMaximumHeight(165)
        self.catalog.verticalHeader().setDefaultSectionSize(26)
        for row, spec_ in enumerate(CATALOG.values()):
            quotas = "; ".join(
                f"{q.label} {q.minimum:,} to {q.maximum:,} {q.unit}" for q in spec_.quotas
            )
            self.catalog.setItem(row, 0, QTableWidgetItem(spec_.title))
            self.catalog.setItem(row, 1, QTableWidgetItem(quotas))
        self.catalog.setColumnWidth(0, 130)
        self.catalog.setColumnWidth(1, 420)
        self.layout_.addWidget(self.catalog)
        self.offerings = _OfferingsBox(self, "Offerings (service plans)", addon=False)
        self.addons = _OfferingsBox(self, "Add-ons", addon=True)
        self.layout_.addWidget(self.offerings.box, 3)
        self.layout_.addWidget(self.addons.box, 2)
        self.state = self.paragraph("", "servicesState")
        self.dialog: OfferingDialog | None = None
        may = actor.can(Permission.EDIT_CONFIGURATION)
        for box in (self.offerings, self.addons):
            for button in (box.new, box.edit, box.delete):
                button.setEnabled(may)

    def refresh(self) -> None:
        """Reload offerings, add-ons and the servers hosting each service."""
        studio = self.studio
        if studio is not None:
            self.runner.submit(lambda: _load(studio, self.actor), self._show, self._failed)

    def _show(self, loaded: Loaded) -> None:
        offerings, addons, hosts = loaded
        self.offerings.model.set_rows(offerings)
        self.addons.model.set_rows(addons)
        for row, key in enumerate(CATALOG):
            self.catalog.setItem(row, 2, QTableWidgetItem(", ".join(hosts.get(key, [])) or "—"))

    def open_dialog(self, addon: bool, existing: OfferingView | None) -> OfferingDialog | None:
        """New or Edit, window-modal."""
        from ui.dialogs.offering_dialog import OfferingDialog  # start-up

        if self.studio is None or not self.actor.can(Permission.EDIT_CONFIGURATION):
            return None
        self.dialog = OfferingDialog(
            self.studio, self.actor, self.runner, addon=addon, existing=existing, parent=self
        )
        self.dialog.saved.connect(self._saved)
        self.dialog.open()
        return self.dialog

    def delete(self, addon: bool, existing: OfferingView | None) -> None:
        """Delete an unused offering or add-on."""
        studio = self.studio
        if studio is None or existing is None:
            return
        self.runner.submit(
            lambda: _delete(studio, self.actor, existing.id, addon), self._deleted, self._failed
        )

    def _saved(self, view: OfferingView) -> None:
        self.state.setText(f"Saved {view.name}.")
        self.refresh()

    def _deleted(self, name: str) -> None:
        self.state.setText(f"Deleted {name}.")
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        from studio.errors import FieldError  # start-up

        if isinstance(error, FieldError):
            self.state.setText("; ".join(error.errors.values()))
        elif isinstance(error, StudioError):
            self.state.setText(str(error))
        else:
            self.state.setText(f"Unexpected error: {error!r}")
