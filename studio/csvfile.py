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
        # A stored value the text rule would refuse (a lone surrogate written before the
        # rule) is escaped, not a crash half-way through the file.
        with os.fdopen(
            fd, "w", encoding="utf-8-sig", errors="backslashreplace", newline=""
        ) as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([spreadsheet_safe(cell) for cell in row])
                count += 1
        os.replace(tmp_name, path)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise _unwritable(path, exc) from None
    except BaseException:  # whatever failed, no partial file stays behind
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return count


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and each row as ``(line number, column → value)``.

    A row's line number is the line where its record *starts*: a quoted cell may hold
    line breaks, and the line to look at is the first. A byte-order mark (as
    spreadsheet programs write) is skipped; blank lines are skipped. The file is decoded
    strictly: a byte that is not UTF-8 is refused, not guessed at.

    Raises:
        FieldError: naming ``file`` when it cannot be read, is not UTF-8 CSV, names a
            column twice or has a row with more cells than the header.
    """
    try:
        with path.open(encoding="utf-8-sig", errors="strict", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            _refuse_repeated_columns(header)
            rows: list[tuple[int, dict[str, str]]] = []
            ended = reader.line_num  # the line the previous record ended on
            for cells in reader:
                line, ended = ended + 1, reader.line_num
                if not cells:  # a blank line
                    continue
                if len(cells) > len(header):
                    raise FieldError.single("file", f"line {line} has more cells than the header")
                padded = cells + [""] * (len(header) - len(cells))  # short rows: empty cells
                rows.append((line, {k: v for k, v in zip(header, padded, strict=True) if k}))
    except FileNotFoundError:
        raise FieldError.single("file", f"{path} does not exist") from None
    except UnicodeDecodeError:
        raise FieldError.single("file", f"{path} is not UTF-8 text") from None
    except csv.Error as exc:
        raise FieldError.single("file", f"{path} is not valid CSV ({exc})") from None
    except OSError as exc:
        raise FieldError.single("file", f"{path} cannot be read ({exc.strerror})") from None
    return header, rows


def _refuse_repeated_columns(header: list[str]) -> None:
    """A column named twice would keep one of its cells silently: refused, named."""
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise FieldError.single("file", f"names the column {name!r} twice")
        seen.add(name)
