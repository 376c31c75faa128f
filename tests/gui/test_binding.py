"""The Qt binding itself: guards against a PySide6 release that breaks the studio.

PySide6 6.12.0 dropped a reference to ``None`` on every call of a method returning
void; on Python 3.11 the studio then crashed after a few thousand calls ("deallocating
None") — typing in the New Reseller wizard was enough. ``pyproject.toml`` excludes it.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


@pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="None is immortal from Python 3.12: nothing to count"
)
def test_void_methods_keep_none_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for n in range(5000):
        label.setText(str(n))
        label.setVisible(False)
    assert sys.getrefcount(None) >= before - 100
