"""CSV files read (``studio.csvfile.read_csv``): lines where records start, one name per
column, a byte-order mark skipped, strict UTF-8."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.csvfile import read_csv
from studio.errors import FieldError


def _write(tmp_path: Path, data: str | bytes) -> Path:
    path = tmp_path / "in.csv"
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def _refusal(path: Path) -> str:
    with pytest.raises(FieldError) as caught:
        read_csv(path)
    return caught.value.errors["file"]


def test_a_record_is_numbered_by_the_line_it_starts_on(tmp_path: Path) -> None:
    text = 'username,signature\r\na,"one\r\ntwo\r\nthree"\r\n\r\nb,plain\r\nc,"x\ny"\n'
    header, rows = read_csv(_write(tmp_path, text))
    assert header == ["username", "signature"]
    assert rows == [
        (2, {"username": "a", "signature": "one\r\ntwo\r\nthree"}),
        (6, {"username": "b", "signature": "plain"}),
        (7, {"username": "c", "signature": "x\ny"}),
    ]


def test_a_column_named_twice_is_refused_naming_it(tmp_path: Path) -> None:
    path = _write(tmp_path, "username,email,username\r\na,a@example.com,b\r\n")
    assert _refusal(path) == "names the column 'username' twice"


def test_more_cells_than_the_header_names_the_line_the_record_starts_on(tmp_path: Path) -> None:
    path = _write(tmp_path, 'username,signature\r\na,"1\r\n2",extra\r\n')
    assert _refusal(path) == "line 2 has more cells than the header"


def test_short_rows_read_as_empty_cells(tmp_path: Path) -> None:
    _, rows = read_csv(_write(tmp_path, "username,email,city\r\na\r\n"))
    assert rows == [(2, {"username": "a", "email": "", "city": ""})]


def test_a_byte_order_mark_is_skipped_and_other_bytes_must_be_utf8(tmp_path: Path) -> None:
    header, _ = read_csv(_write(tmp_path, b"\xef\xbb\xbfusername\r\na\r\n"))
    assert header == ["username"]
    path = _write(tmp_path, "username\r\nZoë\r\n".encode("latin-1"))
    assert _refusal(path) == f"{path} is not UTF-8 text"
