"""The studio's own Provisioning Services: in embedded mode (the default and the demo)
the studio runs a Control Server and two Remote Servers as stub processes, registers
the Remote Servers the first time, and stops the stubs when it exits.
"""

from __future__ import annotations

from sqlalchemy import select

from studio.context import Studio
from studio.db import audit
from studio.db.models import RemoteServer
from studio.domain.actors import Actor, Permission
from studio.provisioning.embedded import EmbeddedProvisioning
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
