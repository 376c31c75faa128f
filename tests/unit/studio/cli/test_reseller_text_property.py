"""A property of the text rule through the command line's JSON and CSV imports.

Whatever Unicode a text field is given (lone surrogates, controls, bidi overrides,
combining marks, emoji), ``reseller create --json-file`` and ``reseller import`` either
refuse it with a field-named error (exit 2) and change nothing, audit log included, or
store a value that ``reseller show`` reads back, ``reseller export`` writes and
``audit list`` shows, each through a strict UTF-8 output.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from studio.cli import main
from studio.domain.reseller_formats import CSV_COLUMNS, to_flat, to_json
from tests.support.resellers import PASSWORD, sample_reseller

#: Field → (where it is in ``show --json``, whether tab and newline are allowed).
FIELDS: dict[str, tuple[tuple[str, ...], bool]] = {
    "first_name": (("first_name",), False),
    "city": (("city",), False),
    "company.name": (("company", "name"), False),
    "company.tax_id": (("company", "tax_id"), False),
    "company.departments.Billing.signature": (
        ("company", "departments", "Billing", "signature"),
        True,
    ),
}
#: The code points the text rule is about: lone surrogates, controls, line breaks, bidi
#: controls and marks, a combining mark, a byte-order mark, an emoji.
SPECIAL = st.sampled_from(
    [
        "\ud83d",
        "\udcff",
        "\x00",
        "\x07",
        "\t",
        "\r",
        "\n",
        "\x85",
        "\u2028",
        "\u202e",
        "\u2066",
        "\u200f",
        "\u061c",
        "\u0301",
        "\ufeff",
        "😀",
    ]
)
#: Any code point at all, surrogates and controls included.
ANY_CHARACTER = st.characters(exclude_categories=())
#: Ordinary text with one special character in it (so that nothing else in the value is
#: refused first), or any code points at all.
ANY_TEXT = st.one_of(
    st.builds(
        lambda head, char, tail: head + char + tail,
        st.text(max_size=15),
        st.one_of(SPECIAL, ANY_CHARACTER),
        st.text(max_size=15),
    ),
    st.text(st.one_of(ANY_CHARACTER, SPECIAL), min_size=1, max_size=40),
)
_numbers = itertools.count(1)


def _cli(*argv: str) -> tuple[int, str, str]:
    """The command in this process, with a strict UTF-8 standard output like a pipe's."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(list(argv), out=out)
    out.flush()
    return code, out.buffer.getvalue().decode("utf-8"), err.getvalue()


def _counts() -> tuple[int, int]:
    resellers = json.loads(_cli("reseller", "list", "--json")[1])
    events = json.loads(_cli("audit", "list", "--json")[1])
    return len(resellers), len(events)


def _set(obj: dict[str, Any], path: tuple[str, ...], value: str) -> None:
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value


def _get(obj: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        obj = obj[key]
    return obj


def _json_file(folder: Path, n: int, path: tuple[str, ...], value: str) -> Path:
    data = to_json(sample_reseller(n))
    data["password"] = PASSWORD
    _set(data, path, value)
    target = folder / f"reseller{n}.json"
    target.write_text(json.dumps(data), encoding="ascii")  # surrogates as \\ud83d escapes
    return target


def _csv_file(folder: Path, n: int, field: str, value: str) -> Path:
    row = {**to_flat(sample_reseller(n).without_password()), "status": "active"}
    if field.startswith("company.departments."):
        departments = json.loads(row["company.departments"])
        departments["Billing"]["signature"] = value
        row["company.departments"] = json.dumps(departments)  # escapes, as a JSON cell may
    else:
        row[field] = value
    target = folder / f"reseller{n}.csv"
    # surrogatepass: a lone surrogate becomes the bytes a wrongly encoded file holds
    with target.open("w", encoding="utf-8", errors="surrogatepass", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c for c in CSV_COLUMNS if c not in ("id", "created_at")])
        writer.writerow([row[c] for c in CSV_COLUMNS if c not in ("id", "created_at")])
    return target


def _expected(value: str, multiline: bool) -> str:
    """What the text rule stores: trimmed, line breaks as LF where allowed, NFC."""
    text = value.strip()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


@pytest.fixture
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its smallest cost: the property is about text, and 64 MiB per create
    would make each example take a second."""
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr("studio.security.passwords.hasher", lambda: cheap)


@settings(
    max_examples=50,
    deadline=None,
    # One database for every example (a fresh one each would take a minute); each
    # example uses its own reseller number, and compares counts before and after.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    field=st.sampled_from(sorted(FIELDS)), value=ANY_TEXT, route=st.sampled_from(["json", "csv"])
)
def test_any_text_is_refused_by_field_or_stored_and_readable(
    tmp_path: Path, cheap_hashing: None, field: str, value: str, route: str
) -> None:
    path, multiline = FIELDS[field]
    n = next(_numbers)
    before = _counts()
    if route == "json":
        code, _, err = _cli(
            "reseller", "create", "--json-file", str(_json_file(tmp_path, n, path, value))
        )
    else:
        code, _, err = _cli("reseller", "import", str(_csv_file(tmp_path, n, field, value)))
    if code != 0:
        # One field error naming the field, or the file its bytes could not be decoded in.
        assert code == 2, err
        assert len(err.splitlines()) == 1, err
        assert err.startswith((f"{field}: ", f"line 2: {field}: ", "file: ")), err
        assert _counts() == before
        event(f"refused ({route})")
        return
    code, shown, err = _cli("reseller", "show", str(_newest()), "--json")
    assert code == 0, err
    assert _get(json.loads(shown), path) == _expected(value, multiline)
    assert _cli("reseller", "show", str(_newest()))[0] == 0
    assert _cli("reseller", "export", str(tmp_path / "all.csv"))[0] == 0
    assert _cli("audit", "list")[0] == 0
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
    event(f"stored ({route})")


def _newest() -> int:
    return int(json.loads(_cli("reseller", "list", "--json")[1])[-1]["id"])
