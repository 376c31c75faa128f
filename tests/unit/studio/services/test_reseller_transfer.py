"""CSV import (all or nothing, a report by line and field) and export, which round-trip."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.context import Studio
from studio.domain.actors import Actor
from studio.domain.reseller_formats import CSV_COLUMNS, from_json, to_json
from studio.errors import FieldError
from studio.services.reseller_list import list_resellers
from studio.services.reseller_transfer import ImportRejected, export_resellers, import_resellers
from studio.services.resellers import create_reseller, get_reseller
from tests.support.resellers import sample_reseller


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_then_import_round_trips(
    studio: Studio, admin: Actor, tmp_path: Path, another_studio: Callable[[], Studio]
) -> None:
    for n in range(1, 4):
        create_reseller(studio, admin, sample_reseller(n, first_name="Zoë", last_name="王"))
    target = tmp_path / "resellers.csv"
    assert export_resellers(studio, admin, target) == 3
    assert list(_rows(target)[0]) == list(CSV_COLUMNS)
    originals = {
        r.username: get_reseller(studio, admin, r.id) for r in list_resellers(studio, admin)
    }

    other = another_studio()
    assert import_resellers(other, admin, target) == 3
    for row in list_resellers(other, admin):
        imported = get_reseller(other, admin, row.id)
        original = originals[row.username]
        assert imported.data == original.data.without_password()
        assert not imported.has_password


def test_one_bad_row_rejects_the_whole_file(studio: Studio, admin: Actor, tmp_path: Path) -> None:
    create_reseller(studio, admin, sample_reseller(1))
    source = tmp_path / "source.csv"
    export_resellers(studio, admin, source)
    rows = _rows(source)
    good = dict(rows[0], username="fresh.one", email="fresh@example.com")
    taken = dict(rows[0])  # username and e-mail used by reseller1
    twice = dict(rows[0], username="fresh.two", email="FRESH@example.com", phone="12")
    path = tmp_path / "import.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows([good, taken, twice])
    with pytest.raises(ImportRejected) as caught:
        import_resellers(studio, admin, path)
    assert caught.value.problems == [
        (3, "username", "is already used by another reseller"),
        (3, "email", "is already used by another reseller"),
        (4, "phone", "is not a valid phone number for its country"),
        (4, "email", "is also on line 2 of this file"),
    ]
    assert "line 4: phone: is not a valid phone number for its country" in list(
        caught.value.lines()
    )
    assert len(list_resellers(studio, admin)) == 1


def test_a_file_without_the_needed_columns_is_refused(
    studio: Studio, admin: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("first_name,last_name\nx,y\n", encoding="utf-8")
    with pytest.raises(FieldError) as caught:
        import_resellers(studio, admin, path)
    assert caught.value.errors == {
        "file": "has no column type, username, email (see docs/resellers.md)"
    }


def test_export_writes_only_the_rows_asked_for_in_their_order(
    studio: Studio, admin: Actor, tmp_path: Path
) -> None:
    ids = [create_reseller(studio, admin, sample_reseller(n)).id for n in range(1, 4)]
    target = tmp_path / "shown.csv"
    assert export_resellers(studio, admin, target, [ids[2], ids[0]]) == 2
    assert [r["username"] for r in _rows(target)] == ["reseller3", "reseller1"]


def test_json_round_trips_and_names_bad_shapes() -> None:
    data = sample_reseller().without_password()
    assert from_json(to_json(data)) == data
    with pytest.raises(FieldError) as caught:
        from_json({"type": 3, "emial": "x", "company": {"name": ["x"], "departments": {"B": 1}}})
    assert caught.value.errors == {
        "emial": "is not a known field",
        "type": "must be text, not int",
        "company.name": "must be text, not list",
        "company.departments.B": "must be an object with phone, email and signature",
    }


def test_unknown_columns_and_extra_cells_are_refused(
    studio: Studio, admin: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "typo.csv"
    path.write_text("type,username,email,mobile_phone\nsubscription,a.b,a@b.example,1\n")
    with pytest.raises(FieldError) as caught:
        import_resellers(studio, admin, path)
    assert caught.value.errors == {
        "file": "has unknown columns 'mobile_phone' (see docs/resellers.md)"
    }
    path.write_text("type,username,email\nsubscription,a.b,a@b.example,extra\n")
    with pytest.raises(FieldError) as caught:
        import_resellers(studio, admin, path)
    assert caught.value.errors == {"file": "line 2 has more cells than the header"}
