"""Service Offerings of a Commission Based reseller: what it may sell, at what commission.

Every customer plan is listed; ticked ones are sold from the effective date with the
commission typed (empty: the default of Reseller Settings). Loading and saving run off
the GUI thread; a refused commission shows in the dialog with the offering it belongs to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from studio.domain.actors import Actor
from studio.domain.catalog import CATALOG
from studio.errors import FieldError
from ui.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.services.offerings import AssignedOffering, OfferingView

Loaded = tuple[list["OfferingView"], list["AssignedOffering"], str]


def _load(studio: Studio, actor: Actor, reseller_id: int) -> Loaded:
    # On the pool, see ui.session.
    from studio.services.offerings import list_offerings, reseller_offerings
    from studio.services.reseller_settings import get_reseller_settings  # start-up

    default = get_reseller_settings(studio, actor)["commission"].commission_text
    return (
        list_offerings(studio, actor, "customer"),
        reseller_offerings(studio, actor, reseller_id),
        default,
    )


def _save(
    studio: Studio, actor: Actor, reseller_id: int, choices: list[tuple[int, str]], day: dt.date
) -> list[AssignedOffering]:
    from studio.services.offerings import set_reseller_offerings  # on the pool

    return set_reseller_offerings(studio, actor, reseller_id, choices, day)


class ResellerOfferingsDialog(FormDialog):
    """Tick offerings, type commissions, pick the effective date, Save."""

    saved = Signal(object)

    def __init__(
        self,
        studio: Studio,
        actor: Actor,
        tasks: TaskRunner,
        *,
        reseller_id: int,
        reseller_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            tasks,
            studio,
            actor,
            prefix="resellerOfferings",
            title=f"Service Offerings: {reseller_name}",
            state_name="resellerOfferingsState",
            parent=parent,
        )
        self.reseller_id = reseller_id
        intro = QLabel(
            "Tick the offerings this reseller may sell to its customers, each with its commission."
        )
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("resellerOfferingsTable")
        self.table.setHorizontalHeaderLabels(["Offering", "Service", "Price", "Commission %"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.layout_.insertWidget(0, intro)
        self.layout_.insertWidget(1, self.table)
        self.effective = QDateEdit(QDate.currentDate())
        self.effective.setObjectName("resellerOfferingsEffective")
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat("yyyy-MM-dd")
        self.form.addRow("Effective from:", self.effective)
        self.finish("Save", "Saving…", "Not saved: ", standard=QDialogButtonBox.StandardButton.Save)
        self.state.setText("Loading…")
        self.commissions: dict[int, QLineEdit] = {}
        self.rows: dict[int, int] = {}
        self.resize(620, 420)
        tasks.submit(lambda: _load(studio, actor, reseller_id), self._show, self._failed)

    def _show(self, loaded: Loaded) -> None:
        offerings, assigned, default = loaded
        current = {a.offering.id: a for a in assigned}
        self.table.setRowCount(len(offerings))
        for row, offering in enumerate(offerings):
            name = QTableWidgetItem(offering.name)
            name.setFlags(name.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            checked = offering.id in current
            name.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, name)
            service = CATALOG[offering.service].title if offering.service in CATALOG else ""
            for column, text in (
                (1, service),
                (2, f"{offering.price_text} {offering.billing_cycle}"),
            ):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
            edit = QLineEdit(current[offering.id].commission_text if checked else "")
            edit.setObjectName(f"resellerOfferingCommission_{offering.id}")
            edit.setPlaceholderText(f"{default} (default)")
            self.table.setCellWidget(row, 3, edit)
            self.commissions[offering.id] = edit
            self.rows[offering.id] = row
        self.table.resizeColumnsToContents()
        self.state.setText(
            ""
            if offerings
            else "No customer plans yet: add them in Home » System Configuration » Services."
        )

    def check(self, offering_id: int, checked: bool = True) -> None:
        """Tick (or untick) an offering."""
        item = self.table.item(self.rows[offering_id], 0)
        if item is not None:
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def choices(self) -> list[tuple[int, str]]:
        """Ticked offerings with their commission as typed."""
        result = []
        for offering_id, row in self.rows.items():
            item = self.table.item(row, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                result.append((offering_id, self.commissions[offering_id].text()))
        return result

    def save(self) -> None:
        """Save in the background."""
        self.submit()

    def work(self) -> Callable[[], list[AssignedOffering]]:
        """Assign the ticked offerings from the effective date."""
        choices = self.choices()
        day = self.effective.date().toPython()
        assert isinstance(day, dt.date)
        return lambda: _save(self.studio, self.actor, self.reseller_id, choices, day)

    def succeeded(self, result: Any) -> None:
        """Tell the Reseller Customers page."""
        self.saved.emit(result)

    def failure_text(self, error: BaseException) -> str:
        """A refused commission is named with its offering."""
        if not isinstance(error, FieldError):
            return f"{self.failed_prefix}{error}"
        names = {f"offering.{i}": self.table.item(r, 0) for i, r in self.rows.items()}
        lines = []
        for key, message in error.errors.items():
            item = names.get(key)
            lines.append(f"{item.text() if item else key}: {message}")
        return self.failed_prefix + "; ".join(lines)
