"""``machpanel-studio db check``: a report of stored text the text rule refuses."""

from __future__ import annotations

import io
import json

from studio.cli import main
from studio.context import open_studio
from tests.support.cli import run
from tests.support.older_rows import add_audit_row_with_a_surrogate


def _store_a_lone_surrogate() -> None:
    studio = open_studio(None)
    try:
        add_audit_row_with_a_surrogate(studio, "Regards \ud83d")
    finally:
        studio.close()


def test_db_check_reports_each_value_and_exits_1() -> None:
    assert run("db", "check") == (0, "every stored text meets the text rule\n")
    _store_a_lone_surrogate()
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # strict, as a real stdout
    assert main(["db", "check"], out=out) == 1
    out.flush()
    lines = out.buffer.getvalue().decode().splitlines()
    assert lines == [
        "audit_event 1 changes.signature[1]: must not contain a lone surrogate "
        "(U+D83D at character 9): the text was not decoded correctly",
        "1 stored values break the text rule",
    ]
    code, text = run("db", "check", "--json")
    assert code == 1
    assert [(p["table"], p["id"], p["column"]) for p in json.loads(text)] == [
        ("audit_event", "1", "changes.signature[1]")
    ]
