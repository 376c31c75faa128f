"""``machpanel-studio demo``: seed demonstration data, idempotently.

Each capability adds its part here; running the command twice changes nothing the
second time. Nothing is overwritten that an administrator already configured.
"""

from __future__ import annotations

from studio.actors import Actor, Permission
from studio.context import Studio
from studio.services.website import get_website_settings, save_website_settings
from studio.website import WebsiteInput

DEMO_WEBSITE = WebsiteInput(
    site_name="MachPanel Demo Control Panel",
    protocol="http",
    host="localhost",
    port="8080",
    virtual_path="/machpanel",
)


def seed_demo(studio: Studio, actor: Actor) -> list[str]:
    """Add what is missing of the demo; return one line per thing added."""
    actor.require(Permission.SEED_DEMO)
    added: list[str] = []
    if not get_website_settings(studio, actor).configured:
        view = save_website_settings(studio, actor, DEMO_WEBSITE)
        added.append(f"Control Panel Website: {view.website.url}")
    return added
