"""The audit log's hash chain as pure functions: the canonical form and what verify finds."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace
from typing import Any

from studio.domain.audit_chain import (
    GENESIS,
    ChainRow,
    canonical_form,
    canonical_time,
    chain_hash,
    verify_chain,
)

AT = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


def _chain(count: int) -> list[ChainRow]:
    rows: list[ChainRow] = []
    previous = GENESIS
    for number in range(1, count + 1):
        content = {
            "id": number,
            "at": AT + dt.timedelta(seconds=number),
            "actor": "Local Administrator (ann)",
            "action": "website.update",
            "entity": "website_settings",
            "entity_id": "1",
            "summary": f"change {number} — ü",
            "changes": {"port": [8000 + number, 9000 + number], "a": None},
        }
        digest = chain_hash(previous, canonical_form(**content))  # type: ignore[arg-type]
        rows.append(ChainRow(**content, prev_hash=previous, hash=digest))  # type: ignore[arg-type]
        previous = digest
    return rows


def test_the_canonical_form_is_compact_sorted_utf8_json_with_utc_microseconds() -> None:
    local = AT.astimezone(dt.timezone(dt.timedelta(hours=2)))
    form = canonical_form(
        id=7,
        at=local,
        actor="Änne",
        action="a",
        entity="e",
        entity_id="3",
        summary="s",
        changes={"b": [1, 2], "a": None},
    )
    assert json.loads(form) == [
        "machpanel-audit-v1",
        7,
        "2026-11-25T09:30:00.000000+00:00",
        "Änne",
        "a",
        "e",
        "3",
        "s",
        {"a": None, "b": [1, 2]},
    ]
    assert b'{"a":null,"b":[1,2]}' in form
    assert "Änne".encode() in form
    assert canonical_time(AT.replace(tzinfo=None)) == canonical_time(local)


def test_a_hash_is_sha256_over_the_previous_hash_and_the_content() -> None:
    content = b'["x"]'
    assert (
        chain_hash(GENESIS, content)
        == hashlib.sha256(GENESIS.encode() + b"\n" + content).hexdigest()
    )
    assert chain_hash("1" * 64, content) != chain_hash(GENESIS, content)


def test_an_intact_chain_and_an_empty_one_are_ok() -> None:
    report = verify_chain(_chain(5))
    assert report.ok and report.message == "ok: 5 rows"
    assert verify_chain([]).message == "ok: 0 rows"


def test_a_changed_field_names_its_row() -> None:
    changed: tuple[tuple[str, Any], ...] = (
        ("summary", "nothing to see"),
        ("actor", "someone else"),
        ("changes", {"port": [1, 2]}),
        ("at", AT),
        ("entity_id", "2"),
    )
    for field, value in changed:
        rows = _chain(5)
        fields: dict[str, Any] = {field: value}
        rows[2] = replace(rows[2], **fields)
        report = verify_chain(rows)
        assert report.first_break is not None, field
        assert (report.first_break.row_id, report.first_break.kind) == (3, "changed")
        assert report.message.startswith("row #3 was changed after it was written")


def test_a_removed_row_names_the_gap() -> None:
    rows = _chain(5)
    del rows[2]
    report = verify_chain(rows)
    assert report.message == (
        "the chain breaks between #2 and #4: rows between them were removed, "
        "or #2 was rewritten with a new hash"
    )
    assert report.rows == 2


def test_removing_the_first_rows_shows_and_an_export_may_start_mid_chain() -> None:
    rows = _chain(5)[2:]
    assert verify_chain(rows).message == (
        "rows were removed before #3 (the first row does not start the chain)"
    )
    assert verify_chain(rows, starts_at_genesis=False).ok


def test_a_row_rewritten_with_a_fresh_hash_breaks_the_link_to_the_next() -> None:
    rows = _chain(4)
    forged = replace(rows[1], summary="forged")
    rows[1] = replace(
        forged,
        hash=chain_hash(
            forged.prev_hash,
            canonical_form(
                id=forged.id,
                at=forged.at,
                actor=forged.actor,
                action=forged.action,
                entity=forged.entity,
                entity_id=forged.entity_id,
                summary=forged.summary,
                changes=forged.changes,
            ),
        ),
    )
    report = verify_chain(rows)
    assert report.first_break is not None
    assert (report.first_break.row_id, report.first_break.after_id) == (3, 2)


def test_a_prev_hash_that_is_not_hex_is_a_changed_row() -> None:
    rows = _chain(2)
    rows[1] = replace(rows[1], prev_hash="ü" * 64)
    assert verify_chain(rows).message.startswith("row #2 was changed")
