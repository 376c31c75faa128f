"""``Configure > Remote Servers``: the servers that host services, with live status.

The table shows what the last prerequisites check found for each server; the check
runs every 30 seconds and on Check Now, off the GUI thread (``ui.health_monitor``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QMessageBox,
)

from studio.domain.actors import Actor
from studio.domain.catalog import CATALOG
from ui.dialogs.remote_server_dialog import RemoteServerDialog
from ui.health_monitor import HealthMonitor
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner
from ui.widgets.controls import button, button_row
from ui.widgets.table_model import RowsTableModel, row_table

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.provisioning.health import PrerequisitesReport, ServerHealth
    from studio.services.servers import RemoteServerView

COLUMNS = ("Name", "Address", "Services", "Status", "Build", "Last checked")
_STATE_COLOURS = {"running": "#2e7d32", "build mismatch": "#ef6c00"}


def _list(studio: Studio, actor: Actor) -> list[RemoteServerView]:
    from studio.services.servers import list_remote_servers  # start-up

    return list_remote_servers(studio, actor)


def _remove(studio: Studio, actor: Actor, server_id: int) -> str:
    from studio.services.servers import remove_remote_server  # start-up

    return remove_remote_server(studio, actor, server_id)


class ServersModel(RowsTableModel["RemoteServerView"]):
    """Rows of Remote Servers joined with their last health."""

    COLUMNS = COLUMNS

    def __init__(self) -> None:
        super().__init__()
        self.health: dict[str, ServerHealth] = {}

    @property
    def servers(self) -> list[RemoteServerView]:
        """The rows, by their meaning."""
        return self.rows

    def set_servers(self, servers: list[RemoteServerView]) -> None:
        """Replace the rows."""
        self.set_rows(servers)

    def set_report(self, report: PrerequisitesReport) -> None:
        """Update the status columns."""
        self.health = {h.name: h for h in report.remotes}
        if self.rows:
            self.dataChanged.emit(self.index(0, 3), self.index(len(self.rows) - 1, 5))

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Cell text, status colour, and the fix as a tool tip."""
        server = self.servers[index.row()]
        health = self.health.get(server.name)
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(server, health, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and health is not None:
            return QColor(_STATE_COLOURS.get(health.state.value, "#c62828"))
        if role == Qt.ItemDataRole.ToolTipRole and health is not None and not health.ok:
            return f"{health.message}\n{health.fix}"
        return None

    @staticmethod
    def _text(server: RemoteServerView, health: ServerHealth | None, column: int) -> str:
        if server.managed:
            address = f"embedded ({health.url})" if health and health.url else "embedded"
        else:
            address = f"{server.host}:{server.port}"
        cells = [
            server.name,
            address,
            ", ".join(CATALOG[s].title for s in server.services),
            health.state.value if health else "checking…",
            (health.build or "—") if health else "",
            health.checked_at.astimezone().strftime("%H:%M:%S") if health else "",
        ]
        return cells[column]


class RemoteServersPage(Page):
    """List, add, edit and remove Remote Servers; see their state."""

    def __init__(
        self, spec: PageSpec, runner: TaskRunner, actor: Actor, monitor: HealthMonitor
    ) -> None:
        super().__init__(spec, runner, actor)
        self.paragraph(
            "Remote Servers host the services (Hosted Exchange, SharePoint, Web Hosting, DNS, "
            "MS SQL). Each must run the MachPanel Provisioning Service on the Control Server's "
            "build. Status is checked every 30 seconds."
        )
        self.monitor = monitor
        self.model = ServersModel()
        self.table = row_table(self.model, "remoteServersTable", "Remote Servers")
        self.layout_.addWidget(self.table, 1)
        self.add_button = button(
            "&Add…", "remoteServersAdd", self.open_add, accessible="Add a Remote Server"
        )
        self.edit_button = button(
            "&Edit…", "remoteServersEdit", self.open_edit, accessible="Edit the selected server"
        )
        self.remove_button = button(
            "Re&move", "remoteServersRemove", self.confirm_remove, accessible="Remove the server"
        )
        self.check_button = button(
            "&Check Now", "remoteServersCheck", monitor.check_now, accessible="Check all now"
        )
        self.layout_.addLayout(
            button_row(self.add_button, self.edit_button, self.remove_button, self.check_button)
        )
        self.state_line("remoteServersState")
        self.table.doubleClicked.connect(lambda _i: self.open_edit())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        monitor.reportReady.connect(self._on_report)
        monitor.checkStarted.connect(lambda: self.state.setText("Checking the servers…"))
        if monitor.report is not None:
            self.model.set_report(monitor.report)
        self._update_buttons()

    def selected(self) -> RemoteServerView | None:
        """The selected server, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.servers[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected()
        ready = self.studio is not None
        self.add_button.setEnabled(ready)
        self.check_button.setEnabled(ready)
        self.edit_button.setEnabled(ready and chosen is not None and not chosen.managed)
        self.remove_button.setEnabled(ready and chosen is not None and not chosen.managed)

    def set_studio(self, studio: Studio) -> None:
        """Enable the actions at once and load the list."""
        super().set_studio(studio)
        self._update_buttons()

    def refresh(self) -> None:
        """Reload the list (the status columns come from the monitor's last check)."""
        self.run_on_studio(
            lambda studio: _list(studio, self.actor), self._on_listed, self._on_failed
        )

    def _on_listed(self, servers: list[RemoteServerView]) -> None:
        self.model.set_servers(servers)
        if self.monitor.report is not None:
            self.model.set_report(self.monitor.report)
        self._update_buttons()

    def _on_failed(self, error: BaseException) -> None:
        self.state.setText(str(error))
        self.state.setProperty("role", "error")

    def _on_report(self, report: PrerequisitesReport) -> None:
        self.model.set_report(report)
        ready = sum(1 for r in report.remotes if report.server_ready(r.name))
        self.state.setText(f"{ready} of {len(report.remotes)} Remote Servers ready to provision.")
        self.state.setProperty("role", "ok" if report.passed else "warning")

    def open_add(self) -> RemoteServerDialog | None:
        """Add… (a window-modal dialog)."""
        return self._open_dialog(None)

    def open_edit(self) -> RemoteServerDialog | None:
        """Edit… the selected server."""
        chosen = self.selected()
        if chosen is None or chosen.managed:
            return None
        return self._open_dialog(chosen)

    def _open_dialog(self, existing: RemoteServerView | None) -> RemoteServerDialog | None:
        if self.studio is None:
            return None
        dialog = RemoteServerDialog(self.studio, self.runner, self.actor, existing, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.serverSaved.connect(self._on_saved)
        dialog.open()
        return dialog

    def _on_saved(self, view: RemoteServerView) -> None:
        self._servers_changed(f"Remote Server {view.name} saved")

    def confirm_remove(self) -> QMessageBox | None:
        """Ask before removing the selected server (window-modal, ``open()``)."""
        chosen = self.selected()
        studio = self.studio
        if chosen is None or chosen.managed or studio is None:
            return None
        box = QMessageBox(self)
        box.setObjectName("removeServerDialog")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Remove Remote Server")
        box.setText(f"Remove {chosen.name} and forget its token?")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(result: int) -> None:
            if result == QMessageBox.StandardButton.Yes:
                self.runner.submit(
                    lambda: _remove(studio, self.actor, chosen.id),
                    self._on_removed,
                    self._on_failed,
                )

        box.finished.connect(answered)
        box.open()
        return box

    def _on_removed(self, name: str) -> None:
        self._servers_changed(f"Remote Server {name} removed")

    def _servers_changed(self, message: str) -> None:
        """Say what changed, list the servers again and check them now."""
        self.statusMessage.emit(message)
        self.refresh()
        self.monitor.check_now()
