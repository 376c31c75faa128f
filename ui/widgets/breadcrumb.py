"""The breadcrumb bar above the page: the current path, each ancestor clickable."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from ui.navigation import PAGE_BY_KEY, SEPARATORS, breadcrumb, breadcrumb_text


class Breadcrumb(QLabel):
    """Shows e.g. ``Home » System Configuration » Reseller Settings``; emits ``pageRequested``."""

    pageRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("breadcrumb")
        self.setAccessibleName("Breadcrumb")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setOpenExternalLinks(False)
        self.linkActivated.connect(self._on_link)
        self._key = ""

    @property
    def path_text(self) -> str:
        """The path as plain text (what a screen reader announces)."""
        return breadcrumb_text(self._key) if self._key else ""

    def show_page(self, key: str) -> None:
        """Render the path to ``key``; ancestors are links, the page itself is bold."""
        self._key = key
        separator = f" {SEPARATORS[PAGE_BY_KEY[key].branch]} "
        parts = []
        path = breadcrumb(key)
        for index, spec in enumerate(path):
            word = html.escape(spec.crumb_text or spec.title)
            if index == len(path) - 1:
                parts.append(f"<b>{word}</b>")
            else:
                parts.append(f'<a href="page:{spec.key}">{word}</a>')
        self.setText(html.escape(separator).join(parts))
        self.setAccessibleDescription(self.path_text)

    def _on_link(self, link: str) -> None:
        if link.startswith("page:"):
            self.pageRequested.emit(link.removeprefix("page:"))
