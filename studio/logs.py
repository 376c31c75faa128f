"""Rotating log files in the data folder.

Secrets never reach a log: services log what happened and to what, never field values
that could be secret (the audit log masks them the same way).
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from studio.errors import DataFolderError
from studio.paths import log_dir

LOG_FILE = "studio.log"
_HANDLER_NAME = "machpanel-studio-file"


def configure_logging(data_dir: Path, level: int = logging.INFO) -> Path | None:
    """Send the ``studio`` and ``ui`` loggers to ``logs/studio.log`` (1 MiB, 5 files kept);
    the file's path, or ``None`` when it cannot be written (said on stderr, in one line).

    Calling it again for another folder replaces the handler, so tests that switch data
    folders do not write into an earlier one.
    """

    folder = log_dir(data_dir)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFolderError(folder, f"cannot hold the logs ({exc.strerror or exc})") from None
    path = folder / LOG_FILE
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
            handler.close()
    try:
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1024 * 1024, backupCount=5, encoding="utf-8"
        )
    except OSError as exc:
        # A log is a help, not the job: run on without it, and say so once.
        print(
            f"log: cannot write {path} ({exc.strerror or exc}); running without a log file",
            file=sys.stderr,
        )
        return None
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    root.addHandler(handler)
    # httpx logs every request at INFO: thousands of lines per thousand jobs, which
    # rotated the studio's own entries away and cost the job runner a lock per line.
    # Its warnings and errors still come through; the runner logs what matters.
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    return path
