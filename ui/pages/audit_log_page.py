"""``Home » System Configuration » Audit Log``: every change, by whom and when.

Filters by actor, entity and date range (days, inclusive, local time) reload the table
off the GUI thread; Export CSV writes what is shown, also off the GUI thread. One line
says whether the log's hash chain holds, as ``audit verify`` does, checked on each load.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
)

from studio.domain.actors import Actor
from studio.errors import FieldError
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner
from ui.widgets.file_dialogs import csv_file_dialog
from ui.widgets.table_model import RowsTableModel

if TYPE_CHECKING:
    from pathlib import Path

    from studio.context import Studio
    from studio.domain.audit_chain import ChainReport
    from studio.services.audit_log import AuditFilter, AuditRow

COLUMNS = ("Time", "Actor", "Action", "Entity", "Changes")
ANY = "(any)"
_NO_DATE = QDate(2000, 1, 1)


Loaded = tuple["list[AuditRow]", list[str], list[str], "ChainReport"]


def _load(studio: Studio, actor: Actor, where: AuditFilter) -> Loaded:
    from studio.services.audit_log import (  # start-up
        audit_choices,
        list_audit_events,
        verify_audit_log,
    )

    rows = list_audit_events(studio, actor, where)
    return rows, *audit_choices(studio, actor), verify_audit_log(studio, actor)


def _export(studio: Studio, actor: Actor, where: AuditFilter, path: Path) -> int:
    from studio.services.audit_log import export_audit_csv  # start-up

    return export_audit_csv(studio, actor, where, path)


class AuditModel(RowsTableModel["AuditRow"]):
    """Audit rows, newest first."""

    COLUMNS = COLUMNS

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Cell text; the summary as tool tip."""
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.summary
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        cells = (
            row.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            row.actor,
            row.action,
            f"{row.entity} {row.entity_id}".strip(),
            row.changes_text() or row.summary,
        )
        return cells[index.column()]


class AuditLogPage(Page):
    """Filter and export the audit log."""

    def __init__(self, spec: PageSpec, runner: TaskRunner, actor: Actor) -> None:
        super().__init__(spec, runner, actor)
        self.paragraph(
            "Every change made through the studio: who, when, what, to which entity. "
            "Secrets are never recorded, only that they changed."
        )
        filters = QHBoxLayout()
        self.actor_box = self._combo("auditActor", "Filter by actor")
        self.entity_box = self._combo("auditEntity", "Filter by entity")
        self.since = self._date("auditSince", "From date")
        self.until = self._date("auditUntil", "To date")
        for caption, widget in (
            ("Actor:", self.actor_box),
            ("Entity:", self.entity_box),
            ("From:", self.since),
            ("To:", self.until),
        ):
            label = QLabel(caption)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
        filters.addStretch(1)
        self.layout_.addLayout(filters)
        self.until_error = QLabel()
        self.until_error.setObjectName("auditUntilError")
        self.until_error.setProperty("role", "fieldError")
        self.until_error.setVisible(False)
        self.layout_.addWidget(self.until_error)
        self.model = AuditModel()
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setAccessibleName("Audit events")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.layout_.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setObjectName("auditRefresh")
        self.export_button = QPushButton("E&xport CSV…")
        self.export_button.setObjectName("auditExport")
        self.export_button.setAccessibleName("Export the events shown to a CSV file")
        self.count = QLabel()
        self.count.setObjectName("auditCount")
        row.addWidget(self.refresh_button)
        row.addWidget(self.export_button)
        row.addWidget(self.count, 1)
        self.layout_.addLayout(row)
        self.chain = QLabel()
        self.chain.setObjectName("auditChain")
        self.chain.setAccessibleName("State of the audit log's hash chain")
        self.chain.setWordWrap(True)
        self.layout_.addWidget(self.chain)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.choose_export_file)
        for box in (self.actor_box, self.entity_box):
            box.currentIndexChanged.connect(lambda _i: self.refresh())
        for edit in (self.since, self.until):
            edit.dateChanged.connect(lambda _d: self.refresh())
        self._loading = False
        self._again = False

    def _combo(self, name: str, accessible: str) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.setAccessibleName(accessible)
        box.addItem(ANY, None)
        box.setMinimumContentsLength(14)
        return box

    def _date(self, name: str, accessible: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(_NO_DATE)
        edit.setSpecialValueText(ANY)  # the minimum date reads "(any)"
        edit.setDate(_NO_DATE)
        return edit

    def current_filter(self) -> AuditFilter:
        """The filter the widgets describe."""
        from studio.services.audit_log import AuditFilter  # start-up

        def day(edit: QDateEdit) -> dt.date | None:
            value = edit.date()
            return None if value == _NO_DATE else dt.date(value.year(), value.month(), value.day())

        return AuditFilter(
            actor=self.actor_box.currentData(),
            entity=self.entity_box.currentData(),
            since=day(self.since),
            until=day(self.until),
        )

    def refresh(self) -> None:
        """Reload with the current filter (errors shown beside the To field)."""
        studio = self.studio
        if studio is None:
            return
        where = self.current_filter()
        problems = where.errors()
        self.until_error.setText(problems.get("until", ""))
        self.until_error.setVisible(bool(problems))
        if problems:
            return
        if self._loading:  # a filter changed mid-load: load again when this one lands
            self._again = True
            return
        self._loading = True
        self.runner.submit(
            lambda: _load(studio, self.actor, where), self._on_loaded, self._on_failed
        )

    def _on_loaded(self, loaded: Loaded) -> None:
        rows, actors, entities, chain = loaded
        if chain.ok:
            self.chain.setText(f"Hash chain: {chain.message}")
            self.chain.setProperty("role", "")
        else:
            self.chain.setText(f"Hash chain broken: {chain.message}")
            self.chain.setProperty("role", "fieldError")
        self.chain.style().polish(self.chain)
        self.model.set_rows(rows)
        self._refill(self.actor_box, actors)
        self._refill(self.entity_box, entities)
        self.count.setText(f"{len(rows)} event{'s' if len(rows) != 1 else ''} shown")
        self._loading = False
        if self._again:
            self._again = False
            self.refresh()

    def _refill(self, box: QComboBox, values: list[str]) -> None:
        chosen = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(ANY, None)
        for value in values:
            box.addItem(value, value)
        box.setCurrentIndex(max(0, box.findData(chosen)) if chosen else 0)
        box.blockSignals(False)

    def _on_failed(self, error: BaseException) -> None:
        self._loading = False
        self._again = False
        if isinstance(error, FieldError) and "until" in error.errors:
            self.until_error.setText(error.errors["until"])
            self.until_error.setVisible(True)
        else:
            self.count.setText(f"The audit log could not be read: {error}")

    def choose_export_file(self) -> QFileDialog:
        """Ask where to save (window-modal, ``open()``); the export runs when chosen."""
        return csv_file_dialog(
            self,
            "Export audit log",
            lambda path: self.export_to(str(path)),
            save_as="audit-log.csv",
            name="auditExportDialog",
        )

    def export_to(self, file_name: str) -> None:
        """Write the events matching the current filter to ``file_name``."""
        from pathlib import Path  # start-up

        studio = self.studio
        if studio is None:
            return
        where, path = self.current_filter(), Path(file_name)
        self.runner.submit(
            lambda: _export(studio, self.actor, where, path),
            lambda count: self.statusMessage.emit(f"Exported {count} audit events to {path}"),
            lambda error: self.statusMessage.emit(f"Export failed: {error}"),
        )
