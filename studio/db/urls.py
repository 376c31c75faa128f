"""Database URLs as they may be shown: the password replaced by ``***``.

Plain text work, no SQLAlchemy import, so the GUI can mask a URL (Help > About) before
the database layer is loaded.
"""

from __future__ import annotations

import re

_CREDENTIALS = re.compile(r"^(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@]*):(?P<password>[^@/]*)@")


def mask_url(url: str) -> str:
    """``postgresql://u:secret@h/db`` → ``postgresql://u:***@h/db``; others unchanged."""
    return _CREDENTIALS.sub(lambda m: f"{m.group('head')}:***@", url, count=1)
