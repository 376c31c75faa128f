"""The page tree of the main window and the breadcrumb paths, in the article's words.

Two branches, as the design fixes them: *Configuration Studio* (its pages are reached
through ``Configure > …``) and *Control Panel* (``Home » System Configuration » …``).
One table here drives the tree, the menus and the breadcrumb, and says which class
shows each page and what it needs: the window lists no page of its own.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from studio.domain.actors import Actor
from ui.pages.base import Page
from ui.pages.spec import PageSpec
from ui.resources import icon
from ui.tasks import TaskRunner

__all__ = [
    "DEFAULT_PAGE",
    "PAGES",
    "PAGE_BY_KEY",
    "NavigationTree",
    "PageSpec",
    "breadcrumb",
    "breadcrumb_text",
    "build_page",
    "children",
]

KEY_ROLE = Qt.ItemDataRole.UserRole


PAGES: tuple[PageSpec, ...] = (
    PageSpec("configuration-studio", "Configuration Studio", None, "studio", "studio", "Configure"),
    PageSpec(
        "website",
        "Control Panel Website",
        "configuration-studio",
        "website",
        "studio",
        page="ui.pages.website_page:WebsitePage",
    ),
    PageSpec(
        "database",
        "Database",
        "configuration-studio",
        "database",
        "studio",
        page="ui.pages.database_page:DatabasePage",
    ),
    PageSpec(
        "provisioning",
        "Provisioning Service",
        "configuration-studio",
        "provisioning",
        "studio",
        page="ui.pages.provisioning_page:ProvisioningPage",
    ),
    PageSpec(
        "remote-servers",
        "Remote Servers",
        "configuration-studio",
        "servers",
        "studio",
        page="ui.pages.remote_servers_page:RemoteServersPage",
        needs=("monitor",),
    ),
    PageSpec(
        "prerequisites",
        "Prerequisites Check",
        "configuration-studio",
        "provisioning",
        "studio",
        page="ui.pages.prerequisites_page:PrerequisitesPage",
        needs=("monitor",),
    ),
    PageSpec("control-panel", "Control Panel", None, "control-panel", "panel", None),
    PageSpec("home", "Home", "control-panel", "home", "panel"),
    PageSpec("system-configuration", "System Configuration", "home", "settings", "panel"),
    PageSpec(
        "reseller-settings",
        "Reseller Settings",
        "system-configuration",
        "settings",
        "panel",
        page="ui.pages.reseller_settings_page:ResellerSettingsPage",
    ),
    PageSpec(
        "services",
        "Services",
        "system-configuration",
        "settings",
        "panel",
        page="ui.pages.services_page:ServicesPage",
    ),
    PageSpec(
        "access-control",
        "Access Control",
        "system-configuration",
        "settings",
        "panel",
        page="ui.pages.access_control_page:AccessControlPage",
    ),
    PageSpec(
        "audit-log",
        "Audit Log",
        "system-configuration",
        "settings",
        "panel",
        page="ui.pages.audit_log_page:AuditLogPage",
    ),
    PageSpec(
        "provisioning-jobs",
        "Provisioning Jobs",
        "home",
        "provisioning",
        "panel",
        page="ui.pages.provisioning_jobs_page:ProvisioningJobsPage",
    ),
    PageSpec("customer-manager", "Customer Manager", "home", "customers", "panel"),
    PageSpec("customers", "Customers", "customer-manager", "customers", "panel"),
    PageSpec(
        "reseller-customers",
        "Reseller Customers",
        "customers",
        "customers",
        "panel",
        page="ui.pages.reseller_customers_page:ResellerCustomersPage",
    ),
    PageSpec(
        "quota-usage",
        "Quota Over Usage",
        "customer-manager",
        "customers",
        "panel",
        page="ui.pages.quota_usage_page:QuotaUsagePage",
    ),
    PageSpec(
        "commission-statements",
        "Commission Statements",
        "customer-manager",
        "customers",
        "panel",
        page="ui.pages.commission_statements_page:CommissionStatementsPage",
    ),
)
PAGE_BY_KEY = {spec.key: spec for spec in PAGES}
DEFAULT_PAGE = "website"
SEPARATORS = {"studio": ">", "panel": "»"}


def build_page(
    spec: PageSpec, runner: TaskRunner, actor: Actor, services: Mapping[str, object]
) -> Page:
    """A new page for ``spec``: its class is imported here, the first time the page is
    shown (the window's first paint waits only for the default page), and given what
    the spec says it needs from ``services``."""
    module, _, name = spec.page.partition(":")
    # Imported on first show: start-up pays only for the pages that are opened.
    page_class = getattr(importlib.import_module(module), name)
    page = page_class(spec, runner, actor, *(services[need] for need in spec.needs))
    assert isinstance(page, Page), spec.page
    return page


def children(key: str) -> list[PageSpec]:
    """The pages directly below ``key``, in tree order."""
    return [spec for spec in PAGES if spec.parent == key]


def breadcrumb(key: str) -> list[PageSpec]:
    """The path from the top to ``key``: ancestors without a breadcrumb word are left out.

    The *Control Panel* branch node names itself when shown, but the article's paths
    below it start at ``Home``.
    """
    path: list[PageSpec] = []
    spec: PageSpec | None = PAGE_BY_KEY[key]
    while spec is not None:
        if spec.crumb_text is not None or spec.key == key:
            path.append(spec)
        spec = PAGE_BY_KEY[spec.parent] if spec.parent else None
    return list(reversed(path))


def breadcrumb_text(key: str) -> str:
    """The breadcrumb as plain text, e.g. ``Home » System Configuration » Reseller Settings``."""
    separator = f" {SEPARATORS[PAGE_BY_KEY[key].branch]} "
    return separator.join(spec.crumb_text or spec.title for spec in breadcrumb(key))


class NavigationTree(QTreeWidget):
    """The tree on the left; emits ``pageSelected(key)`` when the user picks a node."""

    pageSelected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigationTree")
        self.setAccessibleName("Navigation")
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setMinimumWidth(255)  # wide pages must not squeeze the tree's labels
        self._items: dict[str, QTreeWidgetItem] = {}
        for spec in PAGES:
            parent_item = self._items.get(spec.parent) if spec.parent else None
            item = QTreeWidgetItem([spec.title])
            item.setData(0, KEY_ROLE, spec.key)
            item.setIcon(0, icon(spec.icon))
            item.setToolTip(0, breadcrumb_text(spec.key))
            if parent_item is None:
                self.addTopLevelItem(item)
            else:
                parent_item.addChild(item)
            self._items[spec.key] = item
        self.expandAll()
        self.currentItemChanged.connect(self._on_current_changed)

    def select(self, key: str) -> None:
        """Make ``key`` the current node (emits ``pageSelected`` if it changed)."""
        self.setCurrentItem(self._items[key])

    def current_key(self) -> str | None:
        """The key of the current node."""
        item = self.currentItem()
        return str(item.data(0, KEY_ROLE)) if item is not None else None

    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.pageSelected.emit(str(current.data(0, KEY_ROLE)))
