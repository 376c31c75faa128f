"""``Home » Customer Manager » Customers » Reseller Customers``: the reseller table.

Search as you type (name, company, e-mail, username), filter by type and status, sort
by any column, "N of M shown". Actions: New Reseller, Edit, Suspend / Activate, Delete,
Export CSV (what is shown), Import CSV (all rows or none). Double-click opens the
details. Every read and write runs off the GUI thread; confirmations use ``open()``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QWidget,
)

from studio.domain.actors import Actor, Permission
from studio.errors import StudioError
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner
from ui.widgets.controls import button, button_row
from ui.widgets.file_dialogs import csv_file_dialog
from ui.widgets.reseller_list_model import PreparedRows, ResellerListModel, prepare_rows

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.domain.reseller_settings_rules import ResellerType
    from studio.services.jobs import JobView
    from studio.services.offerings import AssignedOffering, OfferingView
    from studio.services.reseller_list import ResellerRow
    from studio.services.resellers import ResellerDetails
    from studio.services.subscriptions import SubscriptionView
    from ui.dialogs.reseller_details_dialog import ResellerDetailsDialog
    from ui.dialogs.reseller_offerings_dialog import ResellerOfferingsDialog
    from ui.job_monitor import JobMonitor
    from ui.wizards.reseller_wizard import ResellerWizard
    from ui.wizards.subscribe_wizard import SubscribeWizard


def _load(
    studio: Studio, actor: Actor, sort: tuple[int, Qt.SortOrder]
) -> tuple[PreparedRows, dict[str, ResellerType]]:
    from studio.domain.contact import warm_up  # start-up
    from studio.domain.password_policy import common_passwords  # start-up
    from studio.services.reseller_list import list_resellers  # start-up
    from studio.services.reseller_settings import get_reseller_settings  # start-up

    # Warm what the wizard checks as you type, so typing never waits for a file.
    warm_up()
    common_passwords()
    rows = prepare_rows(list_resellers(studio, actor), sort)
    return rows, get_reseller_settings(studio, actor)


def _details(studio: Studio, actor: Actor, reseller_id: int) -> ResellerDetails:
    from studio.services.resellers import get_reseller  # start-up

    return get_reseller(studio, actor, reseller_id)


DetailsLoaded = tuple[
    "ResellerDetails", list["SubscriptionView"], list["AssignedOffering"], list["OfferingView"]
]


def _details_and_subscriptions(studio: Studio, actor: Actor, reseller_id: int) -> DetailsLoaded:
    from studio.services.offerings import list_offerings, reseller_offerings  # start-up
    from studio.services.subscriptions import list_subscriptions  # start-up

    return (
        _details(studio, actor, reseller_id),
        list_subscriptions(studio, actor, reseller_id),
        reseller_offerings(studio, actor, reseller_id),
        list_offerings(studio, actor, addons=True),
    )


def _add_addon(studio: Studio, actor: Actor, subscription_id: int, addon_id: int) -> JobView:
    from studio.services.subscriptions import add_addon  # start-up

    return add_addon(studio, actor, subscription_id, addon_id)


def _subscriptions(studio: Studio, actor: Actor, reseller_id: int) -> list[SubscriptionView]:
    from studio.services.subscriptions import list_subscriptions  # start-up

    return list_subscriptions(studio, actor, reseller_id)


def _set_status(studio: Studio, actor: Actor, reseller_id: int, status: str) -> ResellerDetails:
    from studio.services.resellers import set_reseller_status  # start-up

    return set_reseller_status(studio, actor, reseller_id, status)


def _delete(studio: Studio, actor: Actor, reseller_id: int) -> str:
    from studio.services.resellers import delete_reseller  # start-up

    return delete_reseller(studio, actor, reseller_id)


def _export(studio: Studio, actor: Actor, path: Path, ids: list[int]) -> int:
    from studio.services.reseller_transfer import export_resellers  # start-up

    return export_resellers(studio, actor, path, ids)


def _import(studio: Studio, actor: Actor, path: Path) -> int:
    from studio.services.reseller_transfer import import_resellers  # start-up

    return import_resellers(studio, actor, path)


def _discard(window: QWidget | None) -> None:
    """Free a finished dialog when the page opens the next one (at most one is kept,
    for automation and tests to read after it closed)."""
    if window is not None and not window.isVisible():
        window.deleteLater()


class ResellerCustomersPage(Page):
    """The table of resellers and its actions."""

    def __init__(self, spec: PageSpec, runner: TaskRunner, actor: Actor) -> None:
        super().__init__(spec, runner, actor)
        self.types: dict[str, ResellerType] = {}
        self.wizard: ResellerWizard | None = None
        self.details_dialog: ResellerDetailsDialog | None = None
        self.box: QMessageBox | None = None
        self.file_dialog: QFileDialog | None = None
        self._select_after_load: int | None = None
        self._generation = 0
        self._stale = False  # changed while hidden: reload when shown
        self.job_monitor: JobMonitor | None = None
        self.subscribe_wizard: SubscribeWizard | None = None
        self.offerings_dialog: ResellerOfferingsDialog | None = None
        self.panel_window: QWidget | None = None
        # Subscription counts change as jobs finish: reload, at most every 2 seconds.
        self._jobs_changed = QTimer(self)
        self._jobs_changed.setSingleShot(True)
        self._jobs_changed.setInterval(2000)
        self._jobs_changed.timeout.connect(self._refresh_if_shown)
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("resellerSearch")
        self.search.setPlaceholderText("Search name, company, e-mail or username")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search resellers")
        filters.addWidget(self.search, 1)
        self.type_filter = QComboBox()
        self.type_filter.setObjectName("resellerTypeFilter")
        self.type_filter.setAccessibleName("Type filter")
        self.type_filter.addItem("All types", "")
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("resellerStatusFilter")
        self.status_filter.setAccessibleName("Status filter")
        for text, value in (("All statuses", ""), ("Active", "active"), ("Suspended", "suspended")):
            self.status_filter.addItem(text, value)
        filters.addWidget(self.type_filter)
        filters.addWidget(self.status_filter)
        self.count = QLabel("")
        self.count.setObjectName("resellerCount")
        # Room for the widest count, so the search box never squeezes it to a digit.
        self.count.setMinimumWidth(
            self.count.fontMetrics().horizontalAdvance("100,000 of 100,000 shown")
        )
        filters.addWidget(self.count)
        self.layout_.addLayout(filters)

        self.model = ResellerListModel()
        self.table = QTableView()
        self.table.setObjectName("resellerTable")
        self.table.setAccessibleName("Reseller customers")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Name, Company and E-mail share what the fixed columns leave, so every column
        # fits the page (sized by hand: sizing to contents would read 100,000 rows).
        for column, width in enumerate((48, 0, 0, 0, 104, 128, 74, 118, 46)):
            if width:
                header.resizeSection(column, width)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.layout_.addWidget(self.table, 1)

        self.new_button = button("&New Reseller…", "resellerNew", self.new_reseller)
        self.edit_button = button("&Edit…", "resellerEdit", self.edit_selected)
        self.status_button = button("&Suspend", "resellerSuspend", self.toggle_status)
        self.delete_button = button("&Delete…", "resellerDelete", self.delete_selected)
        self.subscribe_button = button(
            "Su&bscribe As Reseller…", "resellerSubscribe", self.subscribe_selected
        )
        self.offerings_button = button(
            "Service &Offerings…", "resellerOfferings", self.offerings_selected
        )
        self.panel_button = button("Open &Panel…", "resellerOpenPanel", self.open_panel_selected)
        self.export_button = button("E&xport CSV…", "resellerExport", self.choose_export)
        self.import_button = button("&Import CSV…", "resellerImport", self.choose_import)
        self.layout_.addLayout(
            button_row(
                self.new_button,
                self.edit_button,
                self.status_button,
                self.delete_button,
                self.subscribe_button,
                self.offerings_button,
                self.panel_button,
                None,
                self.export_button,
                self.import_button,
            )
        )
        self.state_line("resellerListState")

        self.search.textChanged.connect(self._filter)
        self.type_filter.currentIndexChanged.connect(self._filter)
        self.status_filter.currentIndexChanged.connect(self._filter)
        self.table.doubleClicked.connect(self._open_details)
        selection = self.table.selectionModel()
        selection.selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    # -- loading and filtering ------------------------------------------------------------

    def refresh(self) -> None:
        """Reload every reseller (off the GUI thread)."""
        studio = self.studio
        if studio is None:
            return
        self._stale = False
        self.state.setText("Loading resellers…")
        self._generation += 1
        generation = self._generation
        sort = self.model.sort_state
        self.runner.submit(
            lambda: _load(studio, self.actor, sort),
            lambda result: self._loaded(result, generation),
            self._failed,
        )

    def _refresh_if_shown(self) -> None:
        """Jobs changed subscription counts: reload now if shown, else when shown."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _loaded(
        self, result: tuple[PreparedRows, dict[str, ResellerType]], generation: int
    ) -> None:
        if generation != self._generation:
            return  # an older load finished after a newer one: its rows are stale
        rows, types = result
        self.types = types
        current = self.type_filter.currentData()
        self.type_filter.blockSignals(True)
        self.type_filter.clear()
        self.type_filter.addItem("All types", "")
        for kind, settings in types.items():
            self.type_filter.addItem(settings.label, kind)
        self.type_filter.setCurrentIndex(max(0, self.type_filter.findData(current)))
        self.type_filter.blockSignals(False)
        selected = self._select_after_load or self.selected_id()
        self.model.set_prepared(rows, {k: t.label for k, t in types.items()})  # filters once
        self._show_count()
        if selected is not None:
            self.select_reseller(selected)
        self._select_after_load = None
        self.state.setText("")

    def _filter(self) -> None:
        selected = self.selected_id()
        self.model.set_filter(
            self.search.text(), self.type_filter.currentData(), self.status_filter.currentData()
        )
        self._show_count()
        if selected is not None:
            self.select_reseller(selected)

    def _show_count(self) -> None:
        self.count.setText(f"{self.model.shown:,} of {self.model.total:,} shown")

    def select_reseller(self, reseller_id: int) -> None:
        """Select the row of ``reseller_id`` if it is shown."""
        row = self.model.view_row_of(reseller_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def selected_id(self) -> int | None:
        """The selected reseller's id."""
        row = self.selected_row()
        return row.id if row else None

    def selected_row(self) -> ResellerRow | None:
        """The selected reseller's row."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        row = self.selected_row()
        may_manage = self.actor.can(Permission.MANAGE_RESELLERS)
        for action in (self.edit_button, self.status_button, self.delete_button):
            action.setEnabled(row is not None and may_manage)
        self.new_button.setEnabled(may_manage)
        self.import_button.setEnabled(may_manage)
        self.export_button.setEnabled(self.model.shown > 0)
        self._update_subscribe(row, may_manage)
        self.panel_button.setEnabled(row is not None and may_manage)
        self.panel_button.setToolTip(
            "Work in this reseller's own panel as the reseller (recorded in the audit log)"
            if may_manage
            else f"{self.actor.name} may not open a reseller's panel"
        )
        suspended = row is not None and row.status == "suspended"
        self.status_button.setText("&Activate" if suspended else "&Suspend")
        self.status_button.setObjectName("resellerActivate" if suspended else "resellerSuspend")
        if not may_manage:
            tip = f"{self.actor.name} may view resellers but not change them"
            for action in (self.new_button, self.edit_button, self.delete_button):
                action.setToolTip(tip)

    def _update_subscribe(self, row: ResellerRow | None, may_manage: bool) -> None:
        """Subscribe As Reseller is for active Subscription Based resellers; say why not."""
        reason = ""
        if row is None:
            reason = "Select a reseller"
        elif not may_manage:
            reason = f"{self.actor.name} may not change resellers"
        elif row.type != "subscription":
            reason = (
                "Commission Based resellers sell your offerings for a commission; "
                "they do not subscribe to services themselves"
            )
        elif row.status != "active":
            reason = "Activate the reseller first"
        self.subscribe_button.setEnabled(not reason)
        self.subscribe_button.setToolTip(reason or "Subscribe this reseller to a service")
        why = ""
        if row is None:
            why = "Select a reseller"
        elif not may_manage:
            why = f"{self.actor.name} may not change resellers"
        elif row.type != "commission":
            why = (
                "Subscription Based resellers subscribe to reseller plans and sell their "
                "own; service offerings are for Commission Based resellers"
            )
        self.offerings_button.setEnabled(not why)
        self.offerings_button.setToolTip(
            why or "Choose the offerings this reseller may sell, with its commission"
        )

    def set_job_monitor(self, monitor: JobMonitor) -> None:
        """Subscribe As Reseller follows its job through the window's runner."""
        self.job_monitor = monitor
        monitor.jobsChanged.connect(lambda _ids: self._jobs_changed.start())

    def offerings_selected(self) -> ResellerOfferingsDialog | None:
        """Open Service Offerings for the selected Commission Based reseller."""
        from ui.dialogs.reseller_offerings_dialog import ResellerOfferingsDialog  # start-up

        row = self.selected_row()
        if row is None or self.studio is None or not self.offerings_button.isEnabled():
            return None
        _discard(self.offerings_dialog)
        dialog = ResellerOfferingsDialog(
            self.studio,
            self.actor,
            self.runner,
            reseller_id=row.id,
            reseller_name=row.company or row.name,
            parent=self,
        )
        dialog.saved.connect(
            lambda assigned: self.state.setText(f"{row.name} may sell {len(assigned)} offerings.")
        )
        self.offerings_dialog = dialog
        dialog.open()
        return dialog

    def open_panel_selected(self) -> None:
        """Open the selected reseller's panel as that reseller (audited first)."""
        row = self.selected_row()
        studio = self.studio
        if row is None or studio is None or not self.panel_button.isEnabled():
            return
        from studio.services.reseller_panel import open_panel_as  # start-up

        self.runner.submit(
            lambda: open_panel_as(studio, self.actor, row.id),
            self._show_panel,
            lambda error: self.state.setText(f"The panel did not open: {error}"),
        )

    def _show_panel(self, actor: Actor) -> None:
        from ui.reseller_panel.window import ResellerPanelWindow  # start-up

        if self.studio is None:
            return
        # A child of the studio's window (still a window of its own): the idle lock hides
        # it and Sign Out closes it with the provider's other work.
        window = ResellerPanelWindow(
            self.runner, self.studio, actor, self.job_monitor, parent=self.window()
        )
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.panel_window = window
        window.show()
        window.start()
        self.state.setText(f"Opened the panel of {actor.name.split(' as ')[-1]}")

    def subscribe_selected(self) -> SubscribeWizard | None:
        """Open Subscribe As Reseller for the selected reseller."""
        row = self.selected_row()
        if row is None or not self.subscribe_button.isEnabled():
            return None
        return self.open_subscribe(row.id, row.company or row.name)

    def open_subscribe(self, reseller_id: int, name: str) -> SubscribeWizard | None:
        """Subscribe As Reseller for ``reseller_id`` (also right after Add and Subscribe)."""
        from ui.wizards.subscribe_wizard import SubscribeWizard  # start-up

        if self.studio is None:
            return None
        _discard(self.subscribe_wizard)
        self.subscribe_wizard = SubscribeWizard(
            self.studio,
            self.actor,
            self.runner,
            self.job_monitor,
            reseller_id=reseller_id,
            reseller_name=name,
            parent=self,
        )
        self.subscribe_wizard.open()
        return self.subscribe_wizard

    def _failed(self, error: BaseException) -> None:
        text = str(error) if isinstance(error, StudioError) else f"Unexpected error: {error!r}"
        self.state.setText(text)
        self.statusMessage.emit(text)

    # -- wizard and details -------------------------------------------------------------

    def new_reseller(self) -> ResellerWizard | None:
        """Open the New Reseller wizard."""
        return self._open_wizard(None)

    def _open_wizard(self, details: ResellerDetails | None) -> ResellerWizard | None:
        from ui.wizards.reseller_wizard import open_reseller_wizard  # start-up

        if self.studio is None or not self.types:
            return None
        _discard(self.wizard)
        self.wizard = open_reseller_wizard(
            self,
            self.studio,
            self.actor,
            self.runner,
            types=self.types,
            details=details,
            on_saved=lambda saved: self._saved(saved, created=details is None),
        )
        wizard = self.wizard
        wizard.resellerSaved.connect(
            lambda saved: (
                self.open_subscribe(saved.id, saved.data.company.name or saved.name)
                if wizard.then_subscribe
                else None
            )
        )
        self.wizard.openSettingsRequested.connect(
            lambda: self.navigateRequested.emit("reseller-settings")
        )
        return self.wizard

    def edit_selected(self) -> None:
        """Load the selected reseller, then open the wizard on it."""
        reseller_id = self.selected_id()
        if reseller_id is not None:
            self.edit(reseller_id)

    def edit(self, reseller_id: int) -> None:
        """Open Edit for ``reseller_id`` once its details are loaded."""
        self.run_on_studio(
            lambda studio: _details(studio, self.actor, reseller_id),
            self._edit_loaded,
            self._failed,
        )

    def _edit_loaded(self, details: ResellerDetails) -> None:
        self._open_wizard(details)

    def _saved(self, details: ResellerDetails, created: bool) -> None:
        verb = "Added" if created else "Saved"
        self.statusMessage.emit(f"{verb} reseller {details.name}")
        self.state.setText(f"{verb} reseller {details.name} ({details.data.username}).")
        self._select_after_load = details.id
        self.refresh()

    def _open_details(self, index: QModelIndex) -> None:
        studio = self.studio
        if studio is None or not index.isValid():
            return
        reseller_id = self.model.row_at(index.row()).id
        self.runner.submit(
            lambda: _details_and_subscriptions(studio, self.actor, reseller_id),
            self._show_details,
            self._failed,
        )

    def _addon(self, dialog: ResellerDetailsDialog, subscription_id: int, addon_id: int) -> None:
        studio = self.studio
        if studio is None:
            return

        def done(job: JobView) -> None:
            if self.job_monitor is not None:
                self.job_monitor.wake()
            dialog.addon_submitted(f"Job {job.id} pending: see Home » Provisioning Jobs.")

        def failed(error: BaseException) -> None:
            from studio.errors import FieldError  # start-up

            text = "; ".join(error.errors.values()) if isinstance(error, FieldError) else str(error)
            dialog.addon_submitted(f"Not submitted: {text}")

        self.runner.submit(
            lambda: _add_addon(studio, self.actor, subscription_id, addon_id), done, failed
        )

    def _show_details(self, loaded: DetailsLoaded) -> None:
        from ui.dialogs.reseller_details_dialog import ResellerDetailsDialog  # start-up

        details, subscriptions, offerings, addons = loaded
        label = self.types[details.data.type].label if details.data.type in self.types else ""
        may = self.actor.can(Permission.MANAGE_RESELLERS)
        dialog = ResellerDetailsDialog(
            details,
            label or details.data.type,
            subscriptions=subscriptions,
            parent=self,
            offerings=offerings,
            addons=addons if may else [],
        )
        dialog.addonRequested.connect(lambda sub, addon: self._addon(dialog, sub, addon))
        dialog.editRequested.connect(self.edit)
        dialog.edit_button.setEnabled(self.actor.can(Permission.MANAGE_RESELLERS))
        _discard(self.details_dialog)
        self.details_dialog = dialog
        dialog.open()

    # -- status and delete --------------------------------------------------------------

    def _ask(self, title: str, text: str, yes: str, then: Any) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, self
        )
        confirm = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        confirm.setObjectName("resellerConfirm")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setObjectName("resellerConfirmBox")
        box.finished.connect(lambda _r: then() if box.clickedButton() is confirm else None)
        _discard(self.box)
        self.box = box
        box.open()
        return box

    def toggle_status(self) -> None:
        """Suspend or activate the selected reseller, after listing what it affects."""
        row = self.selected_row()
        studio = self.studio
        if row is None or studio is None:
            return
        target = "active" if row.status == "suspended" else "suspended"
        self.runner.submit(
            lambda: _subscriptions(studio, self.actor, row.id),
            lambda subs: self._confirm_status(row, target, subs),
            self._failed,
        )

    def _confirm_status(
        self, row: ResellerRow, target: str, subscriptions: list[SubscriptionView]
    ) -> None:
        from studio.domain.catalog import CATALOG  # start-up

        studio = self.studio
        if studio is None:
            return
        touched = "active" if target == "suspended" else "suspended"
        affected = [s for s in subscriptions if s.status == touched and s.resource_id]
        items = "\n".join(
            f"• {CATALOG[s.service].title if s.service in CATALOG else s.service} on {s.server}"
            for s in affected
        )

        def run() -> None:
            self.runner.submit(
                lambda: _set_status(studio, self.actor, row.id, target),
                self._status_set,
                self._failed,
            )

        verb = "Suspend" if target == "suspended" else "Activate"
        if target == "active" and not affected:
            run()  # nothing on any server changes: no question
            return
        text = f"{verb} {row.name} ({row.username})?"
        if target == "suspended":
            text += " The reseller cannot sign in until it is activated again."
        if affected:
            action = "suspended" if target == "suspended" else "resumed"
            text += f"\n\nThese subscriptions will be {action} on their servers:\n{items}"
        self._ask(f"{verb} reseller", text, verb, run)

    def _status_set(self, details: ResellerDetails) -> None:
        self.state.setText(f"{details.name} is {details.status}.")
        if self.job_monitor is not None:
            self.job_monitor.wake()  # its subscriptions' jobs, if any
        self._select_after_load = details.id
        self.refresh()

    def delete_selected(self) -> None:
        """Delete the selected reseller after confirming."""
        row = self.selected_row()
        studio = self.studio
        if row is None or studio is None:
            return
        self._ask(
            "Delete reseller",
            f"Delete {row.name} ({row.username})? The record and its history stay in "
            "the audit log.",
            "Delete",
            lambda: self.runner.submit(
                lambda: _delete(studio, self.actor, row.id), self._deleted, self._failed
            ),
        )

    def _deleted(self, name: str) -> None:
        self.state.setText(f"Deleted {name}; the record and its history stay in the audit log.")
        self.statusMessage.emit(f"Deleted reseller {name}")
        self.refresh()

    # -- CSV ----------------------------------------------------------------------------

    def _file_dialog(self, title: str, save: bool, then: Any) -> QFileDialog:
        _discard(self.file_dialog)
        self.file_dialog = csv_file_dialog(
            self,
            title,
            then,
            save_as="resellers.csv" if save else None,
            name="resellerFileDialog",
            keep=True,
        )
        return self.file_dialog

    def choose_export(self) -> QFileDialog:
        """Ask where to export the rows shown."""
        return self._file_dialog("Export resellers", True, self.export_to)

    def export_to(self, path: Path) -> None:
        """Write the rows shown, in their order, to ``path``."""
        ids = [self.model.rows[i].id for i in self.model.visible]
        self.run_on_studio(
            lambda studio: _export(studio, self.actor, path, ids),
            lambda n: self.state.setText(f"Exported {n:,} resellers to {path}."),
            self._failed,
            busy=f"Exporting {len(ids):,} resellers…",
        )

    def choose_import(self) -> QFileDialog:
        """Ask for a CSV file to import."""
        return self._file_dialog("Import resellers", False, self.import_from)

    def import_from(self, path: Path) -> None:
        """Import ``path``: every row checked first; all or nothing."""
        self.run_on_studio(
            lambda studio: _import(studio, self.actor, path),
            self._imported,
            self._import_failed,
            busy=f"Importing {path.name}…",
        )

    def _imported(self, count: int) -> None:
        self.state.setText(
            f"Imported {count:,} resellers. They have no password and cannot sign in "
            "until one is set (Edit)."
        )
        self.refresh()

    def _import_failed(self, error: BaseException) -> None:
        from studio.services.reseller_transfer import ImportRejected  # start-up

        if not isinstance(error, ImportRejected):
            self._failed(error)
            return
        lines = {line for line, _f, _m in error.problems}
        summary = (
            f"Nothing was imported: {len(error.problems)} problems on {len(lines)} lines. "
            "Correct the file and import it again."
        )
        self.state.setText(summary)
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Import refused", summary, QMessageBox.StandardButton.Ok, self
        )
        box.setObjectName("resellerImportReport")
        box.setDetailedText("\n".join(f"line {ln}, {f}: {m}" for ln, f, m in error.problems))
        _discard(self.box)
        self.box = box
        box.open()

    def showEvent(self, event: Any) -> None:
        """Put the cursor in the search box when the page appears; load what changed
        while it was hidden."""
        super().showEvent(event)
        if self._stale:
            QTimer.singleShot(0, self.refresh)
        QTimer.singleShot(0, self.search.setFocus)
