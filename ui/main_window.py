"""The main window: menus, navigation tree, breadcrumb, stacked pages, status bar.

It mirrors the Control Server Configuration Studio. The window paints first and opens
the database afterwards, off the GUI thread; pages fill in when it is open, or say why
it could not be opened. SQLAlchemy and Alembic are imported by that background work,
never before the first paint (``benchmarks/startup.py`` measures it).
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio import APP_NAME
from studio.actors import Actor, Role
from studio.paths import resolve_database_url
from ui.dialogs.about_dialog import AboutDialog
from ui.health_monitor import HealthMonitor
from ui.idle_lock import IdleWatcher
from ui.job_monitor import JobMonitor
from ui.memory import freeze_startup_objects
from ui.navigation import DEFAULT_PAGE, PAGE_BY_KEY, NavigationTree, breadcrumb_text
from ui.pages.base import Page
from ui.pages.info_page import InfoPage
from ui.pages.website_page import WebsitePage
from ui.resources import icon
from ui.tasks import TaskRunner
from ui.widgets.breadcrumb import Breadcrumb

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.provisioning.health import PrerequisitesReport
    from ui.pages.sign_in_page import SignInPage
    from ui.reseller_panel.window import ResellerPanelWindow

log = logging.getLogger(__name__)

#: Open the database this long after showing if no paint has come first.
OPEN_FALLBACK_MS = 500

#: Page key → (module, class). A page's module is imported when the page is first
#: shown, like the page itself: the window's first paint waits only for the default
#: page (Control Panel Website, imported above). Others are InfoPages.
_PAGE_CLASSES: dict[str, tuple[str, str]] = {
    "website": ("ui.pages.website_page", "WebsitePage"),
    "database": ("ui.pages.database_page", "DatabasePage"),
    "provisioning": ("ui.pages.provisioning_page", "ProvisioningPage"),
    "remote-servers": ("ui.pages.remote_servers_page", "RemoteServersPage"),
    "prerequisites": ("ui.pages.prerequisites_page", "PrerequisitesPage"),
    "audit-log": ("ui.pages.audit_log_page", "AuditLogPage"),
    "access-control": ("ui.pages.access_control_page", "AccessControlPage"),
    "reseller-settings": ("ui.pages.reseller_settings_page", "ResellerSettingsPage"),
    "reseller-customers": ("ui.pages.reseller_customers_page", "ResellerCustomersPage"),
    "provisioning-jobs": ("ui.pages.provisioning_jobs_page", "ProvisioningJobsPage"),
    "services": ("ui.pages.services_page", "ServicesPage"),
    "quota-usage": ("ui.pages.quota_usage_page", "QuotaUsagePage"),
    "commission-statements": (
        "ui.pages.commission_statements_page",
        "CommissionStatementsPage",
    ),
}
#: Pages that show the health monitor's reports (they take it as a fourth argument).
_MONITOR_PAGES = frozenset({"remote-servers", "prerequisites"})


def _page_class(key: str) -> Any:
    """The class of page ``key``, its module imported on first use."""
    entry = _PAGE_CLASSES.get(key)
    if entry is None:
        return InfoPage
    return getattr(importlib.import_module(entry[0]), entry[1])


class MainWindow(QMainWindow):
    """The studio's window. Build it with :func:`ui.app.build_main_window`."""

    studioOpened = Signal(object)
    studioFailed = Signal(str)

    def __init__(
        self,
        data_dir: Path,
        database_url: str | None,
        settings: QSettings,
        actor: Actor | None = None,
        embedded_provisioning: bool = True,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(icon("studio"))
        self.data_dir = data_dir
        self.database_url = resolve_database_url(data_dir, database_url)
        self.settings = settings
        self.actor = actor or Actor.local_administrator()
        self.runner = TaskRunner(self)
        self.monitor = HealthMonitor(self.runner, self.actor, self)
        self.jobs = JobMonitor(self.runner, self.actor, self)
        self.embedded_provisioning = embedded_provisioning
        self.studio: Studio | None = None
        self.database_error: str | None = None
        self._open_requested = False
        self._close_confirmed = False
        self._close_after_save = False
        self._closed = False
        #: The provider signed in to the Control Panel branch (None: not signed in).
        self.provider: Actor | None = None
        self._sign_in: SignInPage | None = None
        #: A reseller's panel while one is signed in (this window is hidden meanwhile).
        self.reseller_panel: ResellerPanelWindow | None = None
        self._after_sign_in = "home"
        #: Locked after idling: every page waits for the provider's password again.
        self.locked = False
        self._hidden_dialogs: list[QWidget] = []
        self.idle_minutes = 15
        #: Tests shorten the idle time; None means the policy's minutes.
        self.idle_timeout_ms: int | None = None
        self.idle_watcher = IdleWatcher(self)
        self.idle_watcher.idle.connect(self.lock)

        self.navigation = NavigationTree()
        self.breadcrumb = Breadcrumb()
        self.stack = QStackedWidget()
        self.stack.setObjectName("pageStack")
        self._pages: dict[str, Page] = {}

        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        right_box.setSpacing(0)
        bar = QWidget()
        bar.setObjectName("breadcrumbBar")
        bar_box = QVBoxLayout(bar)
        bar_box.setContentsMargins(12, 6, 12, 6)
        bar_box.addWidget(self.breadcrumb)
        right_box.addWidget(bar)
        right_box.addWidget(self.stack, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.navigation)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 740])
        self.setCentralWidget(splitter)

        self.user_status = QLabel("Control Panel: not signed in")
        self.user_status.setObjectName("statusUser")
        self.statusBar().addPermanentWidget(self.user_status)
        self.provisioning_status = QLabel("Provisioning: not checked")
        self.provisioning_status.setObjectName("statusProvisioning")
        self.statusBar().addPermanentWidget(self.provisioning_status)
        self.jobs_status = QLabel("")
        self.jobs_status.setObjectName("statusJobs")
        self.statusBar().addPermanentWidget(self.jobs_status)
        self.jobs.runningCount.connect(self._on_running_jobs)
        self.database_status = QLabel("Database: opening…")
        self.database_status.setObjectName("statusDatabase")
        self.statusBar().addPermanentWidget(self.database_status)
        self.monitor.reportReady.connect(self._on_health)
        self.statusBar().setObjectName("statusBar")
        self._build_menus()

        self.navigation.pageSelected.connect(self._on_page_selected)
        self.breadcrumb.pageRequested.connect(self.show_page)
        self.resize(1000, 640)
        self._restore_state()

    # -- menus --------------------------------------------------------------------------

    def _action(self, text: str, name: str, slot: object, shortcut: object = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)
        elif isinstance(shortcut, str):
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _page_action(self, key: str, text: str, shortcut: str | None = None) -> QAction:
        action = self._action(text, f"action-{key}", lambda: self.show_page(key), shortcut)
        action.setIcon(icon(PAGE_BY_KEY[key].icon))
        action.setStatusTip(breadcrumb_text(key))
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.setObjectName("menuFile")
        self.save_action = self._action(
            "&Save", "actionSave", self._save_current, QKeySequence.StandardKey.Save
        )
        self.save_action.setEnabled(False)
        file_menu.addAction(self.save_action)
        file_menu.addAction(
            self._action(
                "&Refresh", "actionRefresh", self._refresh_current, QKeySequence.StandardKey.Refresh
            )
        )
        file_menu.addAction(
            self._action("Open &Data Folder", "actionOpenDataFolder", self._open_data_folder)
        )
        self.sign_out_action = self._action("Sign &Out", "actionSignOut", self.sign_out)
        self.sign_out_action.setEnabled(False)
        file_menu.addAction(self.sign_out_action)
        file_menu.addSeparator()
        quit_action = self._action("E&xit", "actionExit", self.close, "Ctrl+Q")
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(quit_action)

        configure = bar.addMenu("&Configure")
        configure.setObjectName("menuConfigure")
        configure.addAction(self._page_action("website", "Control Panel &Website", "Ctrl+1"))
        configure.addAction(self._page_action("database", "&Database", "Ctrl+2"))
        configure.addAction(self._page_action("provisioning", "&Provisioning Service", "Ctrl+3"))
        configure.addAction(self._page_action("remote-servers", "&Remote Servers", "Ctrl+4"))

        panel = bar.addMenu("Control &Panel")
        panel.setObjectName("menuControlPanel")
        panel.addAction(self._page_action("home", "&Home", "Ctrl+H"))
        panel.addAction(self._page_action("reseller-settings", "Reseller &Settings"))
        panel.addAction(self._page_action("reseller-customers", "Reseller &Customers"))
        panel.addAction(self._page_action("provisioning-jobs", "Provisioning &Jobs"))
        panel.addAction(self._page_action("audit-log", "&Audit Log"))

        help_menu = bar.addMenu("&Help")
        help_menu.setObjectName("menuHelp")
        about = self._action(
            "&About MachPanel Configuration Studio", "actionAbout", self.show_about
        )
        about.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(about)

    # -- navigation ---------------------------------------------------------------------

    def page(self, key: str) -> Page:
        """The page for ``key``, built the first time it is asked for.

        Building every page up front made start-up slower (each widget is polished
        against the style sheet); a page no one opens costs nothing.
        """
        existing = self._pages.get(key)
        if existing is not None:
            return existing
        spec = PAGE_BY_KEY[key]
        # Configuration Studio pages act as this machine's Local Administrator; Control
        # Panel pages as the provider who signed in.
        actor = self.provider if spec.branch == "panel" and self.provider else self.actor
        page: Page
        if key in _MONITOR_PAGES:
            page = _page_class(key)(spec, self.runner, actor, self.monitor)
        else:
            page = _page_class(key)(spec, self.runner, actor)
        page.set_job_monitor(self.jobs)
        page.statusMessage.connect(self.show_status)
        page.navigateRequested.connect(self.show_page)
        page.saved.connect(self._close_when_saved)
        page.saveFailed.connect(self._cancel_close_after_save)
        if isinstance(page, WebsitePage):
            page.controlPanelRequested.connect(lambda: self.show_page("control-panel"))
            page.saveStateChanged.connect(self._update_save_action)
        if key == "database":
            page.reopenRequested.connect(self.retry_open_database)  # type: ignore[attr-defined]
        self._pages[key] = page
        self.stack.addWidget(page)
        if self.studio is not None:
            page.set_studio(self.studio)
        elif self.database_error is not None:
            page.set_database_error(self.database_error)
        return page

    def show_page(self, key: str) -> None:
        """Select ``key`` in the tree; the stack and breadcrumb follow."""
        if key not in PAGE_BY_KEY:
            raise KeyError(f"no page {key!r}")
        if self.navigation.current_key() == key:
            self._on_page_selected(key)
        else:
            self.navigation.select(key)

    def current_page(self) -> Page:
        """The page on show."""
        page = self.stack.currentWidget()
        assert isinstance(page, Page)
        return page

    def _on_page_selected(self, key: str) -> None:
        self.breadcrumb.show_page(key)
        self.settings.setValue("navigation/lastPage", key)
        if self.locked:
            self._after_sign_in = key
            self.stack.setCurrentWidget(self.sign_in_page())
        elif PAGE_BY_KEY[key].branch == "panel" and self.provider is None:
            self._after_sign_in = key
            page = self.sign_in_page()
            page.refresh()  # first run or sign in: one count query, off the GUI thread
            self.stack.setCurrentWidget(page)
        else:
            self.stack.setCurrentWidget(self.page(key))
        self._update_save_action()

    # -- provider sign-in ---------------------------------------------------------------

    def sign_in_page(self) -> SignInPage:
        """The page standing in for the Control Panel until a provider signs in."""
        if self._sign_in is None:
            from ui.pages.sign_in_page import SignInPage

            self._sign_in = SignInPage(self.runner, self.actor, self.settings)
            self._sign_in.signedIn.connect(self._on_signed_in)
            self._sign_in.statusMessage.connect(self.show_status)
            self.stack.addWidget(self._sign_in)
            if self.studio is not None:
                self._sign_in.set_studio(self.studio)
            elif self.database_error is not None:
                self._sign_in.set_database_error(self.database_error)
        return self._sign_in

    def _on_signed_in(self, actor: Actor) -> None:
        if self.locked:
            if self.provider is None or actor.name != self.provider.name:
                return  # only the provider who was signed in can unlock
            self.locked = False
            self.sign_in_page().unlock()
            self.show_status(f"Unlocked for {actor.name}")
            self._start_idle_watch()
            self._on_page_selected(self._after_sign_in)
            for dialog in self._hidden_dialogs:
                if shiboken6.isValid(dialog):  # its page may have gone with a sign-out
                    dialog.show()
            self._hidden_dialogs = []
            return
        if actor.role is Role.RESELLER:
            self.open_reseller_panel(actor)
            return
        self.provider = actor
        self._start_idle_watch()
        self.user_status.setText(f"Control Panel: {actor.name} ({actor.role.value})")
        self.sign_out_action.setEnabled(True)
        self.show_status(f"Signed in as {actor.name}")
        self._on_page_selected(self._after_sign_in)

    def _start_idle_watch(self) -> None:
        """Watch for idleness: the policy's minutes are read off the GUI thread, and the
        countdown starts (or restarts) when they arrive."""
        self._restart_idle_countdown()
        studio = self.studio
        if studio is None:
            return

        def with_minutes(minutes: int) -> None:
            self.idle_minutes = minutes
            self._restart_idle_countdown()

        self.runner.submit(lambda: _idle_minutes(studio), with_minutes)

    def _restart_idle_countdown(self) -> None:
        """One place decides the interval: a test's override, else the policy's minutes."""
        if (self.provider is None and self.reseller_panel is None) or self.locked:
            return
        interval = self.idle_timeout_ms or self.idle_minutes * 60_000
        self.idle_watcher.start(interval)

    def lock(self) -> None:
        """Idle too long: ask the signed-in provider's password again; keep every page.

        A reseller's session (its panel, this window hidden) is signed out instead: the
        desk may be anyone's by now, and the reseller signs in again.
        """
        if self.reseller_panel is not None:
            self.reseller_panel.close()  # signs it out
            self.show_status(
                f"The reseller was signed out after {self.idle_minutes} minutes without input"
            )
            return
        if self.provider is None or self.locked:
            return
        self.locked = True
        self.idle_watcher.stop()
        # Nothing stays usable behind the lock, and nothing typed is lost: open dialogs (a
        # half-filled wizard) are hidden, and shown again when the provider unlocks.
        from ui.reseller_panel.window import ResellerPanelWindow

        windows: list[QWidget] = [*self.findChildren(QDialog)]
        windows += self.findChildren(ResellerPanelWindow)  # opened "as" a reseller
        self._hidden_dialogs = [w for w in windows if w.isVisible()]
        for dialog in self._hidden_dialogs:
            dialog.hide()
        key = self.navigation.current_key()
        self._after_sign_in = key or "home"
        page = self.sign_in_page()
        page.lock_for(self.provider.name, self.idle_minutes)
        self.stack.setCurrentWidget(page)
        self._update_save_action()
        self.show_status("Locked after a time without input")

    def open_reseller_panel(self, actor: Actor) -> ResellerPanelWindow | None:
        """A reseller signed in: its panel, and only it (this window hides until the
        panel is closed, which signs the reseller out)."""
        if self.studio is None:
            return None
        from ui.reseller_panel.window import ResellerPanelWindow

        window = ResellerPanelWindow(self.runner, self.studio, actor, self.jobs)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.closed.connect(self._reseller_signed_out)
        self.reseller_panel = window
        self._start_idle_watch()  # the Login Lockdown Policy's idle minutes apply too
        self.show_status(f"Signed in as reseller {actor.name}")
        window.show()
        window.start()
        self.hide()
        return window

    def _reseller_signed_out(self) -> None:
        """Closing the panel signs the reseller out: as the provider's Sign Out does, a
        password it asked to remember is forgotten, so no one starts in its panel."""
        panel, self.reseller_panel = self.reseller_panel, None
        if self.provider is None:
            self.idle_watcher.stop()
        if panel is not None and self.studio is not None:
            studio, name = self.studio, panel.actor.name
            self.runner.submit(lambda: _forget_password(studio, name), lambda _r: None)
            if self.settings.value("signIn/rememberedUser") == name:
                self.settings.remove("signIn/rememberedUser")
        self.show()
        self.show_status("The reseller signed out")

    def sign_out(self) -> None:
        """Sign the provider out: the Control Panel pages are discarded with their actor."""
        if self.provider is None:
            return
        if self.studio is not None:  # Sign Out forgets a remembered password
            studio, name = self.studio, self.provider.name
            self.runner.submit(lambda: _forget_password(studio, name), lambda _r: None)
        self.settings.remove("signIn/rememberedUser")
        from ui.reseller_panel.window import ResellerPanelWindow

        for panel in self.findChildren(ResellerPanelWindow):  # opened "as" a reseller
            panel.close()
        for key in [k for k in self._pages if PAGE_BY_KEY[k].branch == "panel"]:
            page = self._pages.pop(key)
            self.stack.removeWidget(page)
            page.deleteLater()
        self.provider = None
        self.idle_watcher.stop()
        if self.locked:
            self.locked = False
            self.sign_in_page().unlock()
        self.user_status.setText("Control Panel: not signed in")
        self.sign_out_action.setEnabled(False)
        self.show_status("Signed out")
        current = self.navigation.current_key()
        if current is not None:
            self._on_page_selected(current)

    def _update_save_action(self) -> None:
        self.save_action.setEnabled(self.current_page().can_save())

    def _save_current(self) -> None:
        self.current_page().save()

    def _refresh_current(self) -> None:
        if self.studio is None and self.database_error is not None:
            self.retry_open_database()
        else:
            self.current_page().refresh()

    def show_status(self, message: str) -> None:
        """A transient status-bar message."""
        self.statusBar().showMessage(message, 8000)

    def show_about(self) -> AboutDialog:
        """Help > About, window-modal through ``open()`` so nothing blocks."""
        dialog = AboutDialog(str(self.data_dir), self.database_url, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _open_data_folder(self) -> None:
        from PySide6.QtCore import QUrl

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.data_dir)))

    # -- opening the database -----------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Open the database soon after showing, even if no paint arrives (minimised)."""
        super().showEvent(event)
        QTimer.singleShot(OPEN_FALLBACK_MS, self._open_once)

    def event(self, event: QEvent) -> bool:
        """After the first paint, open the database.

        Started any earlier, the background import of SQLAlchemy competes with the first
        paint for the interpreter lock and the window appears later.
        """
        handled = super().event(event)
        if event.type() == QEvent.Type.Paint and not self._open_requested:
            QTimer.singleShot(0, self._open_once)
        return handled

    def _open_once(self) -> None:
        if not self._open_requested:
            self.open_database()

    def open_database(self) -> None:
        """Open the data folder and database off the GUI thread (idempotent)."""
        self._open_requested = True
        if self.studio is not None:
            return
        self.runner.submit(
            lambda: _open_studio(self.data_dir, self.database_url), self._on_opened, self._on_failed
        )

    def retry_open_database(self) -> None:
        """Try again after a failed open (File > Refresh, the Database page's Refresh)."""
        if self.studio is None and self.database_error is not None:
            self.database_error = None
            self.database_status.setText("Database: opening…")
            self.open_database()

    def _on_opened(self, studio: Studio) -> None:
        if self._closed:  # the window closed while the database was opening
            studio.close()
            return
        studio.session_secrets = True  # no keyring: keep typed tokens for this run only
        self.studio = studio
        self.database_error = None
        self.database_status.setText(
            f"Database: {studio.engine.url.get_backend_name()}, schema {studio.schema.current}"
        )
        for page in self._pages.values():
            page.set_studio(studio)
        if self._sign_in is not None:
            self._sign_in.set_studio(studio)
        self.show_status(f"Opened {studio.masked_url}")
        self.studioOpened.emit(studio)
        freeze_startup_objects()  # start-up is over: keep GC pauses off the window
        self._start_provisioning(studio)

    def _start_provisioning(self, studio: Studio) -> None:
        """Start the embedded stubs (in embedded mode), then check health periodically
        and carry out provisioning jobs (those a killed studio left included)."""
        if not self.embedded_provisioning:
            self.monitor.start(studio)
            self.jobs.start(studio)
            return
        self.provisioning_status.setText("Provisioning: starting…")
        self.runner.submit(
            lambda: _start_embedded(studio, self.actor),
            lambda _names: self._provisioning_started(studio),
            self._on_provisioning_failed,
        )

    def _provisioning_started(self, studio: Studio) -> None:
        if not self._closed:
            self.monitor.start(studio)
            self.jobs.start(studio)

    def _on_running_jobs(self, count: int) -> None:
        self.jobs_status.setText(f"Jobs: {count} running" if count else "")

    def _on_provisioning_failed(self, error: BaseException) -> None:
        self.provisioning_status.setText("Provisioning: not available")
        self.show_status(f"The embedded Provisioning Service did not start: {error}")
        if self.studio is not None and not self._closed:
            self.monitor.start(self.studio)
            self.jobs.start(self.studio)

    def _on_health(self, report: PrerequisitesReport) -> None:
        ready = sum(1 for r in report.remotes if report.server_ready(r.name))
        self.provisioning_status.setText(
            f"Provisioning: {ready} of {len(report.remotes)} Remote Servers ready"
        )

    def _on_failed(self, error: BaseException) -> None:
        message = str(error)
        log.error("could not open the studio: %s", message)
        self.database_error = message
        self.database_status.setText("Database: not available")
        self.database_status.setProperty("role", "error")
        for page in self._pages.values():
            page.set_database_error(message)
        if self._sign_in is not None:
            self._sign_in.set_database_error(message)
        self.statusBar().showMessage(f"The database could not be opened: {message}")
        self.studioFailed.emit(message)

    # -- state --------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        last = str(self.settings.value("navigation/lastPage", DEFAULT_PAGE))
        self.show_page(last if last in PAGE_BY_KEY else DEFAULT_PAGE)

    def unsaved_pages(self) -> list[Page]:
        """Pages holding typed input that is not saved."""
        return [page for page in self._pages.values() if page.has_unsaved_changes()]

    def _ask_about_unsaved(self, pages: list[Page]) -> QMessageBox:
        """Save / Discard / Cancel, window-modal through ``open()`` (tests answer it)."""
        box = QMessageBox(self)
        box.setObjectName("unsavedChangesDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved changes")
        names = ", ".join(page.spec.title for page in pages)
        box.setText(f"{names}: your changes are not saved.")
        savable = all(page.can_save() for page in pages)
        buttons = QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
        if savable:
            buttons |= QMessageBox.StandardButton.Save
            box.setInformativeText("Save them before closing?")
        else:
            box.setInformativeText("Some values are invalid, so they cannot be saved.")
        box.setStandardButtons(buttons)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda result: self._on_unsaved_answer(pages, result))
        box.open()
        return box

    def _on_unsaved_answer(self, pages: list[Page], result: int) -> None:
        if result == QMessageBox.StandardButton.Discard:
            self._close_confirmed = True
            self.close()
        elif result == QMessageBox.StandardButton.Save:
            self._close_after_save = True
            for page in pages:
                page.save()

    def _close_when_saved(self) -> None:
        """After Save in the unsaved-changes question: close once nothing is left."""
        if self._close_after_save and not self.unsaved_pages():
            self._close_confirmed = True
            self.close()

    def _cancel_close_after_save(self, _message: str) -> None:
        """A save asked for on close failed: stay open, showing why."""
        self._close_after_save = False

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask about unsaved input; then remember state, let work finish, close the database."""
        unsaved = [] if self._close_confirmed else self.unsaved_pages()
        if unsaved:
            event.ignore()
            self._ask_about_unsaved(unsaved)
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.sync()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop checks, let running work finish, stop the embedded stubs, close the database.

        Safe to call more than once; tests call it whatever became of the close.
        """
        if self._closed:
            return
        self._closed = True
        self.monitor.stop()
        self.runner.wait_for_done(5000)
        self.jobs.stop()  # after the pool: a start under way has delivered its runner
        if self.studio is not None:
            _stop_embedded(self.studio)
            self.studio.close()


def _open_studio(data_dir: Path, database_url: str) -> Studio:
    """Runs on the pool: imports the database layer there, then opens it."""
    from studio.context import open_studio

    return open_studio(data_dir, database_url)


def _start_embedded(studio: Studio, actor: Actor) -> list[str]:
    """Runs on the pool: start or reuse the embedded stubs (embedded mode only)."""
    from studio.services.provisioning import start_embedded

    return start_embedded(studio, actor)


def _stop_embedded(studio: Studio) -> None:
    from studio.services.provisioning import stop_embedded

    stop_embedded(studio)


def _forget_password(studio: Studio, username: str) -> bool:
    from studio.services.users import forget_password

    forget_password(studio, username)
    return True  # a value, never None, through the task relay


def _idle_minutes(studio: Studio) -> int:
    from studio.services.users import get_login_policy

    return get_login_policy(studio).idle_minutes
