"""The shared failure wording of forms, and the task runner's logging of unexpected errors."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from studio.errors import DatabaseError, FieldError
from ui.tasks import TaskRunner
from ui.widgets.forms import FormFields


def test_failure_text_shows_fields_and_says_why(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    fields = FormFields(QFormLayout(holder), "demo")
    fields.add("port", "Port", QLineEdit())
    text = fields.failure_text(
        FieldError.single("port", "must be between 1 and 65535"), "Not saved: "
    )
    assert text == "Not saved: correct the fields marked above."
    assert fields.error_text("port") == "must be between 1 and 65535"
    assert fields.failure_text(FieldError.single("port", "x")) == "Correct the fields marked above."
    assert fields.failure_text(DatabaseError("disk full"), "Not saved: ") == "Not saved: disk full"
    assert fields.failure_text(ValueError("boom")).startswith(
        "Unexpected error: ValueError('boom')"
    )


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
