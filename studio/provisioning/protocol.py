"""Names of the provisioning protocol (``docs/provisioning-protocol.md``), in one place."""

from __future__ import annotations

import enum

PROTOCOL_VERSION = 1
TOKEN_ENV = "MACHPANEL_STUB_TOKEN"
MAX_BODY_BYTES = 64 * 1024
#: A request body nested deeper than this (``[`` and ``{`` counted) is a 400: no call
#: needs more than three levels, and the parser must never run out of stack.
MAX_JSON_DEPTH = 16
#: A number in a request body longer than this many characters (sign, digits, point and
#: exponent) is a 400: the largest quota has 7 digits, and long digit strings cost the
#: parser time or raise.
MAX_NUMBER_CHARS = 32
IDEMPOTENCY_HEADER = "Idempotency-Key"


class Role(enum.StrEnum):
    """Which server a Provisioning Service runs on."""

    CONTROL = "control"
    REMOTE = "remote"


class JobState(enum.StrEnum):
    """A provisioning job's life: queued → running → succeeded | failed | cancelled."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """No further change will happen."""
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class Mode(enum.StrEnum):
    """How a stub answers (fault injection)."""

    NORMAL = "normal"
    STOPPED = "stopped"  # answers, but reports the Provisioning Service as not running
    UNAVAILABLE = "unavailable"  # 503 on every call but the admin one
    HANG = "hang"  # accepts connections and never answers
