"""Reseller Customers at scale: 100,000 resellers in the list, search, sort, create, import.

    uv run python benchmarks/resellers.py [--resellers 100000] [--json]

On a fresh database filled with ``--resellers`` demo resellers (bulk-inserted; the fill
is not measured), with the real Reseller Customers page, offscreen:

- ``open_list_ms``: from handing the page the open database to the table painted with
  every row loaded (the load runs off the GUI thread, as in the studio).
- ``search_keystroke_ms``: median over typing ``cloudworks1`` letter by letter into the
  search box, each from the keystroke to the repainted table.
- ``sort_ms``: median of sorting by Name, Company, E-mail and Created, each repainted.
- ``list_rss_delta_mib``: resident memory the loaded list added to the process.
- ``create_ms``: median of 50 ``create_reseller`` calls on the full database, without a
  password (argon2 hashing is excluded: it is tuned to be slow on purpose).
- ``import_10k_s``: ``import_resellers`` of a 10,000-row CSV into the full database
  (every row validated, duplicates checked, one transaction with audit records).

Baselines in the same run: ``python_filter_ms`` (median of a list comprehension
filtering the same 100,000 search strings), ``sqlite_insert_10k_s`` (raw ``sqlite3``
``executemany`` of the same 10,000 rows into the same table layout). Ratios:
``search_ratio`` = search_keystroke_ms / python_filter_ms, ``import_ratio`` =
import_10k_s / sqlite_insert_10k_s.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.startup import _rss_mib  # noqa: E402

IMPORT_ROWS = 10_000
SEARCH = "cloudworks1"


def _fill(studio: Any, count: int) -> None:
    """Bulk-insert ``count`` demo resellers (valid by construction) with one audit row."""
    from sqlalchemy import insert

    from studio.db.models import Reseller
    from studio.db.records import reseller_columns
    from studio.demo.sample_resellers import demo_reseller

    chunk = 5000
    for start in range(1, count + 1, chunk):
        values = [
            {**reseller_columns(demo_reseller(n)), "status": "active", "updated_by": "benchmark"}
            for n in range(start, min(start + chunk, count + 1))
        ]
        with studio.unit_of_work() as session:
            session.execute(insert(Reseller), values)


def _wait(app: Any, until: Any, timeout: float = 120.0) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.perf_counter() + timeout
    while not until():
        if time.perf_counter() > deadline:
            raise TimeoutError("the page did not finish loading")
        loop = QEventLoop()
        QTimer.singleShot(1, loop.quit)
        loop.exec()


def gui_figures(studio: Any, count: int) -> dict[str, float]:
    """Open the real page on the full database; type, sort and measure."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from studio.domain.actors import Actor
    from ui.navigation import PAGE_BY_KEY
    from ui.pages.reseller_customers_page import ResellerCustomersPage
    from ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    runner = TaskRunner()
    page = ResellerCustomersPage(
        PAGE_BY_KEY["reseller-customers"], runner, Actor.local_administrator()
    )
    page.resize(1100, 650)
    page.show()
    _wait(app, lambda: True)
    rss_before = _rss_mib()
    started = time.perf_counter()
    page.set_studio(studio)
    _wait(app, lambda: page.model.total == count and runner.pending == 0)
    page.table.viewport().repaint()
    open_ms = (time.perf_counter() - started) * 1000
    rss_delta = _rss_mib() - rss_before

    keystrokes = []
    for letter in SEARCH:
        started = time.perf_counter()
        page.search.insert(letter)
        page.table.viewport().repaint()
        keystrokes.append((time.perf_counter() - started) * 1000)
    shown = page.model.shown
    page.search.clear()

    sorts = []
    for column in (1, 2, 3, 7):
        started = time.perf_counter()
        page.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        page.table.viewport().repaint()
        sorts.append((time.perf_counter() - started) * 1000)

    from studio.services.reseller_list import search_text

    haystack = [search_text(row) for row in page.model.rows]
    baseline = []
    for n in range(1, len(SEARCH) + 1):
        needle = SEARCH[:n]
        started = time.perf_counter()
        matches = [i for i, text in enumerate(haystack) if needle in text]
        baseline.append((time.perf_counter() - started) * 1000)
    # The baseline found what the table shows: the two did the same work.
    assert len(matches) == shown, (len(matches), shown)
    page.close()
    return {
        "open_list_ms": round(open_ms, 1),
        "search_keystroke_ms": round(statistics.median(keystrokes), 2),
        "search_max_ms": round(max(keystrokes), 2),
        "search_matches": shown,
        "sort_ms": round(statistics.median(sorts), 1),
        "list_rss_delta_mib": round(rss_delta, 1),
        "python_filter_ms": round(statistics.median(baseline), 2),
    }


def create_ms(studio: Any, start: int) -> float:
    """Median of 50 creates through the service (no password: hashing excluded)."""
    from studio.demo.sample_resellers import demo_reseller
    from studio.domain.actors import Actor
    from studio.services.resellers import create_reseller

    actor = Actor.local_administrator()
    times = []
    for n in range(start, start + 50):
        data = demo_reseller(n)
        began = time.perf_counter()
        create_reseller(studio, actor, data, require_password=False)
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 2)


def _import_file(folder: Path, start: int) -> tuple[Path, list[dict[str, Any]]]:
    from studio.csvfile import write_csv_atomically
    from studio.db.records import reseller_columns
    from studio.demo.sample_resellers import demo_reseller
    from studio.domain.reseller_formats import CSV_COLUMNS, to_flat

    path = folder / "import.csv"
    rows = []
    columns = []
    for n in range(start, start + IMPORT_ROWS):
        data = demo_reseller(n)
        flat = {**to_flat(data), "id": "", "status": "active", "created_at": ""}
        rows.append([flat[c] for c in CSV_COLUMNS])
        columns.append(reseller_columns(data))
    write_csv_atomically(path, CSV_COLUMNS, rows)
    return path, columns


def import_s(studio: Any, path: Path) -> float:
    """One import of the whole file into the full database."""
    from studio.domain.actors import Actor
    from studio.services.reseller_transfer import import_resellers

    began = time.perf_counter()
    imported = import_resellers(studio, Actor.local_administrator(), path)
    elapsed = time.perf_counter() - began
    assert imported == IMPORT_ROWS, imported
    return round(elapsed, 2)


def sqlite_insert_s(folder: Path, columns: list[dict[str, Any]]) -> float:
    """Baseline: raw sqlite3 executemany of the same rows into the same table layout."""
    from studio.context import open_studio

    bare = open_studio(folder / "bare")  # same schema, made by the same migrations
    database = bare.data_dir / "studio.db"
    bare.close()
    names = [*columns[0], "status", "version", "created_at", "updated_at", "updated_by"]
    sql = f"INSERT INTO reseller ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    now = "2026-11-25 00:00:00.000000"
    rows = [
        (
            *(json.dumps(value) if isinstance(value, list) else value for value in row.values()),
            "active",
            1,
            now,
            now,
            "benchmark",
        )
        for row in columns
    ]
    connection = sqlite3.connect(database)
    try:
        began = time.perf_counter()
        with connection:
            connection.executemany(sql, rows)
        return round(time.perf_counter() - began, 3)
    finally:
        connection.close()


def measure(count: int) -> dict[str, Any]:
    """Every figure, on one temporary data folder."""
    from studio.context import open_studio

    with tempfile.TemporaryDirectory(prefix="mp-bench-resellers-") as name:
        folder = Path(name)
        studio = open_studio(folder / "home")
        try:
            began = time.perf_counter()
            _fill(studio, count)
            fill_s = time.perf_counter() - began
            result: dict[str, Any] = {"resellers": count, "fill_s": round(fill_s, 1)}
            result.update(gui_figures(studio, count))
            result["create_ms"] = create_ms(studio, count + 1)
            path, columns = _import_file(folder, count + 1000)
            result["import_10k_s"] = import_s(studio, path)
        finally:
            studio.close()
        result["sqlite_insert_10k_s"] = sqlite_insert_s(folder, columns)
    result["search_ratio"] = round(result["search_keystroke_ms"] / result["python_filter_ms"], 2)
    result["import_ratio"] = round(result["import_10k_s"] / result["sqlite_insert_10k_s"], 1)
    return result


def main() -> int:
    """Parse arguments, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resellers", type=int, default=100_000, help="default 100000")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.resellers < 1:
        parser.error("argument --resellers: must be at least 1")
    result = measure(args.resellers)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{result['resellers']:,} resellers (filled in {result['fill_s']} s, not measured)")
    print(f"open list          {result['open_list_ms']:8.1f} ms  (rows loaded and painted)")
    print(
        f"search keystroke   {result['search_keystroke_ms']:8.2f} ms  median "
        f"(max {result['search_max_ms']} ms; python filter {result['python_filter_ms']} ms, "
        f"ratio {result['search_ratio']})"
    )
    print(f"sort               {result['sort_ms']:8.1f} ms  median of 4 columns")
    print(f"list memory        {result['list_rss_delta_mib']:8.1f} MiB")
    print(f"create             {result['create_ms']:8.2f} ms  median of 50, no hashing")
    print(
        f"import 10k         {result['import_10k_s']:8.2f} s   "
        f"(raw sqlite3 {result['sqlite_insert_10k_s']} s, ratio {result['import_ratio']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
