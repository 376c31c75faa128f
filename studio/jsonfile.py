"""JSON files read strictly: UTF-8 (with or without a byte-order mark), at most
:data:`MAX_BYTES`, parsed within the limits of :mod:`studio.domain.json_text`.

A byte-order mark is accepted as :func:`studio.csvfile.read_csv` accepts one: Windows
editors write it. Any other byte that is not UTF-8 is refused rather than guessed at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from studio.domain.json_text import parse_json
from studio.errors import FieldError

#: Largest JSON file read: a reseller with 20 departments and long signatures is ~200 KiB.
MAX_BYTES = 4 * 1024 * 1024


def read_json(path: Path, field: str) -> Any:
    """The value the JSON file at ``path`` holds.

    Raises:
        FieldError: naming ``field`` when the file is missing, unreadable, too large,
            not UTF-8, not JSON or beyond a limit.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise FieldError.single(field, f"{path} does not exist") from None
    except OSError as exc:
        raise FieldError.single(field, f"{path} cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise FieldError.single(field, f"{path} is larger than {MAX_BYTES // 1024 // 1024} MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FieldError.single(
            field, f"{path} is not UTF-8 text (byte {exc.start + 1} cannot be decoded)"
        ) from None
    return parse_json(text, field, str(path))
