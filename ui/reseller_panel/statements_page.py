"""``Statements``: a Commission Based reseller's commission for a month or a quarter,
line by line, with totals, exported to CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
)

from studio.context import Studio
from studio.domain.actors import Actor
from studio.domain.statement_rules import Statement, StatementLine
from studio.services.statements import commission_statement, write_statement_csv
from ui.reseller_panel.panel_page import PanelPage
from ui.reseller_panel.period_bar import PeriodBar
from ui.tasks import TaskRunner
from ui.widgets.file_dialogs import csv_file_dialog
from ui.widgets.table_model import RowsTableModel, row_table


class StatementModel(RowsTableModel[StatementLine]):
    """One row per sale."""

    COLUMNS = ("Date", "Customer", "Offering", "Cycle", "Amount", "Commission %", "Commission")

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        """Cell text; amounts right-aligned."""
        line = self.rows[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        sale = line.sale
        return (
            sale.sold_on.isoformat(),
            sale.customer,
            sale.offering,
            sale.billing_cycle,
            str(line.amount),
            str(line.percent),
            str(line.commission),
        )[index.column()]


class StatementsPage(PanelPage):
    """Period, Show, the lines, the totals, Export CSV."""

    TITLE = "Statements"

    def __init__(self, runner: TaskRunner, studio: Studio, actor: Actor) -> None:
        super().__init__(runner, studio, actor, "panelStatements")
        self.bar = PeriodBar("statement", "statementShowButton", "statementExportButton")
        self.bar.showRequested.connect(self.refresh)
        self.bar.exportRequested.connect(self.ask_export)
        self.layout_.addWidget(self.bar)
        self.model = StatementModel()
        self.table = row_table(self.model, "statementTable")
        self.layout_.addWidget(self.table, 1)
        self.totals = QLabel()
        self.totals.setObjectName("statementTotals")
        self.layout_.addWidget(self.totals)
        self.finish_layout()
        self.statement: Statement | None = None

    def refresh(self) -> None:
        """Compute the statement of the period typed."""
        period = self.bar.text()
        self.run(
            lambda: commission_statement(self.studio, self.actor, None, period),
            self._show,
            self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        self.statement = None
        self.model.set_rows([])
        self.totals.setText("")
        self.state.setText(self.bar.failure(error))

    def _show(self, statement: Statement) -> None:
        self.statement = statement
        self.model.set_rows(list(statement.lines))
        self.totals.setText(
            f"{statement.period.label}: {len(statement.lines)} sale(s), "
            f"{statement.total_sales} {statement.currency} sold, commission "
            f"{statement.total_commission} {statement.currency}"
        )
        self.state.setText(f"Statement of {statement.reseller} for {statement.period.label}")
        self.bar.shown()

    def ask_export(self) -> QFileDialog:
        """Ask where to write the CSV (a non-blocking dialog)."""
        label = self.statement.period.label if self.statement else "statement"
        return csv_file_dialog(
            self, "Export statement", self.export_to, save_as=f"statement-{label}.csv"
        )

    def export_to(self, path: Path) -> None:
        """Write the statement shown to ``path`` (off the GUI thread)."""
        statement = self.statement
        if statement is None:
            return
        self.run(
            lambda: write_statement_csv(path, statement),
            lambda _n: self.state.setText(f"Exported to {path}"),
        )
