"""Secrets live in the OS keyring, and nowhere else.

Every secret the studio keeps (provisioning tokens, a password remembered with
"remember me") goes through :class:`SecretStore`, under the keyring
service name :data:`KEYRING_SERVICE`. When no keyring backend exists (a headless Linux
box, a locked keychain) the store says so with :class:`SecretsUnavailable` instead of
writing the secret anywhere else. Secrets that only need to live as long as this process
(the tokens of the embedded stubs when there is no keyring) are kept in memory with
``session_only=True``.
"""

from __future__ import annotations

import threading

from studio.errors import StudioError

KEYRING_SERVICE = "MachPanel Configuration Studio"


class SecretsUnavailable(StudioError):
    """No OS keyring backend, or it refused: the secret was not stored anywhere."""


def keyring_problem() -> str | None:
    """Why the OS keyring cannot be used, or ``None`` when it can."""
    import keyring  # start-up
    from keyring.backends import fail, null  # start-up

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return (
            "no OS keyring is available (on Linux, install and unlock a Secret Service "
            "such as GNOME Keyring or KWallet)"
        )
    return None


class SecretStore:
    """The OS keyring, plus an in-memory overlay for session-only secrets."""

    def __init__(self) -> None:
        self._session: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> str | None:
        """The secret called ``name``, or ``None`` if none is kept."""
        with self._lock:
            if name in self._session:
                return self._session[name]
        if keyring_problem() is not None:
            return None
        import keyring  # start-up
        from keyring.errors import KeyringError  # start-up

        try:
            return keyring.get_password(KEYRING_SERVICE, name)
        except KeyringError as exc:
            raise SecretsUnavailable(f"the OS keyring refused to read a secret: {exc}") from None

    def set(self, name: str, value: str, *, session_only: bool = False) -> None:
        """Keep a secret in the keyring (or, if ``session_only``, in memory for this run).

        Raises:
            SecretsUnavailable: there is no keyring to keep it in.
        """
        if session_only:
            with self._lock:
                self._session[name] = value
            return
        problem = keyring_problem()
        if problem is not None:
            raise SecretsUnavailable(f"the secret was not stored: {problem}")
        import keyring  # start-up
        from keyring.errors import KeyringError  # start-up

        try:
            keyring.set_password(KEYRING_SERVICE, name, value)
        except KeyringError as exc:
            raise SecretsUnavailable(f"the OS keyring refused to store a secret: {exc}") from None

    def delete(self, name: str) -> None:
        """Forget a secret wherever it is kept; no error if there is none."""
        with self._lock:
            self._session.pop(name, None)
        if keyring_problem() is not None:
            return
        import keyring  # start-up
        from keyring.errors import KeyringError, PasswordDeleteError  # start-up

        try:
            keyring.delete_password(KEYRING_SERVICE, name)
        except PasswordDeleteError:
            pass
        except KeyringError as exc:
            raise SecretsUnavailable(f"the OS keyring refused to delete a secret: {exc}") from None


def control_token_name() -> str:
    """Keyring entry of the Control Server's Provisioning Service token."""
    return "provisioning-token/control"


def remote_token_name(server_name: str) -> str:
    """Keyring entry of a Remote Server's Provisioning Service token."""
    return f"provisioning-token/remote/{server_name.upper()}"
