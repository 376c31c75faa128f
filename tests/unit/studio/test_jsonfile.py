"""JSON files (``studio.jsonfile``): strict UTF-8, a byte-order mark accepted, a size cap."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.errors import FieldError
from studio.jsonfile import MAX_BYTES, read_json


def _refusal(path: Path) -> str:
    with pytest.raises(FieldError) as caught:
        read_json(path, "json-file")
    return caught.value.errors["json-file"]


def test_a_byte_order_mark_is_accepted_as_on_csv(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(b"\xef\xbb\xbf" + '{"first_name": "Zoë"}'.encode())
    assert read_json(path, "json-file") == {"first_name": "Zoë"}


def test_bytes_that_are_not_utf8_are_refused_with_their_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"first_name": "Zoë"}'.encode("latin-1"))
    assert _refusal(path) == f"{path} is not UTF-8 text (byte 19 cannot be decoded)"


def test_a_missing_a_huge_and_a_deep_file(tmp_path: Path) -> None:
    assert _refusal(tmp_path / "none.json") == f"{tmp_path / 'none.json'} does not exist"
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (MAX_BYTES + 1))
    assert _refusal(huge) == f"{huge} is larger than 4 MiB"
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50_000, encoding="utf-8")
    assert _refusal(deep) == f"{deep} is nested deeper than 64 levels"
