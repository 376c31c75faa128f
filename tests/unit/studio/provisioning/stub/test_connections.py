"""``studio/provisioning/stub/connections.py``: slots, eviction of idle connections, and
the deadline of a request, with socket pairs and no server."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from studio.provisioning.stub import connections
from studio.provisioning.stub.connections import Admission, DeadlineReader, Verdict


@pytest.fixture
def pairs() -> Iterator[list[tuple[socket.socket, socket.socket]]]:
    made: list[tuple[socket.socket, socket.socket]] = []
    yield made
    for ours, theirs in made:
        ours.close()
        theirs.close()


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """No grace and short waits: the tests decide who is idle, not the clock."""
    monkeypatch.setattr(connections, "IDLE_GRACE_S", 0.0)
    monkeypatch.setattr(connections, "SLOT_WAIT_S", 0.2)
    monkeypatch.setattr(connections, "_POLL_S", 0.05)


def _pair(pairs: list[tuple[socket.socket, socket.socket]]) -> socket.socket:
    """The server's end of a new connection."""
    ours, theirs = socket.socketpair()
    pairs.append((ours, theirs))
    return ours


def test_within_the_limit_every_connection_is_served(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    admission = Admission(limit=3, refusal_limit=1)
    assert [admission.admit() for _ in range(3)] == [Verdict.SERVE] * 3


def test_past_the_limit_a_busy_house_refuses_then_closes() -> None:
    admission = Admission(limit=1, refusal_limit=2)
    assert admission.admit() is Verdict.SERVE
    assert [admission.admit() for _ in range(3)] == [Verdict.REFUSE, Verdict.REFUSE, Verdict.CLOSE]


def test_a_released_slot_serves_the_next_connection(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    admission = Admission(limit=1, refusal_limit=1)
    first = _pair(pairs)
    assert admission.admit() is Verdict.SERVE
    assert admission.admit() is Verdict.REFUSE
    admission.release(Verdict.SERVE, first)
    admission.release(Verdict.REFUSE, _pair(pairs))
    assert admission.admit() is Verdict.SERVE
    assert admission.admit() is Verdict.REFUSE


def test_a_connection_waiting_for_a_slot_gets_one_freed_meanwhile(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    admission = Admission(limit=1, refusal_limit=1)
    first = _pair(pairs)
    assert admission.admit() is Verdict.SERVE
    releaser = threading.Timer(0.05, admission.release, (Verdict.SERVE, first))
    releaser.start()
    assert admission.admit() is Verdict.SERVE  # it waited rather than being refused
    releaser.join()


def test_the_longest_idle_connection_is_evicted_for_a_new_one(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    admission = Admission(limit=2, refusal_limit=1)
    older, newer = _pair(pairs), _pair(pairs)
    for connection in (older, newer):
        assert admission.admit() is Verdict.SERVE
        admission.idle(connection)
    # Its thread would see the shutdown as the end of the connection and release it.
    releaser = threading.Thread(target=_release_when_shut, args=(admission, older))
    releaser.start()
    assert admission.admit() is Verdict.SERVE
    releaser.join(timeout=10)
    assert older.recv(1) == b""  # shut
    newer.settimeout(0)
    with pytest.raises(BlockingIOError):
        newer.recv(1)  # still open, nothing to read


def _release_when_shut(admission: Admission, connection: socket.socket) -> None:
    connection.recv(1)
    admission.release(Verdict.SERVE, connection)


def test_busy_connections_and_those_with_a_request_arriving_are_never_evicted(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    admission = Admission(limit=2, refusal_limit=1)
    working, arriving = _pair(pairs), _pair(pairs)
    for connection in (working, arriving):
        assert admission.admit() is Verdict.SERVE
        admission.idle(connection)
    admission.busy(working)
    pairs[1][1].sendall(b"GET /v1/status HTTP/1.1\r\n")  # bytes wait on the idle one
    assert admission.admit() is Verdict.REFUSE
    working.settimeout(0)
    arriving.settimeout(0)
    with pytest.raises(BlockingIOError):
        working.recv(1)
    assert arriving.recv(3) == b"GET"


def test_a_connection_idle_for_less_than_the_grace_is_kept(
    pairs: list[tuple[socket.socket, socket.socket]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connections, "IDLE_GRACE_S", 3600.0)
    admission = Admission(limit=1, refusal_limit=1)
    connection = _pair(pairs)
    assert admission.admit() is Verdict.SERVE
    admission.idle(connection)
    assert admission.admit() is Verdict.REFUSE


def test_once_saturated_the_next_refusal_does_not_wait(
    pairs: list[tuple[socket.socket, socket.socket]], monkeypatch: pytest.MonkeyPatch
) -> None:
    admission = Admission(limit=1, refusal_limit=5)
    assert admission.admit() is Verdict.SERVE
    assert admission.admit() is Verdict.REFUSE  # waited SLOT_WAIT_S for a slot
    # Were it to wait again, this slot would be found: it is not looked for.
    monkeypatch.setattr(connections, "SLOT_WAIT_S", 3600.0)
    first = _pair(pairs)
    threading.Timer(0.05, admission.release, (Verdict.SERVE, first)).start()
    assert admission.admit() is Verdict.REFUSE


def test_a_read_past_the_deadline_times_out_however_the_bytes_trickle(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    ours = _pair(pairs)
    theirs = pairs[0][1]
    reader = DeadlineReader(ours)
    stream = io.BufferedReader(reader)
    reader.deadline = time.monotonic() + 5
    theirs.sendall(b"GET / HTTP/1.1\r\n")
    assert stream.readline() == b"GET / HTTP/1.1\r\n"
    reader.deadline = time.monotonic() - 1  # passed: even bytes already sent are refused
    theirs.sendall(b"Host: x\r\n")
    with pytest.raises(TimeoutError):
        stream.readline()


def test_a_read_waits_no_longer_than_the_deadline(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    reader = DeadlineReader(_pair(pairs))
    reader.deadline = time.monotonic() + 0.1
    with pytest.raises(TimeoutError):
        io.BufferedReader(reader).read(10)  # nothing comes: the socket timeout fires
