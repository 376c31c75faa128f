"""The page tree of the main window and the breadcrumb paths, in the article's words.

Two branches, as the design fixes them: *Configuration Studio* (its pages are reached
through ``Configure > …``) and *Control Panel* (``Home » System Configuration » …``).
One table here drives the tree, the menus and the breadcrumb.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from ui.resources import icon

KEY_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class PageSpec:
    """One node of the navigation tree.

    ``crumb`` is the word the breadcrumb uses for this node (``None`` leaves it out of
    the path), ``branch`` decides the separator: ``>`` under Configure, ``»`` under Home.
    """

    key: str
    title: str
    parent: str | None
    icon: str
    branch: str
    crumb: str | None = ""

    @property
    def crumb_text(self) -> str | None:
        """The breadcrumb word; the title unless set otherwise."""
        return self.title if self.crumb == "" else self.crumb


PAGES: tuple[PageSpec, ...] = (
    PageSpec("configuration-studio", "Configuration Studio", None, "studio", "studio", "Configure"),
    PageSpec("website", "Control Panel Website", "configuration-studio", "website", "studio"),
    PageSpec("database", "Database", "configuration-studio", "database", "studio"),
    PageSpec(
        "provisioning", "Provisioning Service", "configuration-studio", "provisioning", "studio"
    ),
    PageSpec("remote-servers", "Remote Servers", "configuration-studio", "servers", "studio"),
    PageSpec(
        "prerequisites", "Prerequisites Check", "configuration-studio", "provisioning", "studio"
    ),
    PageSpec("control-panel", "Control Panel", None, "control-panel", "panel", None),
    PageSpec("home", "Home", "control-panel", "home", "panel"),
    PageSpec("system-configuration", "System Configuration", "home", "settings", "panel"),
    PageSpec("reseller-settings", "Reseller Settings", "system-configuration", "settings", "panel"),
    PageSpec("services", "Services", "system-configuration", "settings", "panel"),
    PageSpec("access-control", "Access Control", "system-configuration", "settings", "panel"),
    PageSpec("audit-log", "Audit Log", "system-configuration", "settings", "panel"),
    PageSpec("provisioning-jobs", "Provisioning Jobs", "home", "provisioning", "panel"),
    PageSpec("customer-manager", "Customer Manager", "home", "customers", "panel"),
    PageSpec("customers", "Customers", "customer-manager", "customers", "panel"),
    PageSpec("reseller-customers", "Reseller Customers", "customers", "customers", "panel"),
    PageSpec("quota-usage", "Quota Over Usage", "customer-manager", "customers", "panel"),
    PageSpec(
        "commission-statements", "Commission Statements", "customer-manager", "customers", "panel"
    ),
)
PAGE_BY_KEY = {spec.key: spec for spec in PAGES}
DEFAULT_PAGE = "website"
SEPARATORS = {"studio": ">", "panel": "»"}


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
