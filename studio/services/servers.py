"""Use cases of ``Configure > Provisioning Service`` and ``Configure > Remote Servers``.

The token of each server goes to the OS keyring (``studio.security.keyring_store``), never to the
database; the audit record says only that it changed. The keyring is written before the
database transaction commits, so a refused keyring leaves the database unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studio.context import Studio
from studio.db import audit
from studio.db.models import ProvisioningSettings, RemoteServer
from studio.domain.actors import Actor, Permission
from studio.domain.catalog import CATALOG
from studio.domain.server_rules import (
    ProvisioningInput,
    RemoteServerInput,
    check,
    provisioning_errors,
    remote_server_errors,
)
from studio.domain.validation import port_value
from studio.errors import FieldError
from studio.provisioning.endpoints import SETTINGS_ROW_ID
from studio.security.keyring_store import SecretsUnavailable, control_token_name, remote_token_name


@dataclass(frozen=True)
class ProvisioningView:
    """The Control Server's Provisioning Service as configured."""

    mode: str
    host: str
    port: int
    token_stored: bool
    configured: bool
    updated_at: dt.datetime | None = None
    updated_by: str | None = None


@dataclass(frozen=True)
class RemoteServerView:
    """A Remote Server as listed; the token itself is never returned."""

    id: int
    name: str
    host: str
    port: int
    services: tuple[str, ...]
    managed: bool
    token_stored: bool


def _token_stored(studio: Studio, name: str) -> bool:
    try:
        return studio.secrets.get(name) is not None
    except SecretsUnavailable:
        return False


def _store_token(studio: Studio, name: str, token: str) -> None:
    """The token to the OS keyring; with none, to memory for this run if the caller may
    ask again (the window), else :class:`SecretsUnavailable`. Never anywhere else.

    A missing keyring is the environment's failure, not a wrong token: the command line
    exits 1 for it (``docs/cli.md``), as for a database it cannot open.
    """
    try:
        studio.secrets.set(name, token)
    except SecretsUnavailable:
        if not studio.session_secrets:
            raise
        studio.secrets.set(name, token, session_only=True)


def get_provisioning_settings(studio: Studio, actor: Actor) -> ProvisioningView:
    """The settings in force: embedded (the default) until an administrator saves."""
    actor.require(Permission.VIEW_CONFIGURATION)
    with studio.unit_of_work() as session:
        row = session.get(ProvisioningSettings, SETTINGS_ROW_ID)
        if row is None:
            return ProvisioningView("embedded", "127.0.0.1", 0, False, configured=False)
        view = ProvisioningView(
            mode=row.mode,
            host=row.host,
            port=row.port,
            token_stored=False,
            configured=True,
            updated_at=row.updated_at,
            updated_by=row.updated_by,
        )
    if view.mode != "external":  # no control token is used; spare the keyring lookup
        return view
    return replace(view, token_stored=_token_stored(studio, control_token_name()))


def save_provisioning_settings(
    studio: Studio, actor: Actor, data: ProvisioningInput
) -> ProvisioningView:
    """Validate, keep the token in the keyring, save the endpoint with an audit record."""
    actor.require(Permission.EDIT_CONFIGURATION)
    has_token = data.mode == "external" and _token_stored(studio, control_token_name())
    check(provisioning_errors(data, token_required=not has_token))
    external = data.mode == "external"
    host = data.host.strip().lower() if external else "127.0.0.1"
    port = (port_value(data.port)[0] or 0) if external else 0
    if data.token:
        _store_token(studio, control_token_name(), data.token)
    with studio.unit_of_work() as session:
        row = session.get(ProvisioningSettings, SETTINGS_ROW_ID)
        old = {"mode": row.mode, "host": row.host, "port": row.port} if row else {}
        new = {"mode": data.mode, "host": host, "port": port}
        changes = audit.diff(old, new)
        if data.token:
            changes["token"] = [audit.MASK if has_token else None, audit.MASK]
        if row is None:
            row = ProvisioningSettings(id=SETTINGS_ROW_ID, updated_by=actor.name, **new)
            session.add(row)
        else:
            row.mode, row.host, row.port, row.updated_by = data.mode, host, port, actor.name
        if changes:
            audit.record(
                session,
                actor,
                action="provisioning.update",
                entity="provisioning_settings",
                entity_id=SETTINGS_ROW_ID,
                changes=changes,
                summary=f"Provisioning Service: {data.mode} {host}:{port}",
            )
    return get_provisioning_settings(studio, actor)


def _view(studio: Studio, row: RemoteServer) -> RemoteServerView:
    return RemoteServerView(
        id=row.id,
        name=row.name,
        host=row.host,
        port=row.port,
        services=tuple(row.services),
        managed=row.managed,
        token_stored=row.managed or _token_stored(studio, remote_token_name(row.name)),
    )


def list_remote_servers(studio: Studio, actor: Actor) -> list[RemoteServerView]:
    """Every Remote Server in use, by name (the embedded ones only in embedded mode)."""
    actor.require(Permission.VIEW_CONFIGURATION)
    embedded = get_provisioning_settings(studio, actor).mode == "embedded"
    with studio.unit_of_work() as session:
        stmt = select(RemoteServer).order_by(RemoteServer.name)
        if not embedded:
            stmt = stmt.where(RemoteServer.managed.is_(False))
        rows = list(session.scalars(stmt))
    return [_view(studio, row) for row in rows]


def _name_taken(studio: Studio, name: str, except_id: int | None) -> bool:
    with studio.unit_of_work() as session:
        stmt = select(func.count()).where(func.upper(RemoteServer.name) == name.upper())
        if except_id is not None:
            stmt = stmt.where(RemoteServer.id != except_id)
        return bool(session.scalar(stmt))


def _editable(session: Session, server_id: int, verb: str) -> RemoteServer:
    """The server row, if it exists and the administrator may ``verb`` it."""
    row = session.get(RemoteServer, server_id)
    if row is None:
        raise FieldError.single("server", f"no Remote Server with id {server_id}")
    if row.managed:
        raise FieldError.single(
            "server", f"{row.name} is run by the studio itself and cannot be {verb}"
        )
    return row


def add_remote_server(studio: Studio, actor: Actor, data: RemoteServerInput) -> RemoteServerView:
    """Register a Remote Server; its token goes to the keyring."""
    actor.require(Permission.EDIT_CONFIGURATION)
    check(remote_server_errors(data, token_required=True))
    name = data.name.strip().upper()
    if _name_taken(studio, name, None):
        raise FieldError.single("name", f"a Remote Server called {name} already exists")
    services = [s for s in CATALOG if s in data.services]
    with studio.unit_of_work() as session:
        row = RemoteServer(
            name=name,
            host=data.host.strip().lower(),
            port=port_value(data.port)[0],
            services=services,
            managed=False,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            action="remote_server.create",
            entity="remote_server",
            entity_id=row.id,
            changes=audit.diff(
                {},
                {
                    "name": name,
                    "host": row.host,
                    "port": row.port,
                    "services": services,
                    "token": "set",
                },
            ),
            summary=f"Remote Server {name} at {row.host}:{row.port}",
        )
        # Last, inside the transaction: the unique name is already claimed, and a keyring
        # that refuses rolls the insert back.
        _store_token(studio, remote_token_name(name), data.token)
        return _view(studio, row)


def update_remote_server(
    studio: Studio, actor: Actor, server_id: int, data: RemoteServerInput
) -> RemoteServerView:
    """Change a Remote Server; an empty token keeps the stored one."""
    actor.require(Permission.EDIT_CONFIGURATION)
    check(remote_server_errors(data, token_required=False))
    name = data.name.strip().upper()
    if _name_taken(studio, name, server_id):
        raise FieldError.single("name", f"a Remote Server called {name} already exists")
    new = {
        "name": name,
        "host": data.host.strip().lower(),
        "port": port_value(data.port)[0],
        "services": [s for s in CATALOG if s in data.services],
    }
    with studio.unit_of_work() as session:
        row = _editable(session, server_id, "edited")
        old_name = row.name
        old = {"name": row.name, "host": row.host, "port": row.port, "services": row.services}
        changes = audit.diff(old, new)
        if data.token:
            changes["token"] = [audit.MASK, audit.MASK]
        for field, value in new.items():
            setattr(row, field, value)
        if changes:
            audit.record(
                session,
                actor,
                action="remote_server.update",
                entity="remote_server",
                entity_id=row.id,
                changes=changes,
                summary=f"Remote Server {name}",
            )
        session.flush()
        # The keyring inside the transaction: if it refuses, the change is rolled back.
        token = data.token or (
            studio.secrets.get(remote_token_name(old_name)) if name != old_name else None
        )
        if token:
            _store_token(studio, remote_token_name(name), token)
        view = _view(studio, row)
    if name != old_name:
        studio.secrets.delete(remote_token_name(old_name))
    return view


def remove_remote_server(studio: Studio, actor: Actor, server_id: int) -> str:
    """Remove a Remote Server and forget its token; returns its name."""
    actor.require(Permission.EDIT_CONFIGURATION)
    with studio.unit_of_work() as session:
        row = _editable(session, server_id, "removed")
        name = row.name
        session.delete(row)
        audit.record(
            session,
            actor,
            action="remote_server.delete",
            entity="remote_server",
            entity_id=server_id,
            summary=f"Remote Server {name} removed",
        )
    studio.secrets.delete(remote_token_name(name))
    return name
