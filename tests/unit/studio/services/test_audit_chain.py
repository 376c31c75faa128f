"""The audit log's hash chain through the services: verify, exports that carry it,
the command line's ``audit verify``, and writers racing from two processes."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select, text

from studio.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main
from studio.context import Studio
from studio.db import audit
from studio.db.models import AuditEvent
from studio.domain.actors import Actor
from studio.domain.audit_chain import GENESIS
from studio.domain.website_rules import DEFAULT_WEBSITE
from studio.errors import FieldError
from studio.services.audit_log import (
    AuditFilter,
    export_audit_csv,
    list_audit_events,
    verify_audit_file,
    verify_audit_log,
)
from studio.services.reseller_transfer import export_resellers, import_resellers
from studio.services.resellers import create_reseller
from studio.services.website import save_website_settings
from tests.support.resellers import sample_reseller

REPO = Path(__file__).resolve().parents[4]


def _changes(studio: Studio, admin: Actor, count: int) -> None:
    base = DEFAULT_WEBSITE.as_input()
    for number in range(count):
        save_website_settings(studio, admin, replace(base, port=str(8000 + number)))


def _raw(studio: Studio, sql: str) -> None:
    with studio.engine.begin() as connection:
        connection.execute(text(sql))


def test_every_row_links_to_the_one_before(studio: Studio, admin: Actor) -> None:
    _changes(studio, admin, 4)
    with studio.unit_of_work() as session:
        rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert rows[0].prev_hash == GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    assert all(len(r.hash) == 64 for r in rows)
    assert verify_audit_log(studio, admin).message == "ok: 4 rows"


def test_several_records_in_one_transaction_chain_in_order(studio: Studio, admin: Actor) -> None:
    with studio.unit_of_work() as session:
        for number in range(3):
            audit.record(
                session,
                admin,
                action="test.step",
                entity="test",
                entity_id=number,
                changes={"n": (number, number + 1)},  # type: ignore[dict-item]  # a tuple, read back a list
            )
    assert verify_audit_log(studio, admin).ok
    assert list_audit_events(studio, admin, AuditFilter())[0].changes == {"n": [2, 3]}


def test_details_changed_with_raw_sql_name_the_row(studio: Studio, admin: Actor) -> None:
    _changes(studio, admin, 5)
    _raw(studio, """UPDATE audit_event SET changes = '{"port": [1, 2]}' WHERE id = 3""")
    report = verify_audit_log(studio, admin)
    assert not report.ok and report.first_break is not None
    assert (report.first_break.row_id, report.first_break.kind) == (3, "changed")


def test_a_deleted_row_names_the_gap(studio: Studio, admin: Actor) -> None:
    _changes(studio, admin, 5)
    _raw(studio, "DELETE FROM audit_event WHERE id = 3")
    report = verify_audit_log(studio, admin)
    assert report.message.startswith("the chain breaks between #2 and #4")


def test_the_cli_says_ok_or_names_the_row(
    studio: Studio, admin: Actor, capsys: pytest.CaptureFixture[str]
) -> None:
    _changes(studio, admin, 3)
    out = io.StringIO()
    assert main(["audit", "verify"], out=out) == EXIT_OK
    assert out.getvalue() == "ok: 3 rows\n"
    _raw(studio, "UPDATE audit_event SET actor = 'nobody' WHERE id = 2")
    out = io.StringIO()
    assert main(["audit", "verify"], out=out) == EXIT_FAILURE
    assert out.getvalue().startswith("audit: row #2 was changed after it was written")
    assert out.getvalue().count("\n") == 1
    assert capsys.readouterr().err == ""


def test_an_export_carries_the_chain_and_verifies_elsewhere(
    studio: Studio, admin: Actor, tmp_path: Path
) -> None:
    _changes(studio, admin, 4)
    target = tmp_path / "audit.csv"
    assert export_audit_csv(studio, admin, AuditFilter(), target) == 4
    lines = list(csv.DictReader(target.open(encoding="utf-8-sig")))
    assert list(lines[0])[-2:] == ["prev_hash", "hash"]
    studio.close()  # the file alone is enough
    assert verify_audit_file(target).message == "ok: 4 rows"

    lines[1]["summary"] = "edited in a spreadsheet"
    edited = tmp_path / "edited.csv"
    with edited.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(lines[0]))
        writer.writeheader()
        writer.writerows(lines)
    out = io.StringIO()
    assert main(["audit", "verify", "--file", str(edited)], out=out) == EXIT_FAILURE
    assert out.getvalue().startswith(f"audit: row #{lines[1]['id']} was changed")


def test_an_export_with_formula_like_cells_verifies_as_written(
    studio: Studio, admin: Actor, tmp_path: Path
) -> None:
    """The export quotes cells a spreadsheet would run (``'=…``); the chain covers the
    values, so the file still verifies."""
    with studio.unit_of_work() as session:
        for summary in ("=HYPERLINK(1)", "-12 mailboxes", "@SUM(1)", "'=quoted already"):
            audit.record(session, admin, action="test.note", entity="test", summary=summary)
    target = tmp_path / "audit.csv"
    assert export_audit_csv(studio, admin, AuditFilter(), target) == 4
    written = target.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(1)" in written and "'@SUM(1)" in written
    assert verify_audit_file(target).message == "ok: 4 rows"


def test_an_export_from_a_date_on_starts_mid_chain(
    studio: Studio, admin: Actor, tmp_path: Path
) -> None:
    _changes(studio, admin, 3)
    target = tmp_path / "audit.csv"
    export_audit_csv(studio, admin, AuditFilter(), target)
    rows = list(csv.reader(target.open(encoding="utf-8")))
    shorter = tmp_path / "newest.csv"
    with shorter.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows[:3])  # the header and the two newest rows
    assert verify_audit_file(shorter).message == "ok: 2 rows"


def test_a_file_that_is_not_an_export_names_the_file(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(FieldError) as caught:
        verify_audit_file(other)
    assert list(caught.value.errors) == ["file"]
    assert main(["audit", "verify", "--file", str(other)], out=io.StringIO()) == EXIT_USAGE


def test_the_export_itself_is_audited(studio: Studio, admin: Actor, tmp_path: Path) -> None:
    _changes(studio, admin, 1)
    export_audit_csv(studio, admin, AuditFilter(), tmp_path / "a.csv")
    newest = list_audit_events(studio, admin, AuditFilter())[0]
    assert (newest.actor, newest.action, newest.summary) == (
        admin.name,
        "audit.export",
        "1 audit events to a.csv",
    )
    count = len(list_audit_events(studio, admin, AuditFilter()))
    with pytest.raises(FieldError):
        export_audit_csv(studio, admin, AuditFilter(), tmp_path / "missing" / "a.csv")
    assert len(list_audit_events(studio, admin, AuditFilter())) == count


_WRITER = """
import sys
from studio.context import open_studio
from studio.db import audit
from studio.domain.actors import Actor

studio = open_studio(sys.argv[1])
actor = Actor.local_administrator()
sys.stdout.write("ready\\n")
sys.stdout.flush()
sys.stdin.readline()  # both writers start together
for number in range(int(sys.argv[2])):
    with studio.unit_of_work() as session:
        audit.record(session, actor, action="race." + sys.argv[3], entity="race",
                     entity_id=number)
studio.close()
"""


def test_two_processes_writing_at_once_keep_the_chain_one_line(
    studio: Studio, admin: Actor, data_dir: Path
) -> None:
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(data_dir), "40", name],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.close()
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    assert verify_audit_log(studio, admin).message == "ok: 80 rows"


def test_an_import_s_records_are_links_of_the_chain(
    studio: Studio, admin: Actor, tmp_path: Path, another_studio: Callable[[], Studio]
) -> None:
    for n in (1, 2, 3):
        create_reseller(studio, admin, sample_reseller(n))
    export_resellers(studio, admin, tmp_path / "resellers.csv")
    other = another_studio()
    _changes(other, admin, 1)
    assert import_resellers(other, admin, tmp_path / "resellers.csv") == 3
    _changes(other, admin, 2)  # port 8000 again (no change), then 8001
    assert len(list_audit_events(other, admin, AuditFilter())) == 6
    assert verify_audit_log(other, admin).message == "ok: 6 rows"


def test_a_transaction_that_rolls_back_leaves_no_record_and_no_gap_in_the_chain(
    studio: Studio, admin: Actor
) -> None:
    _changes(studio, admin, 1)
    with pytest.raises(RuntimeError), studio.unit_of_work() as session:
        audit.record(session, admin, action="test.note", entity="test", summary="lost")
        raise RuntimeError("refused half-way")
    _changes(studio, admin, 2)  # port 8000 again (no change), then 8001
    assert verify_audit_log(studio, admin).message == "ok: 2 rows"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ("[" * 60_000, "is nested deeper than"),
        ("5", "changes is not a JSON object"),
        ('{"a": 1, "a": 2}', "has the key 'a' twice"),
        ("{not json", "is not JSON"),
    ],
)
def test_a_hostile_export_is_refused_by_line_never_a_traceback(
    tmp_path: Path, changes: str, message: str
) -> None:
    header = "id,at,actor,action,entity,entity_id,summary,changes,prev_hash,hash"
    row = f'1,2026-11-01T10:00:00+00:00,a,b,c,d,e,"{changes.replace(chr(34), 2 * chr(34))}",,'
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(FieldError) as refused:
        verify_audit_file(hostile)
    [(field, text)] = refused.value.errors.items()
    assert field == "file" and text.startswith("line 2: ") and message in text
