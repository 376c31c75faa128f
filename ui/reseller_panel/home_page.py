"""The panel's Home: whose panel it is, and what is in it at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from studio.context import Studio
from studio.domain.actors import Actor
from studio.services.customer_plans import list_plans, panel_offerings
from studio.services.customers import list_customers
from studio.services.quota_usage import my_subscriptions
from studio.services.reseller_panel import PanelView, panel
from ui.reseller_panel.panel_page import PanelPage
from ui.tasks import TaskRunner


@dataclass(frozen=True)
class _Summary:
    view: PanelView
    subscriptions: int
    plans: int
    customers: int


def _summary(studio: Studio, actor: Actor) -> _Summary:
    view = panel(studio, actor)
    plans = (
        len(panel_offerings(studio, actor))
        if view.type == "commission"
        else len(list_plans(studio, actor))
    )
    return _Summary(
        view, len(my_subscriptions(studio, actor)), plans, len(list_customers(studio, actor))
    )


class HomePage(PanelPage):
    """Welcome, the reseller's type and status, counts, and who opened the panel."""

    TITLE = "Home"

    def __init__(self, runner: TaskRunner, studio: Studio, actor: Actor) -> None:
        super().__init__(runner, studio, actor, "panelHome")
        self.text = QLabel("Loading…")
        self.text.setObjectName("panelHomeText")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.layout_.addWidget(self.text)
        self.layout_.addStretch(1)
        self.finish_layout()

    def refresh(self) -> None:
        """Read the summary."""
        self.run(lambda: _summary(self.studio, self.actor), self._show)

    def _show(self, summary: _Summary) -> None:
        view = summary.view
        lines = [
            f"Welcome, {view.name}" + (f" ({view.company})" if view.company else ""),
            f"{view.type_label} reseller, {view.status}.",
            "",
            f"Subscriptions: {summary.subscriptions}",
            ("Offerings you sell: " if view.type == "commission" else "Customer Products Plans: ")
            + str(summary.plans),
            f"Customers: {summary.customers}",
        ]
        if view.opened_by:
            lines.insert(0, f"Opened by {view.opened_by} (recorded in the audit log).\n")
        self.text.setText("\n".join(lines))
