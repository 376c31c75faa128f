"""Render the main window's pages to PNG offscreen, for docs/screenshots and the README.

Usage: ``uv run python scripts/screenshots.py [OUTPUT_DIR]``. It uses a throw-away data
folder seeded with the demo, so the pictures show what a new demo install shows.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QScrollArea

from studio.context import open_studio
from studio.demo.seed import seed_demo
from studio.domain.actors import Actor
from ui.app import build_main_window
from ui.main_window import MainWindow

PAGES = {
    "main-window": "website",
    "database": "database",
    "provisioning-service": "provisioning",
    "remote-servers": "remote-servers",
    "prerequisites-check": "prerequisites",
    "reseller-settings": "reseller-settings",
    "reseller-customers": "reseller-customers",
    "provisioning-jobs": "provisioning-jobs",
    "services": "services",
    "audit-log": "audit-log",
    "access-control": "access-control",
    "control-panel-home": "home",
    "quota-over-usage": "quota-usage",
    "commission-statements": "commission-statements",
}


def _settle(window: MainWindow, ms: int = 300) -> None:
    """Let the window work for ``ms``, then until its background tasks have finished.

    A real event loop with a timer, never a busy ``processEvents()`` loop: spinning that
    for the ~130 ms of an argon2 hash crashed CPython 3.11 ("deallocating None").
    """
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    for _ in range(500):
        if not window.runner.pending:
            return
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def _create_first_admin(window: MainWindow) -> None:
    """Fill the first-run form as a person would (a random password: there is no default)."""
    import secrets

    from PySide6.QtWidgets import QLineEdit, QPushButton

    password = secrets.token_urlsafe(18)
    for name, text in (
        ("firstRunUsername", "ops.admin"),
        ("firstRunFullName", "Olga Admin"),
        ("firstRunEmail", "olga@hosting.example"),
        ("firstRunPassword", password),
        ("firstRunPasswordConfirmation", password),
    ):
        edit = window.findChild(QLineEdit, name)
        assert edit is not None, name
        edit.setText(text)
    button = window.findChild(QPushButton, "firstRunCreate")
    assert button is not None
    button.click()
    while window.provider is None:
        _settle(window, 50)


def _reseller_screens(window: MainWindow, out: Path) -> None:
    """The New Reseller wizard's pages, filled as an administrator would, and the details."""
    from PySide6.QtCore import QModelIndex

    from ui.pages.reseller_customers_page import ResellerCustomersPage

    window.show_page("reseller-customers")
    _settle(window, 200)
    page = window.current_page()
    assert isinstance(page, ResellerCustomersPage)
    wizard = page.new_reseller()
    assert wizard is not None
    _settle(window, 200)
    wizard.type_page.buttons["subscription"].setChecked(True)
    _save(wizard.grab(), out / "new-reseller-1-type.png")
    wizard.next()
    p = wizard.personal
    for edit, text in (
        (p.username, "acme.hosting"),
        (p.first_name, "Zoë"),
        (p.last_name, "Lovelace"),
        (p.email, "zoe@acme"),
        (p.password, "violet-harbour-lantern-42"),
        (p.confirmation, "violet-harbour-lantern-42"),
        (p.address.edits["line1"], "12 Analytical Row"),
        (p.address.edits["city"], "London"),
        (p.phone, "020 7946 0958"),
    ):
        edit.setText(text)
    p.address.country.set_code("GB")
    _settle(window, 100)
    _save(wizard.grab(), out / "new-reseller-2-personal.png")
    p.email.setText("zoe@acme.example")
    wizard.next()
    _settle(window, 300)
    c = wizard.company
    c.name.setText("Acme Hosting Ltd")
    c.website.setText("acme.example")
    c.same_as_personal.click()
    c.departments.list.setCurrentRow(0)
    c.departments.email.setText("billing@acme.example")
    c.departments.signature.setPlainText("Kind regards,\nZoë Lovelace\nBilling · Acme Hosting Ltd")
    scroll = c.findChild(QScrollArea)
    assert scroll is not None
    scroll.ensureWidgetVisible(c.departments)
    _settle(window, 100)
    _save(wizard.grab(), out / "new-reseller-3-company.png")
    wizard.next()
    _settle(window, 100)
    _save(wizard.grab(), out / "new-reseller-4-summary.png")
    wizard.done(0)
    _settle(window, 100)
    index: QModelIndex = page.model.index(0, 1)
    page._open_details(index)
    _settle(window, 200)
    dialog = page.details_dialog
    assert dialog is not None
    dialog.tabs.setCurrentIndex(2)
    _save(dialog.grab(), out / "reseller-details-signatures.png")
    dialog.tabs.setCurrentIndex(3)
    _save(dialog.grab(), out / "reseller-details-subscriptions.png")
    dialog.close()
    page.select_reseller(7)  # a Subscription Based demo reseller without a subscription
    subscribe = page.subscribe_selected()
    assert subscribe is not None
    subscribe.service_page.quotas["mailboxes"].setValue(25)
    subscribe.next()
    for _ in range(100):
        if subscribe.server_page.isComplete():
            break
        _settle(window, 50)
    _save(subscribe.grab(), out / "subscribe-as-reseller-server.png")
    subscribe.done(0)
    page.select_reseller(3)  # the first Commission Based demo reseller
    offerings = page.offerings_selected()
    assert offerings is not None
    _settle(window, 300)
    _save(offerings.grab(), out / "service-offerings.png")
    offerings.done(0)


def _panel_screens(window: MainWindow, out: Path) -> None:
    """The reseller panel of demo reseller 1 (Subscription Based) and the statement of
    the first Commission Based demo reseller, each opened as the reseller."""
    from studio.services.reseller_list import list_resellers
    from studio.services.reseller_panel import open_panel_as
    from ui.reseller_panel.statements_page import StatementsPage
    from ui.reseller_panel.window import ResellerPanelWindow

    studio, admin = window.studio, window.provider
    assert studio is not None and admin is not None
    commission = next(r for r in list_resellers(studio, admin) if r.type == "commission")
    for reseller_id, pages in (
        (1, ("home", "subscriptions", "plans", "customers")),
        (commission.id, ("plans", "statements")),
    ):
        actor = open_panel_as(studio, admin, reseller_id)
        panel = ResellerPanelWindow(window.runner, studio, actor, window.jobs)
        panel.resize(1100, 640)
        panel.show()
        panel.start()
        _settle(window, 400)
        for key in pages:
            page = panel.show_page(key)
            if isinstance(page, StatementsPage):
                page.refresh()
            if key == "customers":
                page.table.selectRow(0)  # type: ignore[attr-defined]
            _settle(window, 300)
            suffix = "-commission" if reseller_id != 1 else ""
            _save(panel.grab(), out / f"reseller-panel-{key}{suffix}.png")
        panel.close()


def _save(pixmap: object, path: Path) -> None:
    pixmap.save(str(path))  # type: ignore[attr-defined]
    print(path)


def main() -> int:
    """Write one PNG per page into the output folder."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data_dir:
        studio = open_studio(data_dir)
        seed_demo(studio, Actor.local_administrator())
        studio.close()
        window = build_main_window(data_dir)
        window.resize(1100, 680)
        ready = QEventLoop()
        window.monitor.reportReady.connect(lambda _report: ready.quit())
        QTimer.singleShot(30_000, ready.quit)
        window.show()
        ready.exec()
        _settle(window)
        window.show_page("home")
        _settle(window, 300)
        window.grab().save(str(out / "first-run.png"))
        print(out / "first-run.png")
        _create_first_admin(window)
        for name, key in PAGES.items():
            window.show_page(key)
            _settle(window, 200)
            window.grab().save(str(out / f"{name}.png"))
            print(out / f"{name}.png")
        _reseller_screens(window, out)
        _panel_screens(window, out)
        about = window.show_about()
        _settle(window, 200)
        about.grab().save(str(out / "about.png"))
        print(out / "about.png")
        about.close()
        window.close()
        window.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
