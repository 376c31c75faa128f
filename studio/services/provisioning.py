"""Use cases that reach the Provisioning Services: start the embedded ones, check health.

``start_embedded`` starts (or finds again) the studio's own stubs when the installation
is in embedded mode and registers their Remote Servers; ``check_prerequisites`` resolves
every endpoint (embedded or external, tokens from the keyring) and runs the article's
prerequisite check. The subscription wizards call the latter before submitting anything.
"""

from __future__ import annotations

from sqlalchemy import select

from studio.context import Studio
from studio.db import audit
from studio.db.models import RemoteServer
from studio.domain.actors import Actor, Permission
from studio.provisioning.embedded import CONTROL, EmbeddedProvisioning
from studio.provisioning.health import (
    MAX_TIMEOUT_S,
    Endpoint,
    PrerequisitesReport,
    ServerHealth,
    probe,
)
from studio.provisioning.health import check_prerequisites as run_check
from studio.security.keyring_store import SecretsUnavailable, control_token_name, remote_token_name
from studio.services.servers import get_provisioning_settings


def start_embedded(studio: Studio, actor: Actor, job_seconds: float = 2.0) -> list[str]:
    """In embedded mode, start or reuse the stubs; returns their names (none if external).

    The embedded Remote Servers are registered (managed, port assigned at each start) in
    one transaction with an audit record the first time.
    """
    actor.require(Permission.VIEW_CONFIGURATION)
    if get_provisioning_settings(studio, actor).mode != "embedded":
        return []
    if studio.embedded is None:
        studio.embedded = EmbeddedProvisioning(
            studio.data_dir, studio.secrets, job_seconds=job_seconds
        )
    running = studio.embedded.start()
    with studio.unit_of_work() as session:
        known = {n.upper() for n in session.scalars(select(RemoteServer.name))}
        for stub in running.values():
            if stub.spec.role != "remote" or stub.spec.name in known:
                continue  # registered before, or a server of the administrator's own name
            row = RemoteServer(
                name=stub.spec.name,
                host="127.0.0.1",
                port=0,
                services=list(stub.spec.services),
                managed=True,
            )
            session.add(row)
            session.flush()
            audit.record(
                session,
                actor,
                action="remote_server.create",
                entity="remote_server",
                entity_id=row.id,
                summary=f"embedded Remote Server {row.name} registered",
                changes={"name": [None, row.name], "services": [None, row.services]},
            )
    return sorted(running)


def stop_embedded(studio: Studio, only_started: bool = False) -> None:
    """Stop the embedded stubs this studio runs (on exit)."""
    if studio.embedded is not None:
        studio.embedded.stop(only_started=only_started)


def _secret(studio: Studio, name: str) -> str | None:
    try:
        return studio.secrets.get(name)
    except SecretsUnavailable:
        return None


def endpoints(studio: Studio, actor: Actor) -> tuple[Endpoint, list[Endpoint]]:
    """The Control Server's endpoint and every Remote Server's, tokens included."""
    actor.require(Permission.VIEW_CONFIGURATION)
    settings = get_provisioning_settings(studio, actor)
    embedded = studio.embedded
    if settings.mode == "embedded":
        control = (
            embedded.endpoint(CONTROL.name) if embedded else Endpoint(CONTROL.name, "control", None)
        )
    else:
        control = Endpoint(
            "Control Server",
            "control",
            f"http://{settings.host}:{settings.port}",
            _secret(studio, control_token_name()),
        )
    with studio.unit_of_work() as session:
        rows = list(session.scalars(select(RemoteServer).order_by(RemoteServer.name)))
        servers = [(r.name, r.host, r.port, r.managed, tuple(r.services)) for r in rows]
    remotes = []
    for name, host, port, managed, services in servers:
        if managed:
            if settings.mode != "embedded":
                continue
            remotes.append(embedded.endpoint(name) if embedded else Endpoint(name, "remote", None))
        else:
            remotes.append(
                Endpoint(
                    name,
                    "remote",
                    f"http://{host}:{port}",
                    _secret(studio, remote_token_name(name)),
                    services,
                )
            )
    return control, remotes


def check_prerequisites(
    studio: Studio, actor: Actor, timeout: float = MAX_TIMEOUT_S
) -> PrerequisitesReport:
    """Probe every server at once (at most ``timeout`` each) and evaluate the rules."""
    control, remotes = endpoints(studio, actor)
    return run_check(control, remotes, timeout)


def check_control_connection(
    studio: Studio, actor: Actor, timeout: float = MAX_TIMEOUT_S
) -> ServerHealth:
    """``Configure > Provisioning Service > Test Connection``."""
    control, _remotes = endpoints(studio, actor)
    return probe(control, timeout)
