"""The reseller panel window: Home, My Subscriptions, Customer Products Plans,
Customers, Statements, and nothing of the provider's.

Opened when a reseller signs in (the studio's own window hides meanwhile: a reseller
sees only its panel), or by a provider administrator "as" a reseller from Reseller
Customers. A reseller who has not accepted its agreement terms is shown them first;
declining closes the panel.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio.context import Studio
from studio.domain.actors import Actor
from studio.services.reseller_panel import AgreementView, accept_agreement, agreement
from ui.job_monitor import JobMonitor
from ui.reseller_panel.agreement_dialog import AgreementDialog
from ui.reseller_panel.customers_page import CustomersPage
from ui.reseller_panel.home_page import HomePage
from ui.reseller_panel.panel_page import PanelPage
from ui.reseller_panel.plans_page import PlansPage
from ui.reseller_panel.statements_page import StatementsPage
from ui.reseller_panel.usage_page import UsagePage
from ui.tasks import TaskRunner

#: Navigation keys, in order (``docs/ui-automation.md``).
PAGES = ("home", "subscriptions", "plans", "customers", "statements")


class ResellerPanelWindow(QMainWindow):
    """One reseller's panel, working as ``actor`` (the reseller, or a provider as it)."""

    closed = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        studio: Studio,
        actor: Actor,
        jobs: JobMonitor | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resellerPanelWindow")
        self.runner, self.studio, self.actor = runner, studio, actor
        who = actor.name.split(" as ")[-1]
        self.setWindowTitle(
            f"Reseller panel — {who}"
            + (f" (opened by {actor.on_behalf_of})" if actor.on_behalf_of else "")
        )
        self.resize(1000, 640)
        central = QWidget()
        outer = QVBoxLayout(central)
        self.header = QLabel(self.windowTitle())
        self.header.setObjectName("resellerPanelHeader")
        self.header.setProperty("role", "pageTitle")
        outer.addWidget(self.header)
        body = QHBoxLayout()
        outer.addLayout(body, 1)
        self.navigation = QListWidget()
        self.navigation.setObjectName("resellerPanelNavigation")
        self.navigation.setMaximumWidth(220)
        self.stack = QStackedWidget()
        body.addWidget(self.navigation)
        body.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.pages: dict[str, PanelPage] = {
            "home": HomePage(runner, studio, actor),
            "subscriptions": UsagePage(runner, studio, actor),
            "plans": PlansPage(runner, studio, actor),
            "customers": CustomersPage(runner, studio, actor),
            "statements": StatementsPage(runner, studio, actor),
        }
        for key in PAGES:
            page = self.pages[key]
            self.navigation.addItem(page.TITLE)
            self.stack.addWidget(page)
            page.changed.connect(self._reload_others)
        self.navigation.currentRowChanged.connect(self._on_row)
        sign_out = QAction("Sign &Out" if actor.on_behalf_of is None else "&Close Panel", self)
        sign_out.setObjectName("resellerPanelSignOut")
        sign_out.triggered.connect(self.close)
        self.menuBar().addMenu("&Panel").addAction(sign_out)
        self.statusBar().showMessage("Loading…")
        self.agreement_dialog: AgreementDialog | None = None
        self.ready = False
        # Job changes come in bursts (a sale, then its job's states): reload once.
        self._jobs_changed = QTimer(self)
        self._jobs_changed.setSingleShot(True)
        self._jobs_changed.setInterval(300)
        self._jobs_changed.timeout.connect(self._on_jobs_changed)
        if jobs is not None:
            # A bound slot, not a lambda: Qt drops the connection when the panel is deleted.
            jobs.jobsChanged.connect(self._on_jobs_reported)

    def start(self) -> None:
        """Ask for the agreement when due, then load the pages."""
        self.navigation.setEnabled(False)
        self.runner.submit(
            lambda: agreement(self.studio, self.actor), self._on_agreement, self._on_failure
        )

    def show_page(self, key: str) -> PanelPage:
        """Show the page ``key`` (one of :data:`PAGES`)."""
        self.navigation.setCurrentRow(PAGES.index(key))
        return self.pages[key]

    def _on_agreement(self, view: AgreementView) -> None:
        if not view.needs_acceptance:
            self._open()
            return
        dialog = AgreementDialog(view, self)
        dialog.accepted.connect(lambda: self._accept(view))
        dialog.rejected.connect(self.close)
        self.agreement_dialog = dialog
        dialog.open()

    def _accept(self, view: AgreementView) -> None:
        self.runner.submit(
            lambda: accept_agreement(self.studio, self.actor, view.terms),
            lambda _view: self._open(),
            self._not_accepted,
        )

    def _not_accepted(self, error: BaseException) -> None:
        """The terms changed while they were read: show the new ones."""
        self._on_failure(error)
        self.start()

    def _open(self) -> None:
        self.ready = True
        self.navigation.setEnabled(True)
        self.statusBar().showMessage("Ready")
        for page in self.pages.values():
            page.refresh()
        self.show_page("home")

    def _on_failure(self, error: BaseException) -> None:
        self.statusBar().showMessage(str(error))

    def _on_row(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.stack.setCurrentWidget(self.pages[PAGES[row]])

    def _reload_others(self) -> None:
        sender = self.sender()
        for page in self.pages.values():
            if page is not sender and page is not self.pages["statements"]:
                page.refresh()

    def _on_jobs_reported(self, _ids: object) -> None:
        self._jobs_changed.start()

    def _on_jobs_changed(self) -> None:
        if self.ready and self.isVisible():
            customers = self.pages["customers"]
            assert isinstance(customers, CustomersPage)
            customers.load_sales()
            self.pages["subscriptions"].refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing is signing out of the panel."""
        self.closed.emit()
        super().closeEvent(event)
