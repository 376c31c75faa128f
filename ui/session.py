"""The studio's session: the open database, who is signed in, the idle lock, and the
embedded Provisioning Service, apart from any window.

The main window only builds menus and shows pages; it asks the session to open the
database (off the GUI thread, after the first paint), to sign people in and out, and
listens to its signals to show what changed. SQLAlchemy and Alembic are imported by the
background work that opens the database, never before the first paint
(``benchmarks/startup.py`` measures it).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal

from studio.domain.actors import Actor, Role
from studio.paths import resolve_database_url
from ui.health_monitor import HealthMonitor
from ui.idle_lock import IdleWatcher
from ui.job_monitor import JobMonitor
from ui.memory import freeze_startup_objects
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from studio.context import Studio

log = logging.getLogger(__name__)

#: Remembered by the sign-in page's "Remember me"; forgotten at sign-out.
REMEMBERED_USER = "signIn/rememberedUser"


class Session(QObject):
    """One run of the studio for one data folder.

    Configuration Studio work acts as ``actor`` (this machine's Local Administrator);
    Control Panel work as ``provider`` once a provider has signed in. A reseller who
    signs in works in its own panel (``reseller``) and nowhere else.
    """

    #: The database is open (the :class:`~studio.context.Studio`).
    studioOpened = Signal(object)
    #: The database could not be opened: why.
    studioFailed = Signal(str)
    #: The embedded Provisioning Service stubs are starting.
    provisioningStarting = Signal()
    #: The embedded Provisioning Service stubs did not start: why.
    provisioningFailed = Signal(str)
    #: A provider signed in (the :class:`~studio.domain.actors.Actor`).
    providerSignedIn = Signal(object)
    #: A reseller signed in: its panel opens (the :class:`~studio.domain.actors.Actor`).
    resellerSignedIn = Signal(object)
    #: Idle too long while a reseller worked: its panel closes, signing it out.
    resellerTimedOut = Signal()
    #: Locked (True) after idling, or unlocked (False) by the same provider's password.
    lockedChanged = Signal(bool)

    def __init__(
        self,
        data_dir: Path,
        database_url: str | None,
        settings: QSettings,
        *,
        actor: Actor | None = None,
        embedded_provisioning: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.database_url = resolve_database_url(data_dir, database_url)
        self.settings = settings
        self.actor = actor or Actor.local_administrator()
        self.embedded_provisioning = embedded_provisioning
        self.runner = TaskRunner(self)
        self.monitor = HealthMonitor(self.runner, self.actor, self)
        self.jobs = JobMonitor(self.runner, self.actor, self)
        self.studio: Studio | None = None
        self.database_error: str | None = None
        self.open_requested = False
        self.closed = False
        #: The provider signed in to the Control Panel branch (None: not signed in).
        self.provider: Actor | None = None
        #: The reseller working in its panel (None: no reseller signed in).
        self.reseller: Actor | None = None
        #: Locked after idling: every page waits for the provider's password again.
        self.locked = False
        self.idle_minutes = 15
        #: Tests shorten the idle time; None means the policy's minutes.
        self.idle_timeout_ms: int | None = None
        self.idle_watcher = IdleWatcher(self)
        self.idle_watcher.idle.connect(self.lock)

    # -- the database ---------------------------------------------------------------------

    def open(self) -> None:
        """Open the data folder and database off the GUI thread (idempotent)."""
        self.open_requested = True
        if self.studio is not None:
            return
        data_dir, url = self.data_dir, self.database_url
        self.runner.submit(lambda: _open_studio(data_dir, url), self._opened, self._failed)

    def retry_open(self) -> bool:
        """Try again after a failed open; False when there is nothing to retry."""
        if self.studio is not None or self.database_error is None:
            return False
        self.database_error = None
        self.open()
        return True

    def _opened(self, studio: Studio) -> None:
        if self.closed:  # the session ended while the database was opening
            studio.close()
            return
        studio.session_secrets = True  # no keyring: keep typed tokens for this run only
        self.studio = studio
        self.database_error = None
        self.studioOpened.emit(studio)
        freeze_startup_objects()  # start-up is over: keep GC pauses off the window
        self._start_provisioning(studio)

    def _failed(self, error: BaseException) -> None:
        message = str(error)
        log.error("could not open the studio: %s", message)
        self.database_error = message
        self.studioFailed.emit(message)

    # -- provisioning ---------------------------------------------------------------------

    def _start_provisioning(self, studio: Studio) -> None:
        """Start the embedded stubs (in embedded mode), then check health periodically
        and carry out provisioning jobs (those a killed studio left included)."""
        if not self.embedded_provisioning:
            self._start_monitors(studio)
            return
        self.provisioningStarting.emit()
        self.runner.submit(
            lambda: _start_embedded(studio, self.actor),
            lambda _names: self._start_monitors(studio),
            self._provisioning_failed,
        )

    def _start_monitors(self, studio: Studio) -> None:
        if not self.closed:
            self.monitor.start(studio)
            self.jobs.start(studio)

    def _provisioning_failed(self, error: BaseException) -> None:
        self.provisioningFailed.emit(str(error))
        if self.studio is not None:
            self._start_monitors(self.studio)

    # -- signing in and out ---------------------------------------------------------------

    def sign_in(self, actor: Actor) -> None:
        """Someone's password was accepted: unlock, open a reseller's panel, or let the
        provider into the Control Panel."""
        if self.locked:
            if self.provider is None or actor.name != self.provider.name:
                return  # only the provider who was signed in can unlock
            self.locked = False
            self.lockedChanged.emit(False)
            self.start_idle_watch()
            return
        if actor.role is Role.RESELLER:
            if self.studio is None:
                return
            self.reseller = actor
            self.start_idle_watch()  # the Login Lockdown Policy's idle minutes apply too
            self.resellerSignedIn.emit(actor)
            return
        self.provider = actor
        self.start_idle_watch()
        self.providerSignedIn.emit(actor)

    def sign_out(self) -> bool:
        """Sign the provider out, forgetting a remembered password; False if no one was
        signed in. The caller discards what the provider had open."""
        if self.provider is None:
            return False
        self._forget(self.provider.name)
        self.settings.remove(REMEMBERED_USER)
        self.provider = None
        self.idle_watcher.stop()
        self.locked = False
        return True

    def reseller_signed_out(self) -> None:
        """The reseller's panel closed: as the provider's Sign Out does, a password it
        asked to remember is forgotten, so no one starts in its panel."""
        reseller, self.reseller = self.reseller, None
        if self.provider is None:
            self.idle_watcher.stop()
        if reseller is not None and self.studio is not None:
            self._forget(reseller.name)
            if self.settings.value(REMEMBERED_USER) == reseller.name:
                self.settings.remove(REMEMBERED_USER)

    def _forget(self, username: str) -> None:
        studio = self.studio
        if studio is not None:
            self.runner.submit(lambda: _forget_password(studio, username), lambda _r: None)

    # -- the idle lock --------------------------------------------------------------------

    def start_idle_watch(self) -> None:
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
        if (self.provider is None and self.reseller is None) or self.locked:
            return
        interval = self.idle_timeout_ms or self.idle_minutes * 60_000
        self.idle_watcher.start(interval)

    def lock(self) -> None:
        """Idle too long: ask the signed-in provider's password again.

        A reseller's session is signed out instead: the desk may be anyone's by now, and
        the reseller signs in again.
        """
        if self.reseller is not None:
            self.resellerTimedOut.emit()
            return
        if self.provider is None or self.locked:
            return
        self.locked = True
        self.idle_watcher.stop()
        self.lockedChanged.emit(True)

    # -- the end --------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop checks, let running work finish, stop the embedded stubs, close the database.

        Safe to call more than once.
        """
        if self.closed:
            return
        self.closed = True
        self.monitor.stop()
        self.runner.wait_for_done(5000)
        self.jobs.stop()  # after the pool: a start under way has delivered its runner
        if self.studio is not None:
            _stop_embedded(self.studio)
            self.studio.close()


# Each runs on the pool, importing the database layer there: never before the first paint.


def _open_studio(data_dir: Path, database_url: str) -> Studio:
    from studio.context import open_studio  # off the GUI thread: buys start-up time

    return open_studio(data_dir, database_url)


def _start_embedded(studio: Studio, actor: Actor) -> list[str]:
    from studio.services.embedded_servers import start_embedded  # off the GUI thread

    return start_embedded(studio, actor)


def _stop_embedded(studio: Studio) -> None:
    from studio.services.embedded_servers import stop_embedded  # only at shutdown

    stop_embedded(studio)


def _forget_password(studio: Studio, username: str) -> bool:
    from studio.services.sign_in import forget_password  # off the GUI thread

    forget_password(studio, username)
    return True  # a value, never None, through the task relay


def _idle_minutes(studio: Studio) -> int:
    from studio.services.users import get_login_policy  # off the GUI thread

    return get_login_policy(studio).idle_minutes
