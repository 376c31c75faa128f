"""Where the studio keeps its files: one per-user data folder.

Resolution order: an explicit ``--data-dir``, then ``MACHPANEL_STUDIO_HOME``, then the
platform's per-user data folder (``%LOCALAPPDATA%\\MachSol\\MachPanel Studio`` on Windows,
``~/.local/share/machpanel-studio`` on Linux). The folder holds the SQLite database, the
logs and the GUI settings, so pointing the variable elsewhere moves everything at once;
tests rely on that to never touch the real folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from studio.errors import DataFolderError

HOME_ENV = "MACHPANEL_STUDIO_HOME"
DATABASE_FILE = "studio.db"
LOG_DIR = "logs"
SETTINGS_FILE = "settings.ini"
DATABASE_URL_ENV = "MACHPANEL_STUDIO_DATABASE_URL"


def default_data_dir() -> Path:
    """The platform's per-user data folder, without creating it."""
    import platformdirs  # start-up

    if sys.platform == "win32":
        return Path(platformdirs.user_data_dir("MachPanel Studio", "MachSol", roaming=False))
    return Path(platformdirs.user_data_dir("machpanel-studio", appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder in force: argument, then environment, then the platform default."""
    if explicit:
        return Path(explicit).expanduser().absolute()
    env = os.environ.get(HOME_ENV, "").strip()
    if env:
        return Path(env).expanduser().absolute()
    return default_data_dir()


def ensure_data_dir(path: Path) -> Path:
    """Create the data folder (owner-only) if needed and prove it is writable.

    Raises:
        DataFolderError: the folder cannot be created or written, with the OS's reason.
    """

    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        raise DataFolderError(path, "exists and is not a folder") from None
    except OSError as exc:
        raise DataFolderError(path, f"cannot be created ({exc.strerror or exc})") from None
    if not path.is_dir():
        raise DataFolderError(path, "exists and is not a folder")
    _owner_only(path)
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise DataFolderError(path, f"is not writable ({exc.strerror or exc})") from None
    return path


def database_path(data_dir: Path) -> Path:
    """The embedded SQLite database inside the data folder."""
    return data_dir / DATABASE_FILE


def default_database_url(data_dir: Path) -> str:
    """SQLAlchemy URL of the embedded database."""
    return f"sqlite:///{database_path(data_dir).as_posix()}"


def resolve_database_url(data_dir: Path, explicit: str | None = None) -> str:
    """``--database-url``, then ``MACHPANEL_STUDIO_DATABASE_URL``, then the embedded file."""
    if explicit:
        return explicit
    env = os.environ.get(DATABASE_URL_ENV, "").strip()
    return env or default_database_url(data_dir)


def log_dir(data_dir: Path) -> Path:
    """Folder of the rotating log files."""
    return data_dir / LOG_DIR


def settings_path(data_dir: Path) -> Path:
    """INI file of GUI state (window geometry, last page): never secrets."""
    return data_dir / SETTINGS_FILE


def _owner_only(path: Path) -> None:
    """Tighten a folder we own to 0700 (POSIX): it holds password hashes and the audit log.

    A folder that already existed (``MACHPANEL_STUDIO_HOME`` pointing at one) keeps
    whatever mode it had unless we own it; then group and others lose access.
    """
    if os.name != "posix":
        return
    info = path.stat()
    if info.st_uid == os.geteuid() and info.st_mode & 0o077:
        path.chmod(0o700)
