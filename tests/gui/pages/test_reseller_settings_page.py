"""Home » System Configuration » Reseller Settings, as a provider administrator uses it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from studio.services.reseller_settings import get_reseller_settings
from tests.support.gui import first_run, wait_idle
from ui.main_window import MainWindow


def _w(window: MainWindow, cls: type, name: str):  # type: ignore[no-untyped-def]
    widget = window.findChild(cls, name)
    assert widget is not None, name
    return widget


def test_enable_types_and_set_defaults(qtbot: QtBot, window: MainWindow) -> None:
    first_run(qtbot, window)
    window.show_page("reseller-settings")
    wait_idle(qtbot, window)
    assert window.current_page().objectName() == "page-reseller-settings"
    commission = _w(window, QLineEdit, "resellerCommissionCommission")
    assert commission.text() == "10.00"
    assert _w(window, QCheckBox, "resellerSubscriptionEnabled").isChecked()
    save = _w(window, QPushButton, "resellerSave")
    assert not save.isEnabled()
    commission.clear()
    qtbot.keyClicks(commission, "101")
    assert _w(window, QLabel, "resellerCommissionCommissionError").text() == (
        "must be between 0 and 100"
    )
    assert not save.isEnabled()
    commission.clear()
    qtbot.keyClicks(commission, "12.5")
    _w(window, QCheckBox, "resellerSubscriptionEnabled").setChecked(False)
    currency = _w(window, QLineEdit, "resellerCommissionCurrency")
    currency.clear()
    qtbot.keyClicks(currency, "EUR")
    assert save.isEnabled()
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert _w(window, QLabel, "resellerSettingsState").text() == "Saved. Enabled: Commission Based."
    assert commission.text() == "12.50"
    assert window.studio is not None and window.provider is not None
    saved = get_reseller_settings(window.studio, window.provider)
    assert (saved["commission"].commission_bp, saved["commission"].currency) == (1250, "EUR")
    assert not saved["subscription"].enabled


def test_disabling_a_type_says_how_many_resellers_keep_it(qtbot: QtBot, window: MainWindow) -> None:
    from studio.domain.actors import Actor
    from studio.services.resellers import create_reseller
    from tests.support.resellers import sample_reseller

    first_run(qtbot, window)
    assert window.studio is not None
    for n in (1, 2):
        create_reseller(
            window.studio,
            Actor.local_administrator(),
            sample_reseller(n, type="commission"),
            require_password=False,
        )
    window.show_page("reseller-settings")
    wait_idle(qtbot, window)
    note = _w(window, QLabel, "resellerCommissionInUse")
    assert note.text() == "2 resellers have this type."
    assert _w(window, QLabel, "resellerSubscriptionInUse").text() == (
        "No reseller has this type yet."
    )
    _w(window, QCheckBox, "resellerCommissionEnabled").setChecked(False)
    assert note.text() == (
        "2 resellers have this type: they keep working, but no new reseller can be given it."
    )
    qtbot.mouseClick(_w(window, QPushButton, "resellerSave"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert (
        _w(window, QLabel, "resellerSettingsState").text() == "Saved. Enabled: Subscription Based."
    )
    assert note.text() == (
        "2 resellers have this type: they keep working, but no new reseller can be given it."
    )
    assert window.studio is not None and window.provider is not None
    assert not get_reseller_settings(window.studio, window.provider)["commission"].enabled
