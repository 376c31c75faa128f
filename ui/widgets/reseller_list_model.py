"""The Reseller Customers table's model: 100,000 rows, filtered and sorted in memory.

The rows come from ``list_resellers`` once (off the GUI thread); every keystroke in the
search box then filters a precomputed, case-folded text per row, the same rule as
``studio.services.resellers.filter_rows``, so typing never touches the database. Cells
are formatted only when the view paints them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

if TYPE_CHECKING:
    from studio.services.reseller_list import ResellerRow

COLUMNS = ("ID", "Name", "Company", "E-mail", "Username", "Type", "Status", "Created", "Subs.")
_TOOLTIPS = {8: "Subscriptions"}
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class PreparedRows:
    """Rows with their search texts and a sort order, built off the GUI thread (plain
    Python: 100,000 rows take ~0.2 s that the window must not spend)."""

    rows: list[ResellerRow]
    haystack: list[str]
    order: list[int]
    sort: tuple[int, Qt.SortOrder]


def prepare_rows(rows: list[ResellerRow], sort: tuple[int, Qt.SortOrder]) -> PreparedRows:
    """Search texts and the order of ``sort`` for ``rows`` (call it on the pool)."""
    from studio.services.reseller_list import search_text  # start-up

    return PreparedRows(rows, [search_text(r) for r in rows], _sorted(rows, *sort), sort)


def _sorted(rows: list[ResellerRow], column: int, order: Qt.SortOrder) -> list[int]:
    key = _sort_key(column)
    return sorted(
        range(len(rows)),
        key=lambda i: key(rows[i]),
        reverse=order == Qt.SortOrder.DescendingOrder,
    )


def _sort_key(column: int) -> Callable[[ResellerRow], Any]:
    if column in (0, 8):
        return lambda row: row[0] if column == 0 else row.subscriptions
    if column == 7:
        return lambda row: row.created_at
    return lambda row: str(row[column]).casefold()


class ResellerListModel(QAbstractTableModel):
    """All rows, the visible subset (``visible``: indexes into ``rows``), sort state."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ResellerRow] = []
        self.type_labels: dict[str, str] = {}
        self._haystack: list[str] = []
        self._order: list[int] = []
        self.visible: list[int] = []
        self._search = ""
        self._type = ""
        self._status = ""
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)

    # -- contents -----------------------------------------------------------------------

    @property
    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        """The column and direction rows are sorted by (for :func:`prepare_rows`)."""
        return self._sort

    def set_rows(self, rows: list[ResellerRow], type_labels: dict[str, str]) -> None:
        """Replace every row; keeps the filter and the sort (prepares on this thread)."""
        self.set_prepared(prepare_rows(rows, self._sort), type_labels)

    def set_prepared(self, prepared: PreparedRows, type_labels: dict[str, str]) -> None:
        """Replace every row with rows prepared on the pool; keeps the filter."""
        self.rows = prepared.rows
        self.type_labels = type_labels
        self._haystack = prepared.haystack
        self._order = (
            prepared.order if prepared.sort == self._sort else _sorted(self.rows, *self._sort)
        )
        self._apply()

    def set_filter(self, search: str = "", type_: str = "", status: str = "") -> None:
        """Show rows containing ``search`` (any case) of that type and status ('' = any)."""
        self._search, self._type, self._status = search.strip().casefold(), type_, status
        self._apply()

    def _apply(self) -> None:
        needle, kind, status = self._search, self._type, self._status
        rows, hay = self.rows, self._haystack
        order = self._order
        if needle:
            order = [i for i in order if needle in hay[i]]
        if kind or status:
            order = [
                i
                for i in order
                if (not kind or rows[i].type == kind) and (not status or rows[i].status == status)
            ]
        self.beginResetModel()
        self.visible = order
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by any column (clicking its header)."""
        self._sort = (column, order)
        self._order = _sorted(self.rows, column, order)
        self._apply()

    def row_at(self, view_row: int) -> ResellerRow:
        """The reseller shown on ``view_row``."""
        return self.rows[self.visible[view_row]]

    def view_row_of(self, reseller_id: int) -> int:
        """Where reseller ``reseller_id`` is shown, or -1."""
        for view_row, index in enumerate(self.visible):
            if self.rows[index].id == reseller_id:
                return view_row
        return -1

    @property
    def shown(self) -> int:
        """Rows passing the filter."""
        return len(self.visible)

    @property
    def total(self) -> int:
        """All rows."""
        return len(self.rows)

    # -- Qt model -----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Visible rows."""
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Nine columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _TOOLTIPS.get(section)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text (as typed: never interpreted as markup)."""
        if role != Qt.ItemDataRole.DisplayRole:  # no tool tips: Qt would render markup
            if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 8):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        row = self.rows[self.visible[index.row()]]
        column = index.column()
        if column == 5:
            return self.type_labels.get(row.type, row.type)
        if column == 6:
            return row.status.capitalize()
        if column == 7:
            return row.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        return str(row[column]) if column != 8 else str(row.subscriptions)
