"""The prerequisites check and Test Connection: every Provisioning Service probed at once
(at most two seconds each), and the article's rules evaluated (the same build on the
Control Server and every Remote Server, the Provisioning Service running on each, a
token for each). The subscription wizards run it before submitting anything.
"""

from __future__ import annotations

from studio.context import Studio
from studio.domain.actors import Actor
from studio.provisioning.endpoints import server_endpoints
from studio.provisioning.health import (
    MAX_TIMEOUT_S,
    PrerequisitesReport,
    ServerHealth,
    probe,
)
from studio.provisioning.health import check_prerequisites as run_check


def check_prerequisites(
    studio: Studio, actor: Actor, timeout: float = MAX_TIMEOUT_S
) -> PrerequisitesReport:
    """Probe every server at once (at most ``timeout`` each) and evaluate the rules."""
    control, remotes = server_endpoints(studio, actor)
    return run_check(control, remotes, timeout)


def check_control_connection(
    studio: Studio, actor: Actor, timeout: float = MAX_TIMEOUT_S
) -> ServerHealth:
    """``Configure > Provisioning Service > Test Connection``."""
    control, _remotes = server_endpoints(studio, actor)
    return probe(control, timeout)
