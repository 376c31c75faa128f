"""``Home » Customer Manager » Quota Over Usage``: each Subscription Based reseller's
subscriptions, what its end customers hold of every quota, and whether the reseller may
oversell (a per-reseller setting, off by default). Exceeded quotas are red; "Only
exceeded" shows the over-usage report alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox

from studio.domain.actors import Actor, Permission
from studio.domain.catalog import CATALOG
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner
from ui.widgets.controls import button, button_row
from ui.widgets.forms import failure_sentence
from ui.widgets.table_model import RowsTableModel, row_table

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.services.quota_usage import QuotaReportRow


@dataclass(frozen=True)
class _Line:
    """One quota of one reseller subscription."""

    reseller_id: int
    reseller: str
    oversell: bool
    subscription: str
    quota: str
    held: str
    limit: str
    over: int


def _lines(studio: Studio, actor: Actor) -> list[_Line]:
    from studio.services.quota_usage import quota_report  # start-up

    rows: list[QuotaReportRow] = quota_report(studio, actor)
    lines = []
    for row in rows:
        u = row.usage
        title = CATALOG[u.service].title if u.service in CATALOG else u.service
        for q in u.quotas:
            each = "" if q.pooled else " each"
            lines.append(
                _Line(
                    row.reseller_id,
                    row.username,
                    row.oversell_allowed,
                    f"#{u.id} {title} on {u.server}, {u.customers} customer(s)",
                    q.label,
                    f"{q.allocated:,} {q.unit}",
                    f"{q.limit:,} {q.unit}{each}",
                    q.over,
                )
            )
    return lines


def _set_oversell(studio: Studio, actor: Actor, reseller_id: int, allowed: bool) -> bool:
    from studio.services.reseller_panel import set_oversell  # start-up

    return set_oversell(studio, actor, reseller_id, allowed)


class UsageModel(RowsTableModel[_Line]):
    """Rows of quotas."""

    COLUMNS = (
        "Reseller",
        "Overselling",
        "Subscription",
        "Quota",
        "Customers hold",
        "Limit",
        "Over by",
    )

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        """Cell text; exceeded quotas in red."""
        line = self.rows[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and line.over:
            return QColor("#c62828")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = (
            line.reseller,
            "allowed" if line.oversell else "no",
            line.subscription,
            line.quota,
            line.held,
            line.limit,
            f"{line.over:,}" if line.over else "",
        )
        return values[index.column()]


class QuotaUsagePage(Page):
    """The provider's view of quotas across the hierarchy."""

    def __init__(self, spec: PageSpec, runner: TaskRunner, actor: Actor) -> None:
        super().__init__(spec, runner, actor)
        self.paragraph(
            "What each reseller's end customers hold of its subscriptions. A reseller's "
            "customers never hold more than its subscription unless you allow it to "
            "oversell; then the exceeded quotas show here in red."
        )
        self.only_over = QCheckBox("Only &exceeded quotas (the over-usage report)")
        self.only_over.setObjectName("quotaOnlyOver")
        self.layout_.addWidget(self.only_over)
        self.model = UsageModel()
        self.table = row_table(self.model, "quotaUsageTable")
        self.layout_.addWidget(self.table, 1)
        self.oversell_button = button("&Allow Overselling", "quotaOversell", self.toggle_oversell)
        # A lambda: clicked's `checked` must not arrive as refresh's message.
        refresh = button("Re&fresh", "quotaRefresh", lambda: self.refresh())  # noqa: PLW0108
        self.layout_.addLayout(button_row(self.oversell_button, refresh))
        self.state_line("quotaState")
        self.lines: list[_Line] = []
        self.only_over.toggled.connect(lambda _checked: self._filter())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def refresh(self, message: str = "") -> None:
        """Read the report off the GUI thread."""
        studio = self.studio
        if studio is None:
            return

        def show(lines: list[_Line]) -> None:
            self.lines = lines
            self._filter()
            exceeded = sum(1 for line in lines if line.over)
            self.state.setText(message or f"{exceeded} quota(s) exceeded")

        self.runner.submit(lambda: _lines(studio, self.actor), show, self._failed)

    def _filter(self) -> None:
        """The lines read last, or only the exceeded ones (no reading again)."""
        only_over = self.only_over.isChecked()
        self.model.set_rows([line for line in self.lines if line.over or not only_over])
        self._update_buttons()

    def selected(self) -> _Line | None:
        """The selected line."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _update_buttons(self, *_: object) -> None:
        line = self.selected()
        may = self.actor.can(Permission.MANAGE_RESELLERS)
        self.oversell_button.setEnabled(line is not None and may)
        self.oversell_button.setText(
            "&Stop Overselling" if line is not None and line.oversell else "&Allow Overselling"
        )
        if not may:
            self.oversell_button.setToolTip(f"{self.actor.name} may not change resellers")

    def toggle_oversell(self) -> None:
        """Allow or stop overselling for the selected line's reseller."""
        line, studio = self.selected(), self.studio
        if line is None or studio is None:
            return
        allowed = not line.oversell
        self.runner.submit(
            lambda: _set_oversell(studio, self.actor, line.reseller_id, allowed),
            lambda now: self.refresh(
                f"{line.reseller} may {'now' if now else 'no longer'} oversell"
            ),
            self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        self.state.setText(failure_sentence(error))
