"""Provisioning Service settings and Remote Servers: tokens in the keyring, audit, errors."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import select

from studio.context import Studio
from studio.db.models import AuditEvent, RemoteServer
from studio.domain.actors import Actor, PermissionDenied, Role
from studio.domain.server_rules import ProvisioningInput, RemoteServerInput
from studio.errors import FieldError
from studio.security.keyring_store import KEYRING_SERVICE, SecretsUnavailable, remote_token_name
from studio.services.servers import (
    add_remote_server,
    get_provisioning_settings,
    list_remote_servers,
    remove_remote_server,
    save_provisioning_settings,
    update_remote_server,
)
from tests.support.memory_keyring import MemoryKeyring

TOKEN = "exch01-token-0123456789abcdef"
EXCH = RemoteServerInput("exch01", "10.0.0.21", "8443", ("exchange", "sharepoint"), TOKEN)


def _audit(studio: Studio) -> list[AuditEvent]:
    with studio.unit_of_work() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_embedded_is_the_default(studio: Studio, admin: Actor) -> None:
    view = get_provisioning_settings(studio, admin)
    assert (view.mode, view.configured) == ("embedded", False)


def test_add_keeps_the_token_in_the_keyring_only(
    studio: Studio, admin: Actor, memory_keyring: MemoryKeyring, data_dir: Path
) -> None:
    view = add_remote_server(studio, admin, EXCH)
    assert (view.name, view.host, view.port, view.token_stored) == (
        "EXCH01",
        "10.0.0.21",
        8443,
        True,
    )
    assert memory_keyring.secrets[(KEYRING_SERVICE, remote_token_name("EXCH01"))] == TOKEN
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
    events = _audit(studio)
    assert events[-1].action == "remote_server.create"
    assert TOKEN not in repr(events[-1].changes)


def test_names_are_unique_case_insensitively(studio: Studio, admin: Actor) -> None:
    add_remote_server(studio, admin, EXCH)
    with pytest.raises(FieldError) as caught:
        add_remote_server(studio, admin, EXCH)
    assert caught.value.errors == {"name": "a Remote Server called EXCH01 already exists"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "1bad"}, "name"),
        ({"name": "MUCH-TOO-LONG-NAME"}, "name"),
        ({"host": "bad_host"}, "host"),
        ({"port": "0"}, "port"),
        ({"services": ()}, "services"),
        ({"services": ("fax",)}, "services"),
        ({"token": "short"}, "token"),
        ({"token": ""}, "token"),
    ],
)
def test_each_rule_names_its_field(
    studio: Studio, admin: Actor, change: dict[str, object], field: str
) -> None:
    from dataclasses import replace

    with pytest.raises(FieldError) as caught:
        add_remote_server(studio, admin, replace(EXCH, **change))  # type: ignore[arg-type]
    assert list(caught.value.errors) == [field]
    assert list_remote_servers(studio, admin) == []


def test_update_keeps_the_token_unless_given_and_follows_a_rename(
    studio: Studio, admin: Actor, memory_keyring: MemoryKeyring
) -> None:
    added = add_remote_server(studio, admin, EXCH)
    renamed = RemoteServerInput("EXCH02", "10.0.0.22", "8443", ("exchange",), "")
    view = update_remote_server(studio, admin, added.id, renamed)
    assert (view.name, view.services, view.token_stored) == ("EXCH02", ("exchange",), True)
    assert memory_keyring.secrets.get((KEYRING_SERVICE, remote_token_name("EXCH02"))) == TOKEN
    assert (KEYRING_SERVICE, remote_token_name("EXCH01")) not in memory_keyring.secrets


def test_remove_forgets_the_token(
    studio: Studio, admin: Actor, memory_keyring: MemoryKeyring
) -> None:
    added = add_remote_server(studio, admin, EXCH)
    assert remove_remote_server(studio, admin, added.id) == "EXCH01"
    assert memory_keyring.secrets == {}
    assert _audit(studio)[-1].action == "remote_server.delete"


def test_without_a_keyring_nothing_is_written(studio: Studio, admin: Actor) -> None:
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(SecretsUnavailable) as caught:  # the environment's failure: exit 1
        add_remote_server(studio, admin, EXCH)
    assert str(caught.value).startswith("the secret was not stored: no OS keyring")
    with studio.unit_of_work() as session:
        assert list(session.scalars(select(RemoteServer))) == []
    assert _audit(studio) == []


def test_external_provisioning_needs_host_port_and_token(studio: Studio, admin: Actor) -> None:
    with pytest.raises(FieldError) as caught:
        save_provisioning_settings(studio, admin, ProvisioningInput("external", "", "", ""))
    assert list(caught.value.errors) == ["host", "port", "token"]
    view = save_provisioning_settings(
        studio, admin, ProvisioningInput("external", "cp.example.com", "8443", TOKEN)
    )
    assert (view.mode, view.host, view.port, view.token_stored) == (
        "external",
        "cp.example.com",
        8443,
        True,
    )
    again = save_provisioning_settings(
        studio, admin, ProvisioningInput("external", "cp.example.com", "9443", "")
    )
    assert again.port == 9443 and again.token_stored
    assert _audit(studio)[-1].changes == {"port": [8443, 9443]}


def test_staff_may_look_but_not_change(studio: Studio) -> None:
    staff = Actor("staff", Role.PROVIDER_STAFF)
    assert list_remote_servers(studio, staff) == []
    with pytest.raises(PermissionDenied):
        add_remote_server(studio, staff, EXCH)


def test_embedded_servers_cannot_be_edited_or_removed(studio: Studio, admin: Actor) -> None:
    with studio.unit_of_work() as session:
        row = RemoteServer(
            name="EXCH01", host="127.0.0.1", port=0, services=["exchange"], managed=True
        )
        session.add(row)
        session.flush()
        server_id = row.id
    with pytest.raises(FieldError) as edit:
        update_remote_server(studio, admin, server_id, EXCH)
    assert edit.value.errors == {
        "server": "EXCH01 is run by the studio itself and cannot be edited"
    }
    with pytest.raises(FieldError) as remove:
        remove_remote_server(studio, admin, server_id)
    assert remove.value.errors == {
        "server": "EXCH01 is run by the studio itself and cannot be removed"
    }
    assert [s.name for s in list_remote_servers(studio, admin)] == ["EXCH01"]


def test_without_a_keyring_the_window_keeps_the_token_in_memory_only(
    studio: Studio, admin: Actor, data_dir: Path
) -> None:
    keyring.set_keyring(fail.Keyring())
    studio.session_secrets = True  # as the window sets it (the CLI does not)
    view = add_remote_server(studio, admin, EXCH)
    assert view.token_stored
    assert studio.secrets.get(remote_token_name("EXCH01")) == TOKEN
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes()
    from studio.context import open_studio

    next_run = open_studio(data_dir)  # a new run has to be told the token again
    try:
        assert [s.token_stored for s in list_remote_servers(next_run, admin)] == [False]
    finally:
        next_run.close()
