"""``Home » Provisioning Jobs``: every provisioning job, its state and progress.

Refreshed as the window's job runner reports changes. Retry runs a failed or cancelled
job again (under the same key when the failure was ours, so the server is asked
again rather than told twice); Cancel asks the server to cancel a job under way.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
)

from studio.domain.actors import Actor, Permission
from studio.domain.catalog import CATALOG
from studio.errors import StudioError
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner
from ui.widgets.table_model import RowsTableModel

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.services.jobs import JobView
    from ui.job_monitor import JobMonitor

COLUMNS = ("Job", "Reseller", "Operation", "Service", "Server", "State", "Progress", "Error")
_COLOURS = {"succeeded": "#2e7d32", "failed": "#c62828", "cancelled": "#6d4c41"}


def _list(studio: Studio, actor: Actor, unfinished: bool) -> list[JobView]:
    from studio.services.jobs import list_jobs  # start-up

    return list_jobs(studio, actor, unfinished_only=unfinished)


def _retry(studio: Studio, actor: Actor, job_id: int) -> JobView:
    from studio.services.jobs import retry_job  # start-up

    return retry_job(studio, actor, job_id)


def _cancel(studio: Studio, actor: Actor, job_id: int) -> JobView:
    from studio.services.jobs import cancel_job  # start-up

    return cancel_job(studio, actor, job_id)


class JobsModel(RowsTableModel["JobView"]):
    """Rows of jobs."""

    COLUMNS = COLUMNS

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Cell text; the state coloured."""
        job = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ForegroundRole and column == 5:
            colour = _COLOURS.get(job.state)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole and column == 7 and job.error:
            return f"<p>{html.escape(job.error)}</p>"  # the server's words, never markup
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        service = CATALOG[job.service].title if job.service in CATALOG else job.service
        values = (
            str(job.id),
            job.reseller,
            job.operation,
            service,
            job.server,
            job.state + (f" (try {job.attempts + 1})" if job.attempts and not job.finished else ""),
            f"{job.progress} %",
            job.error,
        )
        return values[column]


class ProvisioningJobsPage(Page):
    """The jobs table with Retry and Cancel."""

    def __init__(self, spec: PageSpec, runner: TaskRunner, actor: Actor) -> None:
        super().__init__(spec, runner, actor)
        self.paragraph(
            "Each subscription is carried out by a job on its Remote Server. A job that "
            "cannot reach its server is tried again with growing waits before it fails."
        )
        self.monitor: JobMonitor | None = None
        top = QHBoxLayout()
        self.unfinished = QCheckBox("Only jobs under way")
        self.unfinished.setObjectName("jobsUnfinished")
        top.addWidget(self.unfinished)
        top.addStretch(1)
        self.layout_.addLayout(top)
        self.model = JobsModel()
        self.table = QTableView()
        self.table.setObjectName("jobsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((50, 150, 80, 120, 70, 110, 70)):
            self.table.setColumnWidth(column, width)
        self.layout_.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.retry_button = QPushButton("&Retry")
        self.retry_button.setObjectName("jobsRetry")
        self.cancel_button = QPushButton("&Cancel Job")
        self.cancel_button.setObjectName("jobsCancel")
        self.refresh_button = QPushButton("Re&fresh")
        self.refresh_button.setObjectName("jobsRefresh")
        for button in (self.retry_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        self.layout_.addLayout(buttons)
        self.state = self.paragraph("", "jobsState")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.refresh)
        self.unfinished.toggled.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.retry_button.clicked.connect(self.retry_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    def set_job_monitor(self, monitor: JobMonitor) -> None:
        """Refresh when the runner reports a change."""
        self.monitor = monitor
        monitor.jobsChanged.connect(lambda _ids: self._debounce.start())

    def refresh(self) -> None:
        """Reload the jobs off the GUI thread."""
        studio = self.studio
        if studio is None:
            return
        unfinished = self.unfinished.isChecked()
        self.runner.submit(lambda: _list(studio, self.actor, unfinished), self._show, self._failed)

    def _show(self, jobs: list[JobView]) -> None:
        selected = self.selected()
        self.model.set_rows(jobs)
        if selected is not None:
            for row, job in enumerate(jobs):
                if job.id == selected.id:
                    self.table.selectRow(row)

    def selected(self) -> JobView | None:
        """The selected job."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def select_job(self, job_id: int) -> None:
        """Select the row of ``job_id``."""
        for row, job in enumerate(self.model.rows):
            if job.id == job_id:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        job = self.selected()
        may = self.actor.can(Permission.MANAGE_RESELLERS)
        self.retry_button.setEnabled(
            may and job is not None and job.state in ("failed", "cancelled")
        )
        self.cancel_button.setEnabled(may and job is not None and not job.finished)

    def retry_selected(self) -> None:
        """Run the selected failed job again."""
        job, studio = self.selected(), self.studio
        if job is None or studio is None:
            return
        self.runner.submit(lambda: _retry(studio, self.actor, job.id), self._acted, self._failed)

    def cancel_selected(self) -> None:
        """Cancel the selected job."""
        job, studio = self.selected(), self.studio
        if job is None or studio is None:
            return
        self.runner.submit(lambda: _cancel(studio, self.actor, job.id), self._acted, self._failed)

    def _acted(self, job: JobView) -> None:
        self.state.setText(f"Job {job.id} is {job.state}.")
        if self.monitor is not None:
            self.monitor.wake()
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        text = str(error) if isinstance(error, StudioError) else f"Unexpected error: {error!r}"
        self.state.setText(text)
