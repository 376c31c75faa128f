"""A Remote Server (EXCH01) and a Control Server served in the test's process, and a
job runner that ticks only when the test says so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from studio.context import Studio
from studio.domain.actors import Actor
from studio.domain.server_rules import ProvisioningInput, RemoteServerInput
from studio.provisioning.protocol import Role
from studio.provisioning.runner import JobRunner
from studio.services.servers import add_remote_server, save_provisioning_settings
from tests.support.in_process_stub import TOKEN, InProcessStub


@pytest.fixture
def remote(studio: Studio, admin: Actor) -> Iterator[InProcessStub]:
    """EXCH01 (and a Control Server) served in this process, registered in the studio."""
    control = InProcessStub(Role.CONTROL, "CP01", ())
    exch = InProcessStub(Role.REMOTE, "EXCH01", ("exchange",))
    save_provisioning_settings(
        studio, admin, ProvisioningInput("external", "127.0.0.1", str(control.port), TOKEN)
    )
    add_remote_server(
        studio,
        admin,
        RemoteServerInput("EXCH01", "127.0.0.1", str(exch.port), ("exchange",), TOKEN),
    )
    yield exch
    exch.stop()
    control.stop()


@pytest.fixture
def runner(studio: Studio, admin: Actor) -> Iterator[JobRunner]:
    """A runner with no waits: every job is due at every tick, retried at once."""
    made = JobRunner(studio, admin, poll_s=0.0, backoff=(0.0, 0.0), reconcile_s=0.0)
    yield made
    made.stop()
