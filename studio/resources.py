"""Locate the ``resources/`` folder the same way from source, a wheel and a frozen build.

PyInstaller unpacks data beside the executable (``sys._MEIPASS``); a source checkout keeps
``resources/`` at the top of the repository; a wheel carries it as ``studio/_resources``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The folder holding icons and style sheets.

    Raises:
        FileNotFoundError: none of the known places holds it (a broken install).
    """
    candidates = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources")
    candidates += [_PACKAGE_DIR.parent / "resources", _PACKAGE_DIR / "_resources"]
    for candidate in candidates:
        if (candidate / "manifest.txt").is_file():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"resources folder not found (looked in {tried})")


def resource_path(*parts: str) -> Path:
    """Path of one resource file, e.g. ``resource_path("icons", "database.svg")``."""
    return resources_dir().joinpath(*parts)


def manifest() -> list[str]:
    """Every resource the program needs, relative to the resources folder.

    The self-test loads each of them, so a build that forgot one fails loudly.
    """
    text = (resources_dir() / "manifest.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
