"""Icons and the style sheet, loaded from ``resources/`` (source and frozen alike)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon, QPixmap

from studio.resources import manifest, resource_path


@cache
def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg``; an empty icon if it is missing."""
    return QIcon(str(resource_path("icons", f"{name}.svg")))


def style_sheet() -> str:
    """The application style sheet."""
    return resource_path("style.qss").read_text(encoding="utf-8")


def check_resources() -> list[str]:
    """Load every resource of the manifest; return the ones that failed (empty = all good)."""
    failed = []
    for entry in manifest():
        path = resource_path(*entry.split("/"))
        if entry.endswith(".svg"):
            if QPixmap(str(path)).isNull():
                failed.append(entry)
        elif not path.is_file() or not path.read_text(encoding="utf-8").strip():
            failed.append(entry)
    return failed
