"""What describes a page of the main window: where it sits, what it is called, which
class builds it and what that class needs besides the studio.

A record of its own (not part of :mod:`ui.navigation`) so that pages can name their
spec without importing the page table, and the table can build pages without a circle.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The class of the pages that are still to be built: a title and a description.
INFO_PAGE = "ui.pages.info_page:InfoPage"


@dataclass(frozen=True)
class PageSpec:
    """One node of the navigation tree.

    ``crumb`` is the word the breadcrumb uses for this node (``None`` leaves it out of
    the path), ``branch`` decides the separator: ``>`` under Configure, ``»`` under Home.
    ``page`` names the class that shows the node (``module:Class``, imported the first
    time the page is shown); ``needs`` names what its constructor takes after
    ``(spec, runner, actor)``, e.g. ``("monitor",)`` for the health monitor.
    """

    key: str
    title: str
    parent: str | None
    icon: str
    branch: str
    crumb: str | None = ""
    page: str = INFO_PAGE
    needs: tuple[str, ...] = ()

    @property
    def crumb_text(self) -> str | None:
        """The breadcrumb word; the title unless set otherwise."""
        return self.title if self.crumb == "" else self.crumb

    @property
    def needs_provider(self) -> bool:
        """Control Panel pages wait for a provider to sign in, and act as them."""
        return self.branch == "panel"
