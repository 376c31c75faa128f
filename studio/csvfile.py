"""CSV files written whole or not at all, and read with their line numbers.

Exports go to a temporary file in the target folder and replace the target in one
rename, so a crash or a full disk never leaves half a file under the chosen name.
Failures are a :class:`~studio.errors.FieldError` naming ``file``.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from studio.csv_cells import spreadsheet_safe
from studio.errors import FieldError


def _unwritable(path: Path, exc: OSError) -> FieldError:
    return FieldError.single("file", f"{path} cannot be written ({exc.strerror or exc})")


def write_csv_atomically(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Write ``header`` and ``rows`` to ``path``; returns the number of rows.

    The file is for people as much as for programs, so it opens safely in a spreadsheet:
    UTF-8 with a byte-order mark (without one, Excel on Windows reads it in the local code
    page and shows "ZoÃ«" for "Zoë"), and every cell through
    :func:`studio.csv_cells.spreadsheet_safe` (text that would run as a formula is quoted).
    """
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.stem}-", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(path, exc) from None
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([spreadsheet_safe(cell) for cell in row])
                count += 1
        os.replace(tmp_name, path)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise _unwritable(path, exc) from None
    return count


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and each row as ``(line number, column → value)``.

    A byte-order mark (as spreadsheet programs write) is skipped.

    Raises:
        FieldError: naming ``file`` when it cannot be read or is not UTF-8 CSV.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            rows = []
            for row in reader:
                if None in row:  # more cells than the header has columns
                    raise FieldError.single(
                        "file", f"line {reader.line_num} has more cells than the header"
                    )
                rows.append((reader.line_num, {k: v or "" for k, v in row.items() if k}))
    except FileNotFoundError:
        raise FieldError.single("file", f"{path} does not exist") from None
    except UnicodeDecodeError:
        raise FieldError.single("file", f"{path} is not UTF-8 text") from None
    except csv.Error as exc:
        raise FieldError.single("file", f"{path} is not valid CSV ({exc})") from None
    except OSError as exc:
        raise FieldError.single("file", f"{path} cannot be read ({exc.strerror})") from None
    return header, rows
