"""The website use cases: one transaction with its audit event, or nothing at all."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from studio.context import Studio
from studio.db import audit
from studio.db.models import AuditEvent, WebsiteSettings
from studio.domain.actors import Actor, PermissionDenied, Role
from studio.domain.website_rules import WebsiteInput
from studio.errors import FieldError
from studio.services.website import get_website_settings, save_website_settings

INPUT = WebsiteInput(
    site_name="Hosting Co Control Panel",
    protocol="http",
    host="cp.hosting.example",
    port="8443",
    virtual_path="/",
)


def _count(studio: Studio, model: type[object]) -> int:
    with studio.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_unsaved_settings_are_the_defaults_marked_as_such(studio: Studio, admin: Actor) -> None:
    view = get_website_settings(studio, admin)
    assert not view.configured
    assert view.updated_by is None
    assert _count(studio, WebsiteSettings) == 0


def test_save_writes_the_row_and_one_audit_event(studio: Studio, admin: Actor) -> None:
    view = save_website_settings(studio, admin, INPUT)
    assert view.configured
    assert view.website.url == "http://cp.hosting.example:8443/"
    assert view.updated_by == admin.name
    with studio.unit_of_work() as session:
        events = audit.recent(session)
    assert len(events) == 1
    assert events[0].action == "website.create"
    assert events[0].actor == admin.name
    assert events[0].changes["port"] == [None, 8443]
    assert get_website_settings(studio, admin).website == view.website


def test_update_records_only_what_changed(studio: Studio, admin: Actor) -> None:
    save_website_settings(studio, admin, INPUT)
    save_website_settings(studio, admin, replace(INPUT, port="9000"))
    with studio.unit_of_work() as session:
        latest = audit.recent(session, 1)[0]
    assert latest.action == "website.update"
    assert latest.changes == {"port": [8443, 9000]}


def test_saving_the_same_values_records_nothing(studio: Studio, admin: Actor) -> None:
    save_website_settings(studio, admin, INPUT)
    save_website_settings(studio, admin, replace(INPUT, host="CP.HOSTING.EXAMPLE"))
    assert _count(studio, AuditEvent) == 1


def test_invalid_input_writes_nothing(studio: Studio, admin: Actor) -> None:
    with pytest.raises(FieldError) as caught:
        save_website_settings(studio, admin, replace(INPUT, port="99999"))
    assert caught.value.errors == {"port": "must be between 1 and 65535"}
    assert _count(studio, WebsiteSettings) == 0
    assert _count(studio, AuditEvent) == 0


@pytest.mark.parametrize("role", [Role.PROVIDER_STAFF, Role.RESELLER])
def test_only_administrators_may_save(studio: Studio, role: Role) -> None:
    actor = Actor("someone", role)
    with pytest.raises(PermissionDenied, match="edit configuration"):
        save_website_settings(studio, actor, INPUT)
    assert _count(studio, AuditEvent) == 0


def test_resellers_may_not_even_read_the_configuration(studio: Studio) -> None:
    with pytest.raises(PermissionDenied, match="view configuration"):
        get_website_settings(studio, Actor("reseller1", Role.RESELLER))


def test_audit_diff_masks_secret_fields() -> None:
    changes = audit.diff({"token": "old-secret", "port": 1}, {"token": "new-secret", "port": 2})
    assert changes == {"token": [audit.MASK, audit.MASK], "port": [1, 2]}
    assert "secret" not in repr(changes)
