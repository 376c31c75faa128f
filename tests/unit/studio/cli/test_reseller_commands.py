"""``machpanel-studio reseller …`` and ``settings resellers …`` as a script drives them."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from studio.domain.reseller_formats import to_json
from tests.support.cli import run
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
