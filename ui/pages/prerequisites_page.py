"""``Configure > Prerequisites Check``: the article's prerequisite, server by server.

"MachPanel Control Server and MachPanel Remote Server should be on the same build and
MachPanel Provisioning Service is running on both servers": for each Remote Server, the
four checks with a tick or a cross, what was found, and how to fix it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from studio.domain.actors import Actor
from ui.health_monitor import HealthMonitor
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner
from ui.widgets.controls import button, button_row

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.provisioning.health import PrerequisitesReport

PASS, FAIL = "\u2714", "\u2718"


class PrerequisitesPage(Page):
    """A tree: Remote Server → its four prerequisites (passed or failed, with the fix)."""

    def __init__(
        self, spec: PageSpec, runner: TaskRunner, actor: Actor, monitor: HealthMonitor
    ) -> None:
        super().__init__(spec, runner, actor)
        self.paragraph(
            "MachPanel Control Server and every Remote Server must be on the same build, with "
            "the MachPanel Provisioning Service running on both. Nothing is provisioned on a "
            "server that fails a check."
        )
        self.monitor = monitor
        self.tree = QTreeWidget()
        self.tree.setObjectName("prerequisitesTree")
        self.tree.setAccessibleName("Prerequisites")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Check", "Found", "How to fix"])
        self.tree.setColumnWidth(0, 330)
        self.tree.setColumnWidth(1, 300)
        self.layout_.addWidget(self.tree, 1)
        self.check_button = button(
            "&Check Now",
            "prerequisitesCheck",
            monitor.check_now,
            accessible="Run the prerequisites check now",
        )
        self.layout_.addLayout(button_row(self.check_button))
        self.summary = self.paragraph("Not checked yet.", "prerequisitesSummary")
        monitor.reportReady.connect(self.show_report)
        monitor.checkStarted.connect(self._on_check_started)
        monitor.checkFailed.connect(lambda m: self.summary.setText(f"The check failed: {m}"))
        if monitor.report is not None:
            self.show_report(monitor.report)

    def set_studio(self, studio: Studio) -> None:
        """Opening the page shows the last report; it does not start a check."""
        self.studio = studio

    def refresh(self) -> None:
        """F5: check again."""
        self.monitor.check_now()

    def _on_check_started(self) -> None:
        text = self.summary.text()
        if self.monitor.report is None or text.endswith("Checking again…"):
            self.summary.setText("Checking…")
        else:
            self.summary.setText(f"{text} Checking again…")

    def show_report(self, report: PrerequisitesReport) -> None:
        """Fill the tree from a report."""
        self.tree.clear()
        control = report.control
        top = QTreeWidgetItem(
            [
                f"Control Server {control.name}",
                f"{control.state.value}{f', build {control.build}' if control.build else ''}",
                control.fix,
            ]
        )
        self.tree.addTopLevelItem(top)
        for remote in report.remotes:
            ready = report.server_ready(remote.name)
            item = QTreeWidgetItem(
                [
                    f"{PASS if ready else FAIL} {remote.name}",
                    f"{remote.state.value}{f', build {remote.build}' if remote.build else ''}",
                    "",
                ]
            )
            for check in (c for c in report.checks if c.server == remote.name):
                item.addChild(
                    QTreeWidgetItem(
                        [
                            f"{PASS if check.passed else FAIL} {check.title}",
                            check.message,
                            "" if check.passed else check.fix,
                        ]
                    )
                )
            self.tree.addTopLevelItem(item)
            item.setExpanded(not ready)
        when = control.checked_at.astimezone().strftime("%H:%M:%S")
        if not report.remotes:
            self.summary.setText(f"No Remote Servers are registered (checked {when}).")
        elif report.passed:
            self.summary.setText(f"All prerequisites pass (checked {when}).")
        else:
            failed = sorted({c.server for c in report.failures()})
            self.summary.setText(
                f"Prerequisites fail on {', '.join(failed)}: nothing will be provisioned there "
                f"until fixed (checked {when})."
            )
        self.summary.setProperty("role", "ok" if report.passed else "error")
