"""How many connections the stub serves at once, and how long a request may take to arrive.

A thread per connection with no limit and no timeout let a few hundred sockets that
never send anything hold every thread and file descriptor: on a system with 256 open
files per process the accept loop then failed and retried at full CPU, and a body cut
short after its first byte held its thread for ever. Three rules replace that:

- at most ``limit`` connections are served at once (:class:`Admission`); a connection
  beyond it waits a moment for a slot, takes the slot of the longest-idle connection
  (one that has sent nothing of its next request), or is answered 503 ``busy``;
- a whole request, from the moment its connection is ready for it to the last byte of
  its body, must arrive within the read timeout (:class:`DeadlineReader`): an idle
  keep-alive connection, a silent one and a slow or truncated body are all dropped;
- the answers to refused connections are bounded too: past ``refusal_limit`` of them in
  flight, a connection is closed without a word.
"""

from __future__ import annotations

import enum
import io
import select
import socket
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

#: Connections served at once by default: well under the 256 open files some systems
#: (macOS) give a process, with room for the journal and the refusals.
MAX_CONNECTIONS = 64
#: Refusals (503 ``busy``) answered at once; past this a connection is just closed.
MAX_REFUSALS = 16
#: Connections the operating system queues before the stub accepts them.
LISTEN_BACKLOG = 128
#: Seconds a request may take to arrive, idle time before it included. Longer than the
#: 5 s a client such as httpx keeps an idle connection, so a client never sends on a
#: connection the stub is closing.
READ_TIMEOUT_S = 10.0
#: Seconds a refused connection has to send its request head before it is answered.
REFUSAL_READ_S = 2.0
#: Seconds a new connection may wait for a slot before it is refused.
SLOT_WAIT_S = 1.0
#: How often a waiting connection looks again for an idle one to evict, in seconds.
_POLL_S = 0.1
#: A connection idle for less than this is never evicted: its request may be on its way.
IDLE_GRACE_S = 1.0
#: What a refused client is told to wait, in seconds (the ``Retry-After`` header).
RETRY_AFTER_S = 1


class Verdict(enum.Enum):
    """What becomes of a newly accepted connection."""

    SERVE = "serve"
    REFUSE = "refuse"  # read its request head, answer 503 busy, close
    CLOSE = "close"  # close at once, nothing read, nothing said


class Admission:
    """The slots of served and refused connections, and which served ones are idle.

    Called from the accept loop (:meth:`admit`) and from each connection's thread
    (:meth:`idle`, :meth:`busy`, :meth:`release`). A burst of short calls waits a moment
    for slots rather than being refused. The accept loop waits at most
    :data:`SLOT_WAIT_S`, and not again while every slot stays taken, so a flood is
    refused at once rather than queued behind that wait.
    """

    def __init__(self, limit: int = MAX_CONNECTIONS, refusal_limit: int = MAX_REFUSALS) -> None:
        self._serving = threading.BoundedSemaphore(limit)
        self._refusing = threading.BoundedSemaphore(refusal_limit)
        self._lock = threading.Lock()
        self._idle_since: dict[socket.socket, float] = {}
        self._saturated = False

    def admit(self) -> Verdict:
        """Take a slot for a new connection, or say how to turn it away.

        While no slot is free, the connection idle the longest is evicted as soon as it
        has been idle for :data:`IDLE_GRACE_S`; a busy connection is never evicted.
        """
        if self._serving.acquire(blocking=False):
            self._saturated = False
            return Verdict.SERVE
        give_up = time.monotonic() + (0.0 if self._saturated else SLOT_WAIT_S)
        while True:
            if self._evict_longest_idle():
                wait = SLOT_WAIT_S  # its thread wakes and ends at once
            else:
                wait = max(0.0, min(_POLL_S, give_up - time.monotonic()))
            if self._serving.acquire(timeout=wait):
                self._saturated = False
                return Verdict.SERVE
            if time.monotonic() >= give_up:
                break
        self._saturated = True
        if self._refusing.acquire(blocking=False):
            return Verdict.REFUSE
        return Verdict.CLOSE

    def release(self, verdict: Verdict, connection: socket.socket) -> None:
        """The connection's thread is done: free its slot."""
        with self._lock:
            self._idle_since.pop(connection, None)
        (self._serving if verdict is Verdict.SERVE else self._refusing).release()

    def idle(self, connection: socket.socket) -> None:
        """The connection waits for its next request: it may be evicted."""
        with self._lock:
            self._idle_since[connection] = time.monotonic()

    def busy(self, connection: socket.socket) -> None:
        """A request line has arrived: the connection is working."""
        with self._lock:
            self._idle_since.pop(connection, None)

    def _evict_longest_idle(self) -> bool:
        """Shut the connection idle the longest (past the grace, nothing pending to read);
        its thread wakes on the shutdown, ends, and frees its slot."""
        threshold = time.monotonic() - IDLE_GRACE_S
        with self._lock:
            for connection, since in sorted(self._idle_since.items(), key=lambda i: i[1]):
                if since > threshold:
                    return False
                if _has_input(connection):
                    continue
                del self._idle_since[connection]
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    continue  # already gone: its thread is ending anyway
                return True
        return False


def _has_input(connection: socket.socket) -> bool:
    """Whether bytes (or the peer's close) wait to be read; if that cannot be told, yes."""
    try:
        readable, _, _ = select.select([connection], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class DeadlineReader(io.RawIOBase):
    """The socket as a raw stream whose reads all end by one deadline.

    A socket timeout bounds each read, not the request: a client sending a byte every
    few seconds would never hit it. Each read here gets the time left until
    :attr:`deadline` instead, and ``TimeoutError`` once it has passed.
    """

    def __init__(self, connection: socket.socket) -> None:
        super().__init__()
        self._connection = connection
        self.deadline = time.monotonic()

    def readable(self) -> bool:
        """A read-only stream."""
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        """Read what has arrived, waiting at most until the deadline."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self._connection.settimeout(left)
        return self._connection.recv_into(buffer)
