"""Small typed factories for the controls every page builds the same way.

A button is named for automation (``docs/ui-automation.md``), often given an accessible
name and a tool tip, and wired to what it does; a row of buttons sits left with the
room to its right. One place says so, and a page reads as the list of its controls.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget


def button(
    text: str,
    name: str,
    on_click: Callable[..., object] | None = None,
    *,
    accessible: str = "",
    tooltip: str = "",
) -> QPushButton:
    """A push button named ``name`` (its objectName), calling ``on_click`` when clicked."""
    widget = QPushButton(text)
    widget.setObjectName(name)
    if accessible:
        widget.setAccessibleName(accessible)
    if tooltip:
        widget.setToolTip(tooltip)
    if on_click is not None:
        widget.clicked.connect(on_click)
    return widget


def button_row(*items: QWidget | None) -> QHBoxLayout:
    """``items`` left to right, ``None`` standing for the stretch between a left group
    and a right one; without a ``None`` the stretch comes last."""
    row = QHBoxLayout()
    for item in items:
        if item is None:
            row.addStretch(1)
        else:
            row.addWidget(item)
    if all(item is not None for item in items):
        row.addStretch(1)
    return row
