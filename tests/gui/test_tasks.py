"""The task runner's logging of unexpected errors."""

from __future__ import annotations

import logging

import pytest
from pytestqt.qtbot import QtBot

from studio.errors import DatabaseError
from ui.tasks import TaskRunner


def test_unexpected_errors_reach_the_log_even_when_a_page_handles_them(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    runner = TaskRunner()
    seen: list[BaseException] = []

    def boom() -> None:
        raise ValueError("a bug")

    with caplog.at_level(logging.ERROR, logger="ui.tasks"):
        runner.submit(boom, lambda _r: None, seen.append)
        runner.submit(
            lambda: (_ for _ in ()).throw(DatabaseError("locked")), lambda _r: None, seen.append
        )
        qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)
    assert [type(e).__name__ for e in seen] in (
        ["ValueError", "DatabaseError"],
        ["DatabaseError", "ValueError"],
    )
    logged = [r for r in caplog.records if r.name == "ui.tasks"]
    assert len(logged) == 1 and logged[0].exc_info is not None  # the bug, with its traceback
    runner.wait_for_done()
