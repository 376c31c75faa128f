"""Is a TCP port free on this machine? Used by the Control Panel Website page.

Binding is the only honest test: a port is free when this process could listen on it.
The check binds all interfaces (the Control Panel site listens there) and closes at once.
"""

from __future__ import annotations

import enum
import errno
import socket
import sys
from dataclasses import dataclass


class PortState(enum.StrEnum):
    """Outcome of a port check."""

    FREE = "free"
    IN_USE = "in use"
    NEEDS_PRIVILEGE = "needs privilege"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PortCheck:
    """A port check's outcome and a sentence to show the administrator."""

    port: int
    state: PortState
    message: str


def check_port(port: int) -> PortCheck:
    """Try to listen on ``port`` (all IPv4 interfaces) and report what happened."""
    if not 1 <= port <= 65535:
        raise ValueError(f"port {port} is outside 1-65535")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if sys.platform == "win32":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)  # type: ignore[attr-defined,unused-ignore]
        else:
            # Lets a port in TIME_WAIT count as free; a listening socket still conflicts.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("0.0.0.0", port))
        sock.listen(1)
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
            return PortCheck(port, PortState.IN_USE, f"Port {port} is in use on this machine.")
        # Windows answers WSAEACCES for ports held exclusively (IIS, http.sys).
        if exc.errno in (errno.EACCES, errno.EPERM, getattr(errno, "WSAEACCES", -1)):
            return PortCheck(
                port,
                PortState.NEEDS_PRIVILEGE,
                f"Port {port} cannot be opened from this account: it needs administrator "
                "rights, or another program (such as IIS) holds it exclusively.",
            )
        return PortCheck(port, PortState.UNKNOWN, f"Port {port} could not be checked: {exc}")
    finally:
        sock.close()
    return PortCheck(port, PortState.FREE, f"Port {port} is free on this machine.")
