"""Where each Provisioning Service is reached, and with which token.

The Control Server's endpoint and every Remote Server's, read from the settings and the
Remote Servers registry, tokens from the OS keyring; an embedded server's address is
the one its stub reports while it runs. Used by the job runner at each refresh and by
the prerequisites check.
"""

from __future__ import annotations

from sqlalchemy import select

from studio.context import Studio
from studio.db.models import ProvisioningSettings, RemoteServer
from studio.domain.actors import Actor, Permission
from studio.provisioning.embedded import CONTROL
from studio.provisioning.health import Endpoint
from studio.security.keyring_store import SecretsUnavailable, control_token_name, remote_token_name

#: The one row of the Control Server's Provisioning Service settings.
SETTINGS_ROW_ID = 1


def _secret(studio: Studio, name: str) -> str | None:
    try:
        return studio.secrets.get(name)
    except SecretsUnavailable:
        return None


def server_endpoints(studio: Studio, actor: Actor) -> tuple[Endpoint, list[Endpoint]]:
    """The Control Server's endpoint and every Remote Server's, tokens included."""
    actor.require(Permission.VIEW_CONFIGURATION)
    with studio.unit_of_work() as session:
        settings = session.get(ProvisioningSettings, SETTINGS_ROW_ID)
        mode, host, port = (
            (settings.mode, settings.host, settings.port) if settings else ("embedded", "", 0)
        )
        rows = list(session.scalars(select(RemoteServer).order_by(RemoteServer.name)))
        servers = [(r.name, r.host, r.port, r.managed, tuple(r.services)) for r in rows]
    embedded = studio.embedded
    if mode == "embedded":
        control = (
            embedded.endpoint(CONTROL.name) if embedded else Endpoint(CONTROL.name, "control", None)
        )
    else:
        control = Endpoint(
            "Control Server",
            "control",
            f"http://{host}:{port}",
            _secret(studio, control_token_name()),
        )
    remotes = []
    for name, host_, port_, managed, services in servers:
        if managed:
            if mode != "embedded":
                continue
            remotes.append(embedded.endpoint(name) if embedded else Endpoint(name, "remote", None))
        else:
            remotes.append(
                Endpoint(
                    name,
                    "remote",
                    f"http://{host_}:{port_}",
                    _secret(studio, remote_token_name(name)),
                    services,
                )
            )
    return control, remotes
