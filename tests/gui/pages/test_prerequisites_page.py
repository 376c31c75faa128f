"""Configure > Prerequisites Check, with real stub processes."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import (
    QLabel,
    QTreeWidget,
)
from pytestqt.qtbot import QtBot

from tests.gui.pages.test_remote_servers_page import _find
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow


def test_prerequisites_page_ticks_every_check(qtbot: QtBot, provisioned_window: MainWindow) -> None:
    window = provisioned_window
    window.show_page("prerequisites")
    page = window.page("prerequisites")
    tree = _find(page, QTreeWidget, "prerequisitesTree")
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 3, timeout=10_000)
    assert [tree.topLevelItem(i).text(0) for i in range(3)] == [
        "Control Server CP01",
        "\u2714 EXCH01",
        "\u2714 WEB01",
    ]
    assert _find(page, QLabel, "prerequisitesSummary").text().startswith("All prerequisites pass")
