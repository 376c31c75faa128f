"""The audit log: filter by actor, entity and days; export CSV; only staff and admins."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import update

from studio.cli import EXIT_OK, EXIT_USAGE, main
from studio.context import Studio
from studio.db.models import AuditEvent
from studio.domain.actors import Actor, PermissionDenied, Role
from studio.domain.website_rules import DEFAULT_WEBSITE
from studio.errors import FieldError
from studio.services.audit_log import (
    AuditFilter,
    count_audit_events,
    export_audit_csv,
    list_audit_events,
)
from studio.services.website import save_website_settings

OTHER = Actor("Local Administrator (alice)", Role.PROVIDER_ADMINISTRATOR)


def _seed(studio: Studio, admin: Actor) -> None:
    base = DEFAULT_WEBSITE.as_input()
    save_website_settings(studio, admin, base)
    save_website_settings(studio, OTHER, replace(base, port="8080"))
    save_website_settings(studio, admin, replace(base, port="9090"))
    with studio.unit_of_work() as session:  # the first event happened ten days ago
        ten_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
        session.execute(update(AuditEvent).where(AuditEvent.id == 1).values(at=ten_days_ago))


def test_newest_first_with_readable_changes(studio: Studio, admin: Actor) -> None:
    _seed(studio, admin)
    rows = list_audit_events(studio, admin, AuditFilter())
    assert [r.id for r in rows] == [3, 2, 1]
    assert rows[0].changes_text() == "port: 8080 \u2192 9090"
    assert count_audit_events(studio, admin) == 3


def test_filters_by_actor_entity_and_days(studio: Studio, admin: Actor) -> None:
    _seed(studio, admin)
    assert [r.id for r in list_audit_events(studio, admin, AuditFilter(actor=OTHER.name))] == [2]
    assert list_audit_events(studio, admin, AuditFilter(entity="remote_server")) == []
    today = dt.date.today()
    recent = list_audit_events(studio, admin, AuditFilter(since=today))
    assert [r.id for r in recent] == [3, 2]
    old = list_audit_events(studio, admin, AuditFilter(until=today - dt.timedelta(days=5)))
    assert [r.id for r in old] == [1]


def test_a_reversed_range_names_the_field(studio: Studio, admin: Actor) -> None:
    today = dt.date.today()
    with pytest.raises(FieldError) as caught:
        list_audit_events(studio, admin, AuditFilter(since=today, until=today - dt.timedelta(1)))
    assert caught.value.errors == {"until": "must not be before the From date"}


@pytest.mark.parametrize("limit", [-1, 0, 2**63])
def test_a_limit_outside_1_to_2_63_names_the_field(
    studio: Studio, admin: Actor, limit: int
) -> None:
    with pytest.raises(FieldError) as caught:
        list_audit_events(studio, admin, AuditFilter(), limit)
    assert caught.value.errors == {"limit": "must be between 1 and 9223372036854775807"}


def test_an_export_that_fails_half_way_leaves_no_file(
    studio: Studio, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_website_settings(studio, admin, replace(DEFAULT_WEBSITE.as_input(), port="8081"))

    def broken(value: object, **_: object) -> str:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr("studio.services.audit_log.json.dumps", broken)
    with pytest.raises(RuntimeError):
        export_audit_csv(studio, admin, AuditFilter(), tmp_path / "audit.csv")
    assert list(tmp_path.iterdir()) == [tmp_path / "studio-home"]


def test_staff_may_read_resellers_may_not(studio: Studio, admin: Actor) -> None:
    _seed(studio, admin)
    assert len(list_audit_events(studio, Actor("s", Role.PROVIDER_STAFF), AuditFilter())) == 3
    with pytest.raises(PermissionDenied, match="view the audit log"):
        list_audit_events(studio, Actor("r", Role.RESELLER), AuditFilter())


def test_csv_export_is_whole_and_parseable(studio: Studio, admin: Actor, tmp_path: Path) -> None:
    _seed(studio, admin)
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "audit.csv"
    assert export_audit_csv(studio, admin, AuditFilter(actor=admin.name), target) == 2
    rows = list(csv.DictReader(target.open(encoding="utf-8-sig")))
    assert [r["id"] for r in rows] == ["3", "1"]
    assert json.loads(rows[0]["changes"]) == {"port": [8080, 9090]}
    assert list(folder.iterdir()) == [target]  # no temporary file left behind


def test_an_unwritable_target_names_the_file(studio: Studio, admin: Actor, tmp_path: Path) -> None:
    with pytest.raises(FieldError) as caught:
        export_audit_csv(studio, admin, AuditFilter(), tmp_path / "missing" / "a.csv")
    assert list(caught.value.errors) == ["file"]


def test_cli_list_and_export(
    studio: Studio, admin: Actor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(studio, admin)
    out = io.StringIO()
    assert main(["audit", "list", "--json", "--actor", OTHER.name], out=out) == EXIT_OK
    assert [e["id"] for e in json.loads(out.getvalue())] == [2]
    target = tmp_path / "all.csv"
    out = io.StringIO()
    assert main(["audit", "export", "--csv", str(target)], out=out) == EXIT_OK
    assert out.getvalue().strip() == f"exported 3 audit events to {target}"
    assert main(["audit", "list", "--since", "yesterday"]) == EXIT_USAGE
    assert "argument --since: 'yesterday' is not a date" in capsys.readouterr().err
