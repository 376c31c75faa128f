"""``machpanel-studio reseller …`` and ``settings resellers …`` as a script drives them."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from studio.domain.reseller_formats import to_json
from tests.support.cli import run
from tests.support.older_rows import add_audit_row_with_a_surrogate
from tests.support.resellers import PASSWORD, sample_reseller


def _json_file(tmp_path: Path, n: int = 1, **changes: object) -> Path:
    data = to_json(sample_reseller(n).without_password())
    data.update(changes)
    path = tmp_path / f"reseller{n}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def test_create_show_list_suspend_delete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, PASSWORD + "\n")
    code, out = run("reseller", "create", "--json-file", str(_json_file(tmp_path)))
    assert (code, out) == (0, "created reseller 1: Ada Lovelace1 (reseller1)\n")
    code, out = run("reseller", "show", "1", "--json")
    shown = json.loads(out)
    assert shown["phone"] == "+442079460958"
    assert shown["company"]["departments"]["Billing"]["signature"] == "Kind regards,\nBilling team"
    assert (shown["id"], shown["status"], shown["has_password"]) == (1, "active", True)
    assert run("reseller", "suspend", "1") == (0, "reseller 1 (reseller1) is suspended\n")
    code, out = run("reseller", "list", "--json", "--search", "ENGINES 1")
    assert [(r["username"], r["status"]) for r in json.loads(out)] == [("reseller1", "suspended")]
    code, out = run("reseller", "list", "--status", "active")
    assert out.endswith("0 resellers\n")
    code, out = run("reseller", "delete", "1")
    assert code == 0 and "its history stays in the audit log" in out
    code, out = run("audit", "list", "--entity", "reseller", "--json")
    assert [e["action"] for e in json.loads(out)][:3] == [
        "reseller.delete",
        "reseller.suspend",
        "reseller.create",
    ]


def test_show_json_feeds_create(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, PASSWORD + "\n")
    run("reseller", "create", "--json-file", str(_json_file(tmp_path)))
    _, out = run("reseller", "show", "1", "--json")
    again = json.loads(out)
    again.update(username="copy.of.ada", email="copy@example.com", password=PASSWORD)
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(again), encoding="utf-8")
    assert run("reseller", "create", "--json-file", str(path))[0] == 0
    copy = json.loads(run("reseller", "show", "2", "--json")[1])
    same = {"id", "username", "email", "password", "version", "created_at", "updated_at"}
    assert {k: v for k, v in copy.items() if k not in same} == {
        k: v for k, v in again.items() if k not in same
    }
    assert (copy["username"], copy["email"]) == ("copy.of.ada", "copy@example.com")


def test_invalid_input_exits_2_with_a_line_per_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    company = to_json(sample_reseller())["company"]
    company["name"] = ""
    path = _json_file(tmp_path, email="nope", company=company, password="password")
    code, _ = run("reseller", "create", "--json-file", str(path))
    lines = capsys.readouterr().err.splitlines()
    assert code == 2
    assert lines == [
        "email: An email address must have an @-sign.",
        "password: must be at least 12 characters",
        "company.name: is required",
    ]
    assert run("reseller", "list")[1] == "0 resellers\n"


def test_a_missing_password_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, "")
    code, _ = run("reseller", "create", "--json-file", str(_json_file(tmp_path)))
    assert code == 2
    assert capsys.readouterr().err == (
        "password: the reseller's password was expected on standard input\n"
    )


def test_import_export_and_a_rejected_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in (1, 2):
        _stdin(monkeypatch, PASSWORD + "\n")
        run("reseller", "create", "--json-file", str(_json_file(tmp_path, n)))
    target = tmp_path / "out.csv"
    assert run("reseller", "export", str(target)) == (0, f"exported 2 resellers to {target}\n")
    code, _ = run("reseller", "import", str(target))
    assert code == 2
    err = capsys.readouterr().err.splitlines()
    assert "line 2: username: is already used by another reseller" in err
    listed = json.loads(run("reseller", "list", "--json")[1])
    assert [r["username"] for r in listed] == ["reseller1", "reseller2"]  # nothing written
    monkeypatch.setenv("MACHPANEL_STUDIO_HOME", str(tmp_path / "other"))
    assert run("reseller", "import", str(target))[0] == 0
    listed = json.loads(run("reseller", "list", "--json")[1])
    assert [r["username"] for r in listed] == ["reseller1", "reseller2"]


def test_settings_show_and_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, PASSWORD + "\n")
    path = _json_file(tmp_path, type="commission")
    run("reseller", "create", "--json-file", str(path))
    code, out = run(
        "settings",
        "resellers",
        "set",
        "--disable",
        "commission",
        "--commission",
        "12.5",
        "--label",
        "subscription=Prepaid",
        "--currency",
        "eur",
        "--json",
    )
    assert code == 0
    first, _, rest = out.partition("\n")
    assert first == (
        "Commission Based: 1 reseller of this type keeps working; no new reseller can be given it"
    )
    data = json.loads(rest)
    assert data["commission"] == {
        "enabled": False,
        "label": "Commission Based",
        "commission": "12.50",
        "payout_cycle": "monthly",
        "currency": "EUR",
        "terms": "",
        "resellers": 1,
    }
    assert data["subscription"]["label"] == "Prepaid"
    code, _ = run("settings", "resellers", "set", "--commission", "101")
    assert code == 2
    assert capsys.readouterr().err == "commission.commission: must be between 0 and 100\n"


def _audit_count() -> int:
    return len(json.loads(run("audit", "list", "--json")[1]))


@pytest.mark.parametrize(
    ("where", "field"),
    [
        (
            ("company", "departments", "Billing", "signature"),
            "company.departments.Billing.signature",
        ),
        (("company", "departments", "Billing", "email"), "company.departments.Billing.email"),
        (("first_name",), "first_name"),
        (("company", "name"), "company.name"),
        (("city",), "city"),
        (("password",), "password"),
    ],
)
def test_a_lone_surrogate_is_a_field_error_and_writes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    where: tuple[str, ...],
    field: str,
) -> None:
    data: dict[str, Any] = to_json(sample_reseller())
    data["password"] = PASSWORD
    target = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = "Ada \ud83d"  # json.dumps writes it as the escape "\ud83d"
    path = tmp_path / "surrogate.json"
    path.write_text(json.dumps(data), encoding="ascii")
    before = _audit_count()
    code, _ = run("reseller", "create", "--json-file", str(path))
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    message = "must not contain a lone surrogate (U+D83D at character 5)"
    assert f"{field}: {message}: the text was not decoded correctly" in err
    assert run("reseller", "list")[1] == "0 resellers\n"
    assert _audit_count() == before


def test_a_bidi_override_in_a_name_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, PASSWORD + "\n")
    path = _json_file(tmp_path, first_name="\u202egnp.exe")
    assert run("reseller", "create", "--json-file", str(path))[0] == 2
    assert capsys.readouterr().err == (
        "first_name: must not contain bidirectional control characters (U+202E at character 1)\n"
    )


def test_a_surrogate_in_the_departments_cell_of_an_import_is_named_by_line_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, PASSWORD + "\n")
    run("reseller", "create", "--json-file", str(_json_file(tmp_path)))
    target = tmp_path / "out.csv"
    run("reseller", "export", str(target))
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0].update(username="other", email="other@example.com")
    rows[0]["company.departments"] = '{"Billing": {"signature": "Kind regards \\ud83d"}}'
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = _audit_count()
    assert run("reseller", "import", str(target))[0] == 2
    assert capsys.readouterr().err.startswith(
        "line 2: company.departments.Billing.signature: must not contain a lone surrogate"
    )
    assert run("reseller", "list")[1].endswith("1 resellers\n")
    assert _audit_count() == before


def test_an_import_naming_a_column_twice_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("type,username,email,username\r\n", encoding="utf-8")
    assert run("reseller", "import", str(path))[0] == 2
    assert capsys.readouterr().err == "file: names the column 'username' twice\n"


def test_a_json_file_with_a_bom_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, PASSWORD + "\n")
    path = _json_file(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run("reseller", "create", "--json-file", str(path))[0] == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 50_000 + "]" * 50_000, "is nested deeper than 64 levels"),
        ('{"first_name": ' + "7" * 5000 + "}", "has a number of 5,000 characters (at most 100)"),
        ('{"username": "a", "username": "b"}', "has the key 'username' twice in one object"),
    ],
)
def test_json_beyond_the_limits_is_a_field_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = tmp_path / "limits.json"
    path.write_text(text, encoding="utf-8")
    assert run("reseller", "create", "--json-file", str(path))[0] == 2
    assert capsys.readouterr().err == f"json-file: {path} {message}\n"


@pytest.mark.parametrize("value", ["9223372036854775808", "0", "-1", "1e3", "٣"])
def test_ids_outside_1_to_2_63_are_refused_by_argparse(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("reseller", "show", value)[0] == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.endswith(
        f"error: argument id: {value!r} must be a whole number from 1 to 9223372036854775807"
    )


def test_the_largest_id_is_looked_up_and_not_found(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("reseller", "show", "9223372036854775807")
    assert code == 2  # as for any id that does not exist (a wrong value); no OverflowError
    assert capsys.readouterr().err.startswith("error: reseller 9223372036854775807 does not exist")


def _store_a_surrogate_as_an_older_studio_did() -> None:
    """Write a lone surrogate where the old rule let one in: the departments (a JSON
    column, so SQLite holds the escape) and an audit record's changes."""
    from studio.context import open_studio
    from studio.db.models import Reseller

    studio = open_studio(None)
    try:
        with studio.unit_of_work() as session:
            reseller = session.get(Reseller, 1)
            assert reseller is not None
            departments = [dict(d) for d in reseller.departments]
            departments[0]["signature"] = "Kind regards \ud83d"
            reseller.departments = departments
        add_audit_row_with_a_surrogate(studio, "Kind regards \ud83d")
    finally:
        studio.close()


def _strict_stdout() -> io.TextIOWrapper:
    """Standard output as a terminal or a pipe has it: UTF-8, strict."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")


def test_a_stored_surrogate_never_crashes_a_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studio.cli import main

    _stdin(monkeypatch, PASSWORD + "\n")
    run("reseller", "create", "--json-file", str(_json_file(tmp_path)))
    _store_a_surrogate_as_an_older_studio_did()
    for argv in (["reseller", "show", "1"], ["audit", "list"]):
        out = _strict_stdout()
        assert main(argv, out=out) == 0
        out.flush()
        assert b"Kind regards \\ud83d" in out.buffer.getvalue()  # type: ignore[attr-defined]
    out = _strict_stdout()
    assert main(["reseller", "show", "1", "--json"], out=out) == 0
    out.flush()
    shown = json.loads(out.buffer.getvalue())  # type: ignore[attr-defined]
    assert shown["company"]["departments"]["Billing"]["signature"] == "Kind regards \ud83d"
    for argv in (
        ["reseller", "export", str(tmp_path / "resellers.csv")],
        ["audit", "export", "--csv", str(tmp_path / "audit.csv")],
    ):
        assert main(argv, out=_strict_stdout()) == 0
    assert "Kind regards \\ud83d" in (tmp_path / "resellers.csv").read_text(encoding="utf-8")
    assert "Kind regards \\ud83d" in (tmp_path / "audit.csv").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
