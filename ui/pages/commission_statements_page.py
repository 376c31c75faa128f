"""``Home » Customer Manager » Commission Statements``: every Commission Based
reseller's commission for a month or a quarter (the provider's view of what each
reseller sees under Statements), its sales line by line, exported to CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QFileDialog,
)

from studio.domain.actors import Actor
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.reseller_panel.period_bar import PeriodBar
from ui.reseller_panel.statements_page import StatementModel
from ui.tasks import TaskRunner
from ui.widgets.file_dialogs import csv_file_dialog
from ui.widgets.table_model import RowsTableModel, row_table

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.domain.statement_rules import Statement


def _all(studio: Studio, actor: Actor, period: str) -> list[tuple[int, Statement]]:
    from studio.services.statements import all_statements  # start-up

    return all_statements(studio, actor, period)


def _export(path: Path, statement: Statement) -> int:
    from studio.services.statements import write_statement_csv  # start-up

    return write_statement_csv(path, statement)


class TotalsModel(RowsTableModel["tuple[int, Statement]"]):
    """One row per Commission Based reseller."""

    COLUMNS = ("Reseller", "Period", "Sales", "Sold", "Commission", "Currency")

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        """Cell text; amounts right-aligned."""
        _id, st = self.rows[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and 2 <= index.column() <= 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = (
            st.reseller,
            st.period.label,
            str(len(st.lines)),
            str(st.total_sales),
            str(st.total_commission),
            st.currency,
        )
        return values[index.column()]


class CommissionStatementsPage(Page):
    """Period, the resellers' totals, the selected reseller's lines, Export CSV."""

    def __init__(self, spec: PageSpec, runner: TaskRunner, actor: Actor) -> None:
        super().__init__(spec, runner, actor)
        self.bar = PeriodBar("statements", "statementsShow", "statementsExport")
        self.bar.showRequested.connect(self.refresh)
        self.bar.exportRequested.connect(self.ask_export)
        self.layout_.addWidget(self.bar)
        self.totals = TotalsModel()
        self.totals_table = row_table(self.totals, "statementsTotals")
        self.layout_.addWidget(self.totals_table, 1)
        self.lines = StatementModel()
        self.lines_table = row_table(self.lines, "statementsLines")
        self.layout_.addWidget(self.lines_table, 1)
        self.state = self.paragraph("", "statementsState")
        self.totals_table.selectionModel().selectionChanged.connect(self._show_lines)

    def refresh(self) -> None:
        """Compute every statement of the period typed (off the GUI thread)."""
        studio = self.studio
        if studio is None:
            return
        period = self.bar.text()
        self.runner.submit(lambda: _all(studio, self.actor, period), self._show, self._failed)

    def _show(self, statements: list[tuple[int, Statement]]) -> None:
        self.totals.set_rows(statements)
        self.lines.set_rows([])
        self.bar.fields.show_errors({})
        label = statements[0][1].period.label if statements else "this period"
        commission = sum((st.total_commission for _id, st in statements), start=0)
        self.state.setText(
            f"{len(statements)} Commission Based reseller(s), {label}: commission {commission}"
        )
        if statements:
            self.totals_table.selectRow(0)

    def selected(self) -> Statement | None:
        """The selected reseller's statement."""
        rows = self.totals_table.selectionModel().selectedRows()
        return self.totals.rows[rows[0].row()][1] if rows else None

    def _show_lines(self, *_: object) -> None:
        statement = self.selected()
        self.lines.set_rows(list(statement.lines) if statement else [])
        self.bar.export_button.setEnabled(statement is not None)

    def ask_export(self) -> QFileDialog | None:
        """Ask where to write the selected statement (a non-blocking dialog)."""
        statement = self.selected()
        if statement is None:
            return None
        name = f"statement-{statement.reseller}-{statement.period.label}.csv".replace(" ", "-")
        return csv_file_dialog(self, "Export statement", self.export_to, save_as=name)

    def export_to(self, path: Path) -> None:
        """Write the selected statement to ``path`` (off the GUI thread)."""
        statement = self.selected()
        if statement is None:
            return
        self.runner.submit(
            lambda: _export(path, statement),
            lambda _n: self.state.setText(f"Exported {statement.reseller} to {path}"),
            self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        self.totals.set_rows([])
        self.lines.set_rows([])
        self.state.setText(self.bar.failure(error))
