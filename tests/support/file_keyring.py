"""A keyring backend in a JSON file, for tests whose subprocesses share secrets.

Only tests use it (``PYTHON_KEYRING_BACKEND=tests.support.file_keyring.FileKeyring``
and ``MACHPANEL_TEST_KEYRING`` naming the file): the studio itself never writes a secret
outside the OS keyring.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from jaraco.classes import properties
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

FILE_ENV = "MACHPANEL_TEST_KEYRING"
BACKEND_ENV = {"PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring"}


class FileKeyring(KeyringBackend):
    """Secrets in ``$MACHPANEL_TEST_KEYRING`` (or ``path``), one JSON object."""

    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805 (a class property)
        """Viable only where a test named the file: never picked up by detection."""
        if FILE_ENV not in os.environ:
            raise RuntimeError(f"{FILE_ENV} is not set")
        return 1.0

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self._path = path

    @property
    def path(self) -> Path:
        """The JSON file."""
        return self._path or Path(os.environ[FILE_ENV])

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in data.items()}

    def _save(self, data: dict[str, str]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(self.path)

    def get_password(self, service: str, username: str) -> str | None:
        """The secret, or None."""
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store the secret."""
        data = self._load()
        data[f"{service}\n{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        """Forget the secret."""
        data = self._load()
        if data.pop(f"{service}\n{username}", None) is None:
            raise PasswordDeleteError(username)
        self._save(data)
