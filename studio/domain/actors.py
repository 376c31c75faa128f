"""Who is acting: every service function takes an :class:`Actor` and checks it itself.

Hiding a button is never the permission check; the service is. The Configuration Studio
pages and the command line act as the built-in *Local Administrator*, recorded in the
audit log with the operating-system user's name, as the Configuration Studio does on the
server's desktop; the Control Panel pages act as the provider user signed in, the
reseller panel as the reseller signed in (``studio.services.sign_in``), and ``--as
USERNAME`` makes a command act as that user.
"""

from __future__ import annotations

import enum
import getpass
from dataclasses import dataclass

from studio.errors import StudioError


class Role(enum.StrEnum):
    """The roles of the design: what a signed-in user may do."""

    PROVIDER_ADMINISTRATOR = "provider-administrator"
    PROVIDER_STAFF = "provider-staff"
    RESELLER = "reseller"


class Permission(enum.StrEnum):
    """Actions a service checks before it reads or changes anything."""

    VIEW_CONFIGURATION = "view configuration"
    VIEW_AUDIT_LOG = "view the audit log"
    EDIT_CONFIGURATION = "edit configuration"
    SEED_DEMO = "seed demo data"
    MANAGE_USERS = "manage users and the login policy"
    VIEW_RESELLERS = "view resellers"
    MANAGE_RESELLERS = "manage resellers"
    #: A reseller's own panel: its plans, customers and statements, never another's.
    USE_RESELLER_PANEL = "work in a reseller panel"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.PROVIDER_ADMINISTRATOR: frozenset(Permission) - {Permission.USE_RESELLER_PANEL},
    Role.PROVIDER_STAFF: frozenset(
        {Permission.VIEW_CONFIGURATION, Permission.VIEW_AUDIT_LOG, Permission.VIEW_RESELLERS}
    ),
    Role.RESELLER: frozenset({Permission.USE_RESELLER_PANEL}),
}


class PermissionDenied(StudioError):
    """The actor's role does not allow the action; nothing was read or changed."""

    def __init__(self, actor: Actor, permission: Permission) -> None:
        self.actor = actor
        self.permission = permission
        super().__init__(f"{actor.name} ({actor.role.value}) may not {permission.value}")


@dataclass(frozen=True)
class Actor:
    """The user a service acts for, as recorded in the audit log."""

    name: str
    role: Role
    #: The reseller whose panel this actor works in (role ``reseller`` only).
    reseller_id: int | None = None
    #: The provider administrator who opened the panel "as" the reseller, if one did.
    on_behalf_of: str | None = None

    def can(self, permission: Permission) -> bool:
        """Whether the role grants ``permission``."""
        return permission in _GRANTS[self.role]

    def require(self, permission: Permission) -> None:
        """Raise :class:`PermissionDenied` unless the role grants ``permission``."""
        if not self.can(permission):
            raise PermissionDenied(self, permission)

    def panel_reseller(self) -> int:
        """The reseller this actor's panel belongs to; raises
        :class:`PermissionDenied` for any other actor (a provider must open the panel
        "as" the reseller, which is recorded)."""
        self.require(Permission.USE_RESELLER_PANEL)
        if self.reseller_id is None:  # a reseller role without a reseller: never made so
            raise PermissionDenied(self, Permission.USE_RESELLER_PANEL)
        return self.reseller_id

    @classmethod
    def reseller(cls, reseller_id: int, username: str, on_behalf_of: str | None = None) -> Actor:
        """A reseller in its own panel; opened by a provider, named after both."""
        name = f"{on_behalf_of} as {username}" if on_behalf_of else username
        return cls(name, Role.RESELLER, reseller_id, on_behalf_of)

    @classmethod
    def local_administrator(cls) -> Actor:
        """The built-in administrator of a studio run by a local OS user."""
        try:
            os_user = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry (containers) or no login name
            os_user = "unknown"
        return cls(name=f"Local Administrator ({os_user})", role=Role.PROVIDER_ADMINISTRATOR)
