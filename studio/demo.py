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
    added.extend(_demo_resellers(studio, actor))
    return added


DEMO_RESELLERS = 50


def _demo_resellers(studio: Studio, actor: Actor) -> list[str]:
    """About 50 resellers of both types; those already there (by username) are kept.

    They have no password: like imported resellers they cannot sign in until an
    administrator sets one (there are no default passwords).
    """
    from studio.demo_resellers import demo_reseller
    from studio.services.reseller_settings import enabled_types
    from studio.services.resellers import availability_errors, create_reseller

    enabled = {t.type for t in enabled_types(studio, actor)}
    count = 0
    for n in range(1, DEMO_RESELLERS + 1):
        data = demo_reseller(n)
        if data.type not in enabled:  # an administrator disabled it: respect that
            continue
        if availability_errors(studio, actor, data.username, data.email):
            continue
        create_reseller(studio, actor, data, require_password=False)
        count += 1
    return [f"{count} demo resellers with company profiles and signatures"] if count else []
