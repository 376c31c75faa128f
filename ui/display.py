"""Before Qt starts on Linux: is there a display, and are Qt's X11 libraries installed?

Without this check Qt aborts the process (exit 134) with a message about platform
plugins that does not tell an administrator what to do. Windows and macOS always have a
display; an explicit ``QT_QPA_PLATFORM`` other than xcb is trusted as given.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

#: Shared libraries Qt's xcb plugin loads, and the Debian package of each.
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
}


def display_problem(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """Why a window cannot be shown here, or ``None`` when it can (or we cannot tell)."""
    env = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux"):
        return None
    qpa = env.get("QT_QPA_PLATFORM", "").strip()
    if qpa and not qpa.startswith("xcb"):
        return None
    if not qpa and env.get("WAYLAND_DISPLAY"):
        return None
    if not env.get("DISPLAY"):
        return (
            "no display: DISPLAY (and WAYLAND_DISPLAY) are not set, so the studio window "
            "cannot open. Run it in a desktop session, or over SSH with X forwarding. "
            "Without a display, the commands still work (machpanel-studio --help) and "
            "machpanel-studio --self-test checks this install."
        )
    import ctypes.util  # 2.4 MiB resident: loaded only when a window is about to open

    missing = sorted(
        {pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None}
    )
    if missing:
        return (
            "Qt's X11 libraries are missing, so the studio window cannot open. "
            f"Install them: sudo apt-get install {' '.join(missing)}"
        )
    return None
