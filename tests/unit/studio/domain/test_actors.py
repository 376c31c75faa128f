"""Who may do what, without a database: the whole permission table, each refusal
naming the actor and the right, and the reseller panel's own rules."""

from __future__ import annotations

import getpass

import pytest

from studio.domain.actors import Actor, Permission, PermissionDenied, Role

#: The table the product promises (``docs/testing.md``): every role, every right.
EXPECTED = {
    Role.PROVIDER_ADMINISTRATOR: {
        Permission.VIEW_CONFIGURATION,
        Permission.VIEW_AUDIT_LOG,
        Permission.EDIT_CONFIGURATION,
        Permission.SEED_DEMO,
        Permission.MANAGE_USERS,
        Permission.VIEW_RESELLERS,
        Permission.MANAGE_RESELLERS,
    },
    Role.PROVIDER_STAFF: {
        Permission.VIEW_CONFIGURATION,
        Permission.VIEW_AUDIT_LOG,
        Permission.VIEW_RESELLERS,
    },
    Role.RESELLER: {Permission.USE_RESELLER_PANEL},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_the_permission_table(role: Role, permission: Permission) -> None:
    actor = Actor("someone", role, 7 if role is Role.RESELLER else None)
    granted = permission in EXPECTED[role]
    assert actor.can(permission) is granted
    if granted:
        actor.require(permission)
        return
    with pytest.raises(PermissionDenied) as refused:
        actor.require(permission)
    assert str(refused.value) == f"someone ({role.value}) may not {permission.value}"
    assert (refused.value.actor, refused.value.permission) == (actor, permission)


def test_a_reseller_works_in_its_own_panel_only() -> None:
    assert Actor.reseller(7, "acme").panel_reseller() == 7
    with pytest.raises(PermissionDenied):
        Actor("ops", Role.PROVIDER_ADMINISTRATOR).panel_reseller()
    with pytest.raises(PermissionDenied):  # a reseller role without a reseller
        Actor("ghost", Role.RESELLER).panel_reseller()


def test_a_panel_opened_by_a_provider_is_named_after_both() -> None:
    opened = Actor.reseller(7, "acme", on_behalf_of="ops.admin")
    assert opened == Actor("ops.admin as acme", Role.RESELLER, 7, "ops.admin")
    assert Actor.reseller(7, "acme") == Actor("acme", Role.RESELLER, 7, None)


def test_the_local_administrator_is_named_after_the_os_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "olga")
    assert Actor.local_administrator() == Actor(
        "Local Administrator (olga)", Role.PROVIDER_ADMINISTRATOR
    )

    def no_login() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(getpass, "getuser", no_login)
    assert Actor.local_administrator().name == "Local Administrator (unknown)"
