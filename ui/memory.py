"""Keep Python's garbage collector from stalling the window.

A full (generation 2) collection walks every tracked object; with Qt, SQLAlchemy and
the studio loaded that is tens of thousands of long-lived objects, and a collection
triggered by a burst of work on any thread (a thousand jobs finishing) held the
interpreter lock for ~90 ms: the window froze (``benchmarks/subscriptions.py``). Once
start-up is over, those objects live as long as the program; ``gc.freeze()`` moves them
out of the collector's sight, and later collections only walk what came after.
"""

from __future__ import annotations

import gc

_state = {"frozen": False}


def freeze_startup_objects() -> None:
    """Collect once, then exempt everything alive now from future collections.

    Once per process: objects frozen are never collected as cycles again, so a second
    window (tests open many) must not freeze what it leaves behind when it closes.
    """
    if _state["frozen"]:
        return
    _state["frozen"] = True
    gc.collect()
    gc.freeze()
