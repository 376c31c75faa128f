"""The reseller panel, driven as a reseller would: sign in, accept the terms, make a
plan, add a customer, sell (and be refused past the quota), read the bars; a Commission
Based reseller's statement; a provider opening a panel "as" a reseller."""

from __future__ import annotations

from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from studio.domain.actors import Actor
from studio.domain.user_rules import NewUserInput
from studio.services.users import create_first_admin
from tests.support.gui import wait_idle
from tests.support.memory_keyring import MemoryKeyring
from tests.support.panel import active_subscription, customer, make_reseller
from tests.support.resellers import PASSWORD
from ui.main_window import MainWindow
from ui.reseller_panel.customers_page import CustomersPage
from ui.reseller_panel.plans_page import PlansPage
from ui.reseller_panel.usage_page import UsagePage
from ui.reseller_panel.window import ResellerPanelWindow


def _w(parent: QWidget, cls: type, name: str) -> Any:
    widget = parent.findChild(cls, name)
    assert widget is not None, name
    return widget


def _track(request: pytest.FixtureRequest, panel: ResellerPanelWindow) -> None:
    """Close the panel after the test if it is still there (it deletes itself on close,
    so qtbot.addWidget would find it gone)."""
    request.addfinalizer(lambda: panel.close() if shiboken6.isValid(panel) else None)


def _idle(qtbot: QtBot, panel: ResellerPanelWindow) -> None:
    qtbot.waitUntil(lambda: panel.runner.pending == 0, timeout=10_000)


def _reseller_signs_in(
    qtbot: QtBot, window: MainWindow, request: pytest.FixtureRequest
) -> ResellerPanelWindow:
    window.show_page("home")
    wait_idle(qtbot, window)
    qtbot.keyClicks(_w(window, QLineEdit, "signInUsername"), "reseller1")
    qtbot.keyClicks(_w(window, QLineEdit, "signInPassword"), PASSWORD)
    qtbot.mouseClick(_w(window, QPushButton, "signInButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.reseller_panel is not None, timeout=10_000)
    panel = window.reseller_panel
    assert panel is not None
    _track(request, panel)
    _idle(qtbot, panel)
    return panel


def _setup(window: MainWindow) -> int:
    studio = window.studio
    assert studio is not None
    admin = Actor.local_administrator()
    create_first_admin(
        studio, NewUserInput("ops.admin", "Olga Admin", "olga@hosting.example", PASSWORD, PASSWORD)
    )
    made = make_reseller(studio, admin)
    return active_subscription(studio, made.id)  # 10 mailboxes of 2 GB


def test_a_reseller_works_in_its_own_panel(
    qtbot: QtBot, window: MainWindow, request: pytest.FixtureRequest
) -> None:
    sub_id = _setup(window)
    panel = _reseller_signs_in(qtbot, window, request)
    assert not window.isVisible()  # the reseller sees its panel only
    dialog = panel.agreement_dialog
    assert dialog is not None and dialog.isVisible()
    accept = _w(dialog, QPushButton, "agreementAcceptButton")
    assert not accept.isEnabled()
    _w(dialog, QCheckBox, "agreementAcceptBox").setChecked(True)
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.ready, timeout=10_000)
    _idle(qtbot, panel)
    home = _w(panel, QLabel, "panelHomeText").text()
    assert home.startswith("Welcome, Ada Lovelace1 (Engines 1 Ltd)")
    assert "Customer Products Plans: 0" in home

    # A plan: a quota past the subscription's is named beside its field.
    plans = panel.show_page("plans")
    assert isinstance(plans, PlansPage)
    qtbot.mouseClick(_w(plans, QPushButton, "planNewButton"), Qt.MouseButton.LeftButton)
    plan_dialog = plans.dialog
    assert plan_dialog is not None
    qtbot.keyClicks(_w(plan_dialog, QLineEdit, "planName"), "Team")
    qtbot.keyClicks(_w(plan_dialog, QLineEdit, "planQuotaMailboxes"), "12")
    qtbot.keyClicks(_w(plan_dialog, QLineEdit, "planQuotaMailboxSizeMb"), "1024")
    qtbot.keyClicks(_w(plan_dialog, QLineEdit, "planPrice"), "19.90")
    qtbot.mouseClick(_w(plan_dialog, QPushButton, "planSaveButton"), Qt.MouseButton.LeftButton)
    _idle(qtbot, panel)
    assert _w(plan_dialog, QLabel, "planQuotaMailboxesError").text() == (
        f"must be at most 10 (what subscription #{sub_id} holds)"
    )
    assert _w(plan_dialog, QLabel, "planDialogState").text() == (
        "Not saved: correct the fields marked above."
    )
    box = _w(plan_dialog, QLineEdit, "planQuotaMailboxes")
    box.clear()
    qtbot.keyClicks(box, "6")
    qtbot.mouseClick(_w(plan_dialog, QPushButton, "planSaveButton"), Qt.MouseButton.LeftButton)
    _idle(qtbot, panel)
    assert not plan_dialog.isVisible()
    assert plans.model.rows[0].name == "Team" and plans.state.text() == "1 plan(s)"

    # Two customers; the second sale would pass the quota: refused, beside the plan.
    customers = panel.show_page("customers")
    assert isinstance(customers, CustomersPage)
    for n in (1, 2):
        qtbot.mouseClick(_w(customers, QPushButton, "customerNewButton"), Qt.MouseButton.LeftButton)
        form = customers.dialog
        data = customer(n)
        for name, text in (
            ("customerFirstName", data.first_name),
            ("customerLastName", data.last_name),
            ("customerEmail", data.email),
            ("customerPhone", data.phone),
            ("customerAddressLine1", data.address.line1),
            ("customerCity", data.address.city),
        ):
            qtbot.keyClicks(_w(form, QLineEdit, name), text)
        if n == 1:  # no country yet: the phone cannot be read
            qtbot.mouseClick(_w(form, QPushButton, "customerSaveButton"), Qt.MouseButton.LeftButton)
            _idle(qtbot, panel)
            assert _w(form, QLabel, "customerCountryError").text() == "is required"
            assert form.isVisible()
        _w(form, QComboBox, "customerCountry").set_code("GB")
        qtbot.mouseClick(_w(form, QPushButton, "customerSaveButton"), Qt.MouseButton.LeftButton)
        _idle(qtbot, panel)
        assert not form.isVisible()
    assert [c.name for c in customers.model.rows] == ["Grace Hopper1", "Grace Hopper2"]

    for row, expected in ((0, None), (1, "refused")):
        customers.table.selectRow(row)
        _idle(qtbot, panel)
        qtbot.mouseClick(
            _w(customers, QPushButton, "customerSubscribeButton"), Qt.MouseButton.LeftButton
        )
        _idle(qtbot, panel)
        sale = customers.dialog
        qtbot.mouseClick(_w(sale, QPushButton, "saleSubscribeButton"), Qt.MouseButton.LeftButton)
        _idle(qtbot, panel)
        if expected is None:
            assert not sale.isVisible()
        else:
            assert _w(sale, QLabel, "salePlanError").text() == (
                f"Mailboxes: subscription #{sub_id} holds 10 mailboxes, 4 left; Team needs 6"
            )
            sale.reject()
    customers.table.selectRow(0)
    _idle(qtbot, panel)
    [sold] = customers.sales.rows
    assert (sold.sold_as, sold.status, sold.job_state) == ("plan Team", "pending", "pending")

    qtbot.mouseClick(_w(customers, QPushButton, "customerSuspendButton"), Qt.MouseButton.LeftButton)
    _idle(qtbot, panel)
    box = customers.confirmation
    assert box is not None and box.isVisible()
    assert box.informativeText() == (
        f"suspend subscription #{sold.id}: plan Team on EXCH01 (pending)"
    )
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    _idle(qtbot, panel)
    assert customers.model.rows[0].status == "suspended"
    assert customers.state.text() == "Grace Hopper1 is suspended"
    assert not _w(customers, QPushButton, "customerSubscribeButton").isEnabled()

    usage = panel.show_page("subscriptions")
    assert isinstance(usage, UsagePage)
    _idle(qtbot, panel)
    bar = _w(usage, QProgressBar, f"usageBar{sub_id}Mailboxes")
    assert (bar.value(), bar.maximum(), bar.format()) == (6, 10, "6 of 10 mailboxes")

    panel.close()
    qtbot.waitUntil(window.isVisible, timeout=5_000)
    assert window.reseller_panel is None and window.provider is None


def test_a_provider_opens_a_panel_as_the_reseller(
    qtbot: QtBot, window: MainWindow, request: pytest.FixtureRequest
) -> None:
    from studio.services.audit_log import AuditFilter, list_audit_events
    from tests.gui.pages.test_reseller_customers_page import _page, _reload, _seed
    from tests.support.gui import PASSWORD as ADMIN_PASSWORD

    page = _page(qtbot, window)
    [reseller_id] = _seed(window, 1)
    _reload(qtbot, window, page)
    page.table.selectRow(0)
    button = _w(page, QPushButton, "resellerOpenPanel")
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    panel = page.panel_window
    assert isinstance(panel, ResellerPanelWindow)
    _track(request, panel)
    qtbot.waitUntil(lambda: panel.ready, timeout=10_000)  # no agreement to accept
    _idle(qtbot, panel)
    assert panel.windowTitle() == "Reseller panel — reseller1 (opened by ops.admin)"
    assert (
        _w(panel, QLabel, "panelHomeText")
        .text()
        .startswith("Opened by ops.admin (recorded in the audit log).")
    )
    assert window.isVisible()  # the provider keeps its own window
    assert window.studio is not None and window.provider is not None
    events = list_audit_events(window.studio, window.provider, AuditFilter(entity="reseller"))
    opened = [e for e in events if e.action == "reseller_panel.open_as"]
    assert [(e.actor, e.entity_id) for e in opened] == [("ops.admin", str(reseller_id))]
    # The provider's lock hides the panel it opened; unlocking shows it; Sign Out closes it.
    window.lock()
    assert not panel.isVisible()
    qtbot.keyClicks(_w(window, QLineEdit, "signInPassword"), ADMIN_PASSWORD)
    qtbot.mouseClick(_w(window, QPushButton, "signInButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.locked, timeout=10_000)
    assert panel.isVisible()
    window.sign_out()
    qtbot.waitUntil(lambda: not shiboken6.isValid(panel), timeout=5_000)  # closed, deleted


def test_an_idle_reseller_is_signed_out(
    qtbot: QtBot, window: MainWindow, request: pytest.FixtureRequest
) -> None:
    _setup(window)
    window.idle_timeout_ms = 300
    panel = _reseller_signs_in(qtbot, window, request)
    assert panel.isVisible() and not window.isVisible()
    qtbot.waitUntil(lambda: window.reseller_panel is None, timeout=10_000)
    assert window.isVisible()
    assert window.statusBar().currentMessage() == (
        "The reseller was signed out after 15 minutes without input"
    )


def test_a_resellers_remembered_password_goes_with_its_sign_out(
    qtbot: QtBot,
    window: MainWindow,
    request: pytest.FixtureRequest,
    memory_keyring: MemoryKeyring,
) -> None:
    _setup(window)
    window.show_page("home")
    wait_idle(qtbot, window)
    _w(window, QCheckBox, "signInRemember").setChecked(True)
    panel = _reseller_signs_in(qtbot, window, request)
    wait_idle(qtbot, window)
    assert PASSWORD in memory_keyring.secrets.values()
    panel.close()
    wait_idle(qtbot, window)
    assert PASSWORD not in memory_keyring.secrets.values()
    assert window.settings.value("signIn/rememberedUser") is None
