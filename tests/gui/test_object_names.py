"""Every objectName that docs/ui-automation.md promises names exactly one widget.

Automation finds a widget by its name; a name two widgets share finds whichever Qt
meets first. The window is walked with every page built and the dialogs and wizards
the pages open (each a child of the window, so one walk sees them all). The few names
the contract gives every page (its title, say) are one per page.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from studio.domain.actors import Actor
from studio.services.resellers import create_reseller
from tests.support.gui import first_run, wait_idle
from tests.support.resellers import sample_reseller
from ui.main_window import MainWindow
from ui.navigation import PAGES
from ui.pages.base import Page
from ui.pages.remote_servers_page import RemoteServersPage
from ui.pages.reseller_customers_page import ResellerCustomersPage
from ui.pages.services_page import ServicesPage

DOC = Path(__file__).resolve().parents[2] / "docs" / "ui-automation.md"
#: Names each page carries once (``docs/ui-automation.md``, Main window).
PER_PAGE = {"pageTitle", "pageDescription", "pageLinks"}


def documented_names() -> set[str]:
    """The names in backquotes of the automation contract (placeholders left out)."""
    return {
        name
        for name in re.findall(r"`([A-Za-z][A-Za-z0-9_-]*)`", DOC.read_text(encoding="utf-8"))
        if not name.endswith("-")
    }


def shared_names(root: QWidget, names: set[str]) -> dict[str, int]:
    """Those of ``names`` that more than one widget of ``root``'s tree carries."""
    counts = Counter(widget.objectName() for widget in [root, *root.findChildren(QWidget)])
    return {name: n for name, n in counts.items() if n > 1 and name in names}


def test_the_contract_names_widgets() -> None:
    assert {"mainWindow", "resellerOfferingsDialog", "resellerSettingsState"} <= (
        documented_names()
    )


def test_no_documented_name_names_two_widgets(qtbot: QtBot, window: MainWindow) -> None:
    first_run(qtbot, window)
    assert window.studio is not None
    create_reseller(
        window.studio,
        Actor.local_administrator(),
        sample_reseller(1, type="commission"),
        require_password=False,
    )
    for spec in PAGES:
        window.show_page(spec.key)
        wait_idle(qtbot, window)
    window.show_about()

    servers = window.page("remote-servers")
    assert isinstance(servers, RemoteServersPage)
    servers.open_add()
    services = window.page("services")
    assert isinstance(services, ServicesPage)
    services.open_dialog(False, None)

    customers = window.page("reseller-customers")
    assert isinstance(customers, ResellerCustomersPage)
    window.show_page("reseller-customers")
    wait_idle(qtbot, window)
    customers.table.selectRow(0)
    qtbot.mouseClick(customers.offerings_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert customers.offerings_dialog is not None
    customers.new_reseller()
    assert customers.wizard is not None
    wait_idle(qtbot, window)

    assert shared_names(window, documented_names() - PER_PAGE) == {}
    for page in window.findChildren(Page):
        assert shared_names(page, PER_PAGE) == {}, page.objectName()
