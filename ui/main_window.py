"""The main window: menus, navigation tree, breadcrumb, stacked pages, status bar.

It mirrors the Control Server Configuration Studio. The window paints first and asks its
:class:`~ui.session.Session` to open the database afterwards, off the GUI thread; pages
fill in when it is open, or say why it could not be opened. Which class shows a page,
and what it needs, is said by the page's spec in :mod:`ui.navigation`; the window treats
every page alike. The sign-in page stands in for the Control Panel pages until a
provider signs in, and for every page while the session is locked.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, QUrl, Signal
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
from studio.domain.actors import Actor
from ui.dialogs.about_dialog import AboutDialog
from ui.health_monitor import HealthMonitor
from ui.idle_lock import IdleWatcher
from ui.job_monitor import JobMonitor
from ui.navigation import DEFAULT_PAGE, PAGE_BY_KEY, NavigationTree, breadcrumb_text, build_page
from ui.pages.base import Page
from ui.resources import icon
from ui.session import Session
from ui.tasks import TaskRunner
from ui.widgets.breadcrumb import Breadcrumb

if TYPE_CHECKING:
    from studio.context import Studio
    from studio.provisioning.health import PrerequisitesReport
    from ui.pages.sign_in_page import SignInPage
    from ui.reseller_panel.window import ResellerPanelWindow

#: Open the database this long after showing if no paint has come first.
OPEN_FALLBACK_MS = 500


class MainWindow(QMainWindow):
    """The studio's window. Build it with :func:`ui.app.build_main_window`."""

    #: The database is open (the :class:`~studio.context.Studio`); pages have it.
    studioOpened = Signal(object)
    #: The database could not be opened: why; pages say so.
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
        self.session = Session(
            data_dir,
            database_url,
            settings,
            actor=actor,
            embedded_provisioning=embedded_provisioning,
            parent=self,
        )
        self._close_confirmed = False
        self._close_after_save = False
        self._sign_in: SignInPage | None = None
        #: A reseller's panel while one is signed in (this window is hidden meanwhile).
        self.reseller_panel: ResellerPanelWindow | None = None
        self._after_sign_in = "home"
        self._hidden_dialogs: list[QWidget] = []

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

        self.user_status = self._status_label("statusUser", "Control Panel: not signed in")
        self.provisioning_status = self._status_label(
            "statusProvisioning", "Provisioning: not checked"
        )
        self.jobs_status = self._status_label("statusJobs", "")
        self.database_status = self._status_label("statusDatabase", "Database: opening…")
        self.statusBar().setObjectName("statusBar")
        self._build_menus()

        session = self.session
        session.studioOpened.connect(self._on_opened)
        session.studioFailed.connect(self._on_failed)
        session.provisioningStarting.connect(
            lambda: self.provisioning_status.setText("Provisioning: starting…")
        )
        session.provisioningFailed.connect(self._on_provisioning_failed)
        session.providerSignedIn.connect(self._on_provider_signed_in)
        session.resellerSignedIn.connect(self.open_reseller_panel)
        session.resellerTimedOut.connect(self._on_reseller_timed_out)
        session.lockedChanged.connect(self._on_locked_changed)
        session.monitor.reportReady.connect(self._on_health)
        session.jobs.runningCount.connect(self._on_running_jobs)
        self.navigation.pageSelected.connect(self._on_page_selected)
        self.breadcrumb.pageRequested.connect(self.show_page)
        self.resize(1000, 640)
        self._restore_state()

    def _status_label(self, name: str, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName(name)
        self.statusBar().addPermanentWidget(label)
        return label

    # -- the session, as automation and tests know it (docs/ui-automation.md) -------------

    @property
    def data_dir(self) -> Path:
        """The data folder."""
        return self.session.data_dir

    @property
    def database_url(self) -> str:
        """The database's URL (with its password: never show it unmasked)."""
        return self.session.database_url

    @property
    def settings(self) -> QSettings:
        """GUI state: geometry, last page, the remembered username."""
        return self.session.settings

    @property
    def actor(self) -> Actor:
        """Who Configuration Studio pages act as: this machine's Local Administrator."""
        return self.session.actor

    @property
    def runner(self) -> TaskRunner:
        """The pool that does studio work off the GUI thread."""
        return self.session.runner

    @property
    def monitor(self) -> HealthMonitor:
        """The periodic prerequisites check."""
        return self.session.monitor

    @property
    def jobs(self) -> JobMonitor:
        """The provisioning job runner."""
        return self.session.jobs

    @property
    def studio(self) -> Studio | None:
        """The open database, None until it is open."""
        return self.session.studio

    @property
    def provider(self) -> Actor | None:
        """The provider signed in to the Control Panel (None: not signed in)."""
        return self.session.provider

    @property
    def locked(self) -> bool:
        """Locked after idling: every page waits for the provider's password again."""
        return self.session.locked

    @property
    def idle_watcher(self) -> IdleWatcher:
        """What notices that nobody touched the studio for a while."""
        return self.session.idle_watcher

    @property
    def idle_timeout_ms(self) -> int | None:
        """Milliseconds without input before locking (None: the policy's minutes)."""
        return self.session.idle_timeout_ms

    @idle_timeout_ms.setter
    def idle_timeout_ms(self, value: int | None) -> None:
        self.session.idle_timeout_ms = value

    def _start_idle_watch(self) -> None:
        self.session.start_idle_watch()

    def lock(self) -> None:
        """Lock now, as after idling (a reseller's panel is signed out instead)."""
        self.session.lock()

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
        provider = self.session.provider
        actor = provider if spec.needs_provider and provider else self.session.actor
        page = build_page(spec, self.runner, actor, {"monitor": self.monitor})
        page.set_job_monitor(self.jobs)
        page.statusMessage.connect(self.show_status)
        page.navigateRequested.connect(self.show_page)
        page.saveStateChanged.connect(self._update_save_action)
        page.reopenRequested.connect(self.retry_open_database)
        page.saved.connect(self._close_when_saved)
        page.saveFailed.connect(self._cancel_close_after_save)
        self._pages[key] = page
        self._add_page(page)
        return page

    def _add_page(self, page: Page) -> None:
        """Into the stack, with the studio if it is open (or why it is not)."""
        self.stack.addWidget(page)
        if self.studio is not None:
            page.set_studio(self.studio)
        elif self.session.database_error is not None:
            page.set_database_error(self.session.database_error)

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
        elif PAGE_BY_KEY[key].needs_provider and self.provider is None:
            self._after_sign_in = key
            page = self.sign_in_page()
            page.refresh()  # first run or sign in: one count query, off the GUI thread
            self.stack.setCurrentWidget(page)
        else:
            self.stack.setCurrentWidget(self.page(key))
        self._update_save_action()

    # -- signing in and out -------------------------------------------------------------

    def sign_in_page(self) -> SignInPage:
        """The page standing in for the Control Panel until a provider signs in."""
        if self._sign_in is None:
            # Imported when first needed: the first paint does not wait for it.
            from ui.pages.sign_in_page import SignInPage

            self._sign_in = SignInPage(self.runner, self.actor, self.settings)
            self._sign_in.signedIn.connect(self.session.sign_in)
            self._sign_in.statusMessage.connect(self.show_status)
            self._add_page(self._sign_in)
        return self._sign_in

    def _on_provider_signed_in(self, actor: Actor) -> None:
        self.user_status.setText(f"Control Panel: {actor.name} ({actor.role.value})")
        self.sign_out_action.setEnabled(True)
        self.show_status(f"Signed in as {actor.name}")
        self._on_page_selected(self._after_sign_in)

    def _on_locked_changed(self, locked: bool) -> None:
        """Locked: nothing stays usable behind the lock, and nothing typed is lost (open
        dialogs, a half-filled wizard, are hidden). Unlocked: all of it comes back."""
        if not locked:
            self.sign_in_page().unlock()
            if self.provider is not None:
                self.show_status(f"Unlocked for {self.provider.name}")
            self._on_page_selected(self._after_sign_in)
            for dialog in self._hidden_dialogs:
                if shiboken6.isValid(dialog):  # its page may have gone with a sign-out
                    dialog.show()
            self._hidden_dialogs = []
            return
        windows: list[QWidget] = [*self.findChildren(QDialog)]
        windows += self._reseller_panels()  # opened "as" a reseller
        self._hidden_dialogs = [w for w in windows if w.isVisible()]
        for dialog in self._hidden_dialogs:
            dialog.hide()
        self._after_sign_in = self.navigation.current_key() or "home"
        page = self.sign_in_page()
        assert self.provider is not None
        page.lock_for(self.provider.name, self.session.idle_minutes)
        self.stack.setCurrentWidget(page)
        self._update_save_action()
        self.show_status("Locked after a time without input")

    def _reseller_panels(self) -> list[ResellerPanelWindow]:
        """Reseller panels a provider opened "as" a reseller from this window's pages."""
        # Imported when first needed: the first paint does not wait for the panel.
        from ui.reseller_panel.window import ResellerPanelWindow

        return self.findChildren(ResellerPanelWindow)

    def open_reseller_panel(self, actor: Actor) -> ResellerPanelWindow | None:
        """A reseller signed in: its panel, and only it (this window hides until the
        panel is closed, which signs the reseller out)."""
        if self.studio is None:
            return None
        # Imported when first needed: the first paint does not wait for the panel.
        from ui.reseller_panel.window import ResellerPanelWindow

        window = ResellerPanelWindow(self.runner, self.studio, actor, self.jobs)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.closed.connect(self._reseller_signed_out)
        self.reseller_panel = window
        self.show_status(f"Signed in as reseller {actor.name}")
        window.show()
        window.start()
        self.hide()
        return window

    def _on_reseller_timed_out(self) -> None:
        if self.reseller_panel is not None:
            self.reseller_panel.close()  # signs it out
        self.show_status(
            f"The reseller was signed out after {self.session.idle_minutes} minutes without input"
        )

    def _reseller_signed_out(self) -> None:
        self.reseller_panel = None
        self.session.reseller_signed_out()
        self.show()
        self.show_status("The reseller signed out")

    def sign_out(self) -> None:
        """Sign the provider out: the Control Panel pages are discarded with their actor."""
        if self.provider is None:
            return
        was_locked = self.locked
        for panel in self._reseller_panels():  # opened "as" a reseller
            panel.close()
        self.session.sign_out()
        for key in [k for k in self._pages if PAGE_BY_KEY[k].needs_provider]:
            page = self._pages.pop(key)
            self.stack.removeWidget(page)
            page.deleteLater()
        if was_locked:
            self.sign_in_page().unlock()
        self.user_status.setText("Control Panel: not signed in")
        self.sign_out_action.setEnabled(False)
        self.show_status("Signed out")
        current = self.navigation.current_key()
        if current is not None:
            self._on_page_selected(current)

    # -- file and help ------------------------------------------------------------------

    def _update_save_action(self) -> None:
        self.save_action.setEnabled(self.current_page().can_save())

    def _save_current(self) -> None:
        self.current_page().save()

    def _refresh_current(self) -> None:
        if not self.retry_open_database():
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
        if event.type() == QEvent.Type.Paint and not self.session.open_requested:
            QTimer.singleShot(0, self._open_once)
        return handled

    def _open_once(self) -> None:
        if not self.session.open_requested:
            self.open_database()

    def open_database(self) -> None:
        """Open the data folder and database off the GUI thread (idempotent)."""
        self.session.open()

    def retry_open_database(self) -> bool:
        """Try again after a failed open (File > Refresh, the Database page's Refresh);
        False when the database is open or still opening."""
        if not self.session.retry_open():
            return False
        self.database_status.setText("Database: opening…")
        return True

    def _on_opened(self, studio: Studio) -> None:
        self.database_status.setText(
            f"Database: {studio.engine.url.get_backend_name()}, schema {studio.schema.current}"
        )
        for page in self._open_pages():
            page.set_studio(studio)
        self.show_status(f"Opened {studio.masked_url}")
        self.studioOpened.emit(studio)

    def _on_failed(self, message: str) -> None:
        self.database_status.setText("Database: not available")
        self.database_status.setProperty("role", "error")
        for page in self._open_pages():
            page.set_database_error(message)
        self.statusBar().showMessage(f"The database could not be opened: {message}")
        self.studioFailed.emit(message)

    def _open_pages(self) -> list[Page]:
        """The pages built so far, the sign-in page among them."""
        return [*self._pages.values(), *([self._sign_in] if self._sign_in else [])]

    def _on_running_jobs(self, count: int) -> None:
        self.jobs_status.setText(f"Jobs: {count} running" if count else "")

    def _on_provisioning_failed(self, message: str) -> None:
        self.provisioning_status.setText("Provisioning: not available")
        self.show_status(f"The embedded Provisioning Service did not start: {message}")

    def _on_health(self, report: PrerequisitesReport) -> None:
        ready = sum(1 for r in report.remotes if report.server_ready(r.name))
        self.provisioning_status.setText(
            f"Provisioning: {ready} of {len(report.remotes)} Remote Servers ready"
        )

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
        names = ", ".join(page.title for page in pages)
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
        self.session.shutdown()
