"""MachPanel Configuration Studio: everything that is not Qt.

The ``studio`` package holds the domain, validation, the services (one function per use
case), the database and the command line. It never imports Qt, so the same rules serve
the GUI, the CLI and the tests.
"""

from __future__ import annotations

__all__ = ["APP_NAME", "CONTROL_SERVER_BUILD", "__version__"]

#: The studio's own release.
__version__ = "0.1.0"

#: The MachPanel Control Server build this studio is. Remote Servers must report the
#: same build before anything is provisioned on them (the article's prerequisite).
CONTROL_SERVER_BUILD = "8.2.0"

APP_NAME = "MachPanel Configuration Studio"
