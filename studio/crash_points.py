"""Crash points: a test aid that ends this process at a named step, as a power cut would.

The end-to-end tests (``tests/e2e/test_crash_points.py``) set
``MACHPANEL_STUDIO_CRASH_AT=<point>`` in the environment of a command they start; when the
process reaches that point it ends at once with :data:`EXIT_CODE` (``os._exit``: no
``finally``, no flush, no rollback but the database's own), and the test then starts the
studio again and checks that nothing was lost or done twice. Without the variable a
crash point is one dictionary lookup and does nothing. The window offers no way to set
it; it is documented in ``docs/testing.md``, not for administrators.
"""

from __future__ import annotations

import os
from collections.abc import Callable

ENV = "MACHPANEL_STUDIO_CRASH_AT"
#: The exit code of a process ended at a crash point (no command exits with it).
EXIT_CODE = 86

#: Every crash point, where it is.
POINTS = {
    "subscribe.written": "Subscribe As Reseller committed its subscription and job",
    "sale.written": "a customer's sale committed its subscription and job",
    "addon.written": "an add-on committed its update job",
    "cancel.written": "Cancel committed a job's cancelling state",
    "runner.submitted": "a server accepted a job; the studio has not recorded it",
    "runner.finished": "a server reported a job finished; the studio has not recorded it",
    "runner.mid-tick": "the runner's tick transaction has written one job and not committed",
    "migration.mid-way": "a schema migration has made one table again and not committed",
}


def crash_point(name: str, before: Callable[[], object] | None = None) -> None:
    """End the process here if the environment names this point; ``before`` runs first
    (e.g. a flush, so that a transaction really is half-written when it ends)."""
    if os.environ.get(ENV) != name:
        return
    assert name in POINTS, f"unknown crash point {name!r}"
    if before is not None:
        before()
    os._exit(EXIT_CODE)
