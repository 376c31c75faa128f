"""Use cases of ``Configure > Control Panel Website``: read and save the settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from studio.context import Studio
from studio.db import audit
from studio.db.models import WebsiteSettings
from studio.domain.actors import Actor, Permission
from studio.domain.website_rules import DEFAULT_WEBSITE, Website, WebsiteInput, parse_website

_ROW_ID = 1


@dataclass(frozen=True)
class WebsiteView:
    """The settings in force, and whether (and by whom) they were ever saved."""

    website: Website
    configured: bool
    updated_at: dt.datetime | None = None
    updated_by: str | None = None


def _to_website(row: WebsiteSettings) -> Website:
    return Website(
        site_name=row.site_name,
        protocol=row.protocol,
        host=row.host,
        port=row.port,
        virtual_path=row.virtual_path,
        certificate=row.certificate,
    )


def _view(row: WebsiteSettings | None) -> WebsiteView:
    if row is None:
        return WebsiteView(website=DEFAULT_WEBSITE, configured=False)
    return WebsiteView(
        website=_to_website(row),
        configured=True,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def get_website_settings(studio: Studio, actor: Actor) -> WebsiteView:
    """The saved settings, or the defaults marked as never saved."""
    actor.require(Permission.VIEW_CONFIGURATION)
    with studio.unit_of_work() as session:
        return _view(session.get(WebsiteSettings, _ROW_ID))


def save_website_settings(studio: Studio, actor: Actor, data: WebsiteInput) -> WebsiteView:
    """Validate and save; one audit event with the changed fields.

    Saving values identical to the stored ones writes nothing and records nothing.

    Raises:
        FieldError: naming each invalid field; nothing is written.
        PermissionDenied: the actor may not edit the configuration.
    """
    actor.require(Permission.EDIT_CONFIGURATION)
    website = parse_website(data)
    new_values = asdict(website)
    with studio.unit_of_work() as session:
        row = session.get(WebsiteSettings, _ROW_ID)
        old_values = asdict(_to_website(row)) if row is not None else {}
        changes = audit.diff(old_values, new_values)
        if row is not None and not changes:
            return _view(row)
        if row is None:
            row = WebsiteSettings(id=_ROW_ID, updated_by=actor.name, **new_values)
            session.add(row)
            action = "website.create"
        else:
            for field, value in new_values.items():
                setattr(row, field, value)
            row.updated_by = actor.name
            action = "website.update"
        audit.record(
            session,
            actor,
            action=action,
            entity="website_settings",
            entity_id=_ROW_ID,
            changes=changes,
            summary=f"Control Panel Website is {website.url}",
        )
        session.flush()
        return _view(row)
