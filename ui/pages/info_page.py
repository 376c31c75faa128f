"""Pages without their own form yet: section indexes and pages later issues fill.

A section index (Home, Customer Manager, ...) lists its sub-pages as links. A page still
to come says plainly what it will hold, and holds no fake data.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt

from studio.domain.actors import Actor
from ui.navigation import breadcrumb_text, children
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.tasks import TaskRunner

#: What each not-yet-built page will hold, in the article's words.
COMING = {
    "home": (
        "The Control Panel, as the signed-in provider sees it. System Configuration holds "
        "Reseller Settings, Services, Access Control and the Audit Log; Provisioning Jobs "
        "follows every job on the Remote Servers; Customer Manager holds the Reseller "
        "Customers (Open Panel works in a reseller's own panel), the Quota Over Usage of "
        "their end customers and the resellers' Commission Statements. A reseller signing "
        "in here gets its own panel instead."
    ),
}


class InfoPage(Page):
    """A page that explains itself and links to its sub-pages."""

    def __init__(self, spec: PageSpec, runner: TaskRunner, actor: Actor) -> None:
        super().__init__(spec, runner, actor)
        text = COMING.get(spec.key)
        if text:
            self.paragraph(text, "pageDescription")
        subpages = children(spec.key)
        if subpages:
            items = "".join(
                f'<li><a href="page:{s.key}">{html.escape(s.title)}</a> '
                f'<span style="color:gray">({html.escape(breadcrumb_text(s.key))})</span></li>'
                for s in subpages
            )
            links = self.paragraph(f"<p>This section holds:</p><ul>{items}</ul>", "pageLinks")
            links.setTextFormat(Qt.TextFormat.RichText)
            links.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            links.linkActivated.connect(
                lambda link: self.navigateRequested.emit(link.removeprefix("page:"))
            )
        self.layout_.addStretch(1)
