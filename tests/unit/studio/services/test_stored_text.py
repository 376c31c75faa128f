"""``db check``'s use case: stored text that breaks the text rule, by table, id and column."""

from __future__ import annotations

from sqlalchemy import update

from studio.context import Studio
from studio.db.models import AuditEvent, Reseller
from studio.domain.actors import Actor
from studio.services.resellers import create_reseller
from studio.services.stored_text import StoredTextProblem, check_stored_text
from tests.support.resellers import sample_reseller


def _write_as_an_older_studio(studio: Studio) -> int:
    """Rows the old rule let in: a surrogate in a JSON column, a bidi override and a
    line break in one-line columns, a bell in a Text column. Returns the audit row's id."""
    with studio.unit_of_work() as session:
        reseller = session.get(Reseller, 1)
        assert reseller is not None
        departments = [dict(d) for d in reseller.departments]
        departments[1]["signature"] = "Regards \ud83d"
        reseller.departments = departments
        session.execute(
            update(Reseller).where(Reseller.id == 1).values(first_name="\u202eAda", city="Lon\ndon")
        )
        event = AuditEvent(
            actor="an older studio",
            action="reseller.edit",
            entity="reseller",
            entity_id="1",
            summary="ring \x07",
            changes={"signature": [None, "Regards \ud83d"]},
        )
        session.add(event)
        session.flush()
        return event.id


def test_a_clean_database_has_nothing_to_report(studio: Studio, admin: Actor) -> None:
    create_reseller(studio, admin, sample_reseller())
    assert check_stored_text(studio, admin) == []


def test_each_bad_value_is_named_by_table_id_and_column(studio: Studio, admin: Actor) -> None:
    create_reseller(studio, admin, sample_reseller())
    event_id = _write_as_an_older_studio(studio)
    problems = check_stored_text(studio, admin)
    found = {(p.table, p.row_id, p.column): p.message for p in problems}
    assert set(found) == {
        ("reseller", "1", "first_name"),
        ("reseller", "1", "city"),
        ("reseller", "1", "departments[1].signature"),
        ("audit_event", str(event_id), "summary"),
        ("audit_event", str(event_id), "changes.signature[1]"),
    }
    assert found[("reseller", "1", "first_name")].startswith(
        "must not contain bidirectional control characters (U+202E"
    )
    assert found[("reseller", "1", "city")].startswith("must not contain control characters")
    assert found[("reseller", "1", "departments[1].signature")].startswith(
        "must not contain a lone surrogate (U+D83D"
    )
    assert all(isinstance(p, StoredTextProblem) for p in problems)
