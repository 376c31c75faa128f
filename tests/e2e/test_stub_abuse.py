"""The stub as a real process under abuse: it keeps serving, answers what the protocol
says, and never prints a traceback.

The stubs have a short read timeout (2 s) so that dropped clients are seen quickly. The
tests that fill the stub's connection slots start a stub each; the others share one.
Deadlines are generous and only bound a wait; the assertions are on outcomes (status
codes, closed sockets, calls that succeed), never on durations.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TypeVar

import httpx
import pytest

from studio.provisioning.client import ProvisioningClient, ServiceUnavailable
from studio.provisioning.protocol import MAX_JSON_DEPTH, MAX_NUMBER_CHARS, TOKEN_ENV
from studio.provisioning.stub.connections import MAX_CONNECTIONS
from tests.e2e.conftest import StubFactory
from tests.support.stub_process import StubProcess, new_token, stub

pytestmark = pytest.mark.slow

READ_TIMEOUT = ("--read-timeout", "2")
#: How long a test waits for the stub to close a socket it should drop: several times
#: the read timeout, so a loaded machine never makes it fail.
CLOSE_DEADLINE_S = 20.0
EXCHANGE = {"name": "Contoso", "mailboxes": 25, "mailbox_size_mb": 2048}
T = TypeVar("T")


@pytest.fixture
def abuse_stub(start_stub: StubFactory) -> Iterator[StubProcess]:
    """A stub of the test's own; its standard error is checked after the test."""
    stub = start_stub(extra=READ_TIMEOUT)
    yield stub
    assert "Traceback" not in stub.read_stderr()


@pytest.fixture(scope="module")
def shared_stub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StubProcess]:
    """One stub for the tests that send one bad request at a time; its standard error is
    checked once they have all run."""
    process = stub(extra=READ_TIMEOUT, state=tmp_path_factory.mktemp("abuse") / "j.jsonl")
    try:
        yield process
    finally:
        assert "Traceback" not in process.read_stderr()


def _connect(stub: StubProcess) -> socket.socket:
    return socket.create_connection(("127.0.0.1", stub.port), timeout=CLOSE_DEADLINE_S)


def _read_all(conn: socket.socket) -> bytes:
    """Everything the stub sends until it closes the connection (a reset counts as a
    close: the stub dropped us)."""
    chunks = []
    while True:
        try:
            chunk = conn.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _head(stub: StubProcess, method: str, path: str, length: int | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: stub", f"Authorization: Bearer {stub.token}"]
    if length is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {length}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _post(stub: StubProcess, path: str, content: bytes) -> httpx.Response:
    headers = {"Authorization": f"Bearer {stub.token}", "Content-Type": "application/json"}
    return httpx.post(stub.url + path, content=content, headers=headers, timeout=10)


def _patiently(call: Callable[[], T], tries: int = 20) -> T:
    """``call`` again while the stub answers 503 busy, as its Retry-After asks."""
    for _ in range(tries - 1):
        try:
            return call()
        except ServiceUnavailable as exc:
            assert exc.code == "busy"
            threading.Event().wait(1.0)  # Retry-After: 1
    return call()


def test_idle_sockets_above_the_cap_neither_lock_out_clients_nor_stay_open(
    start_stub: StubFactory,
) -> None:
    # 256 open files, as macOS gives a process: the probe's 258 idle sockets used them
    # all, and the stub's accept loop then failed at full CPU and served nobody.
    resource = pytest.importorskip("resource")
    if not hasattr(resource, "prlimit"):
        pytest.skip("needs Linux's prlimit to give the stub 256 open files")
    stub = start_stub(extra=READ_TIMEOUT, max_open_files=256)
    idle = [_connect(stub) for _ in range(300)]
    try:
        with stub.client(timeout=10) as client:
            assert _patiently(client.status).name == "EXCH01"
            # and a job can be submitted while the idle sockets are still there
            job = client.submit_job("key-idle-flood-0001", "provision", "exchange", EXCHANGE)
            assert job.operation == "provision"
        answers = {_read_all(conn) for conn in idle}
    finally:
        for conn in idle:
            conn.close()
    # Every idle socket was closed by the stub without a word: evicted, timed out, or
    # (those turned away) closed when their request never came.
    assert answers == {b""}
    assert "Traceback" not in stub.read_stderr()


def test_connections_over_the_cap_get_503_busy_then_service_resumes(
    abuse_stub: StubProcess,
) -> None:
    # Every slot held by a body that stopped after 1 of 1,000 declared bytes.
    stalled = []
    for _ in range(MAX_CONNECTIONS):
        conn = _connect(abuse_stub)
        conn.sendall(_head(abuse_stub, "POST", "/v1/jobs", length=1000) + b"{")
        stalled.append(conn)
    try:
        refused = httpx.get(
            abuse_stub.url + "/v1/status",
            headers={"Authorization": f"Bearer {abuse_stub.token}"},
            timeout=10,
        )
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "1"
        assert refused.json()["error"]["code"] == "busy"
        without_token = httpx.get(abuse_stub.url + "/v1/status", timeout=10)
        assert without_token.status_code == 401  # the token first, even when busy
        # The stalled bodies are dropped at the read timeout, without an answer ...
        assert [_read_all(conn) for conn in stalled] == [b""] * MAX_CONNECTIONS
    finally:
        for conn in stalled:
            conn.close()
    # ... and their slots serve again.
    with abuse_stub.client(timeout=10) as client:
        assert _patiently(client.status).running is True


def test_two_hundred_clients_at_once_are_all_served(abuse_stub: StubProcess) -> None:
    clients = 200
    start = threading.Barrier(clients)
    outcomes: list[str] = []
    job_ids: list[str] = []

    def one(number: int) -> None:
        start.wait()
        key = f"key-crowd-{number:04d}"
        parameters = {**EXCHANGE, "name": key}
        try:
            with ProvisioningClient(abuse_stub.url, abuse_stub.token, timeout=15) as client:
                _patiently(client.status)
                job = _patiently(
                    lambda: client.submit_job(key, "provision", "exchange", parameters)
                )
            job_ids.append(job.id)
            outcomes.append("served")
        except Exception as exc:  # what went wrong, for the assertion below
            outcomes.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=one, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Counter(outcomes) == {"served": clients}
    with abuse_stub.client(timeout=10) as client:
        keys = {job.idempotency_key for job in client.jobs(job_ids)}
    assert keys == {f"key-crowd-{n:04d}" for n in range(clients)}


def test_a_silent_a_slow_and_a_truncated_client_are_dropped(abuse_stub: StubProcess) -> None:
    silent = _connect(abuse_stub)
    truncated = _connect(abuse_stub)
    truncated.sendall(_head(abuse_stub, "POST", "/v1/jobs", length=1000) + b"{")
    slow = _connect(abuse_stub)
    try:
        # One byte every half second: each read is quick, the request never ends in time.
        assert _dropped_while_dripping(slow, _head(abuse_stub, "GET", "/v1/status"))
        assert _read_all(silent) == b""
        assert _read_all(truncated) == b""
    finally:
        for conn in (silent, truncated, slow):
            conn.close()
    with abuse_stub.client(timeout=10) as client:
        assert client.status().running is True


def _dropped_while_dripping(conn: socket.socket, request: bytes) -> bool:
    """Send ``request`` a byte every half second; whether the stub closed before the end."""
    conn.settimeout(0.5)
    for position in range(len(request)):
        try:
            if conn.recv(1) == b"":
                return True
        except TimeoutError:
            pass
        except OSError:
            return True
        try:
            conn.sendall(request[position : position + 1])
        except OSError:
            return True
    return False


def test_a_body_cut_short_by_its_client_is_400(shared_stub: StubProcess) -> None:
    with _connect(shared_stub) as conn:
        conn.sendall(_head(shared_stub, "POST", "/v1/jobs", length=1000) + b"{")
        conn.shutdown(socket.SHUT_WR)
        answer = _read_all(conn)
    assert answer.startswith(b"HTTP/1.1 400")
    assert b'"field": "Content-Length"' in answer
    assert b"ended after 1 of 1000 bytes" in answer


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[" * 60_000, "nested deeper"),
        (b'{"a": ' * 5_000 + b"1" + b"}" * 5_000, "nested deeper"),
        (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), "nested deeper"),
        (b'{"ids": [' + b"7" * 5_000 + b"]}", f"(at most {MAX_NUMBER_CHARS})"),
        (b'{"ids": [' + b"7" * (MAX_NUMBER_CHARS + 1) + b"]}", f"(at most {MAX_NUMBER_CHARS})"),
        (b'{"ids": [1e999]}', "too large to hold"),
        (b'{"ids": [NaN]}', "has NaN, which is not a JSON value"),
        (b'{"ids": [], "ids": []}', "has the key 'ids' twice"),
        (b'{"ids": ["\\ud800"]}', "surrogate"),
        (b'{"ids": ["\xff"]}', "not UTF-8"),
        (b'{"ids": [' + b"1" * 4_400 + b".5]}", f"(at most {MAX_NUMBER_CHARS})"),
    ],
)
def test_malformed_bodies_are_400_whatever_their_depth_or_numbers(
    shared_stub: StubProcess, body: bytes, reason: str
) -> None:
    answer = _post(shared_stub, "/v1/jobs/query", body)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "bad_request"
    assert reason in error["message"]


def test_bodies_within_the_limits_still_work(shared_stub: StubProcess) -> None:
    nested = b"[" * (MAX_JSON_DEPTH - 1) + b"]" * (MAX_JSON_DEPTH - 1)
    # depth: the object, then MAX_JSON_DEPTH - 1 lists: exactly at the limit
    answer = _post(shared_stub, "/v1/jobs/query", b'{"ids": ' + nested + b"}")
    assert answer.status_code == 422  # well formed, but not a list of ids
    number = b"9" * MAX_NUMBER_CHARS
    answer = _post(shared_stub, "/v1/admin/faults", b'{"latency_ms": ' + number + b"}")
    assert (answer.status_code, answer.json()["error"]["field"]) == (422, "latency_ms")
    texts = b'{"ids": ["[[[[{{{{\\"\\\\", "x"]}'  # brackets inside texts do not count
    assert _post(shared_stub, "/v1/jobs/query", texts).json() == {"jobs": []}


@pytest.mark.parametrize("length", ["1" * 5_000, "+5", "5_0", "0x10", "٣"])
def test_a_content_length_that_is_not_plain_digits_is_400(
    shared_stub: StubProcess, length: str
) -> None:
    with _connect(shared_stub) as conn:
        head = _head(shared_stub, "POST", "/v1/jobs").replace(
            b"\r\n\r\n", f"\r\nContent-Length: {length}\r\n\r\n".encode()
        )
        conn.sendall(head + b"{}")
        answer = _read_all(conn)
    assert answer.startswith(b"HTTP/1.1 400")
    assert b'"field": "Content-Length"' in answer


def test_a_request_the_library_refuses_is_answered_in_json(shared_stub: StubProcess) -> None:
    with _connect(shared_stub) as conn:
        conn.sendall(b"BREW /v1/status HTTP/1.1\r\nHost: stub\r\n\r\n")
        answer = _read_all(conn)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 501")
    assert json.loads(body)["error"]["code"] == "not_implemented"


@pytest.mark.parametrize("mode", ["unavailable", "stopped", "hang"])
def test_no_token_is_401_before_any_fault_mode(shared_stub: StubProcess, mode: str) -> None:
    with shared_stub.client(timeout=10) as client:
        client.set_faults(mode=mode)
        try:
            for method, path in (("GET", "/v1/status"), ("POST", "/v1/jobs")):
                answer = httpx.request(method, shared_stub.url + path, json={}, timeout=10)
                assert answer.status_code == 401, (method, path)
                assert answer.json()["error"]["code"] == "unauthorized"
        finally:
            client.set_faults(mode="normal")


def test_a_hanging_stub_lets_go_of_clients_that_gave_up(abuse_stub: StubProcess) -> None:
    with abuse_stub.client(timeout=10) as client:
        client.set_faults(mode="hang")
    # More clients than slots give up on the hanging stub, one after the other ...
    for _ in range(MAX_CONNECTIONS + 8):
        conn = _connect(abuse_stub)
        conn.sendall(_head(abuse_stub, "GET", "/v1/status"))
        conn.close()
    # ... and their slots are free again: the admin call still gets through.
    with abuse_stub.client(timeout=10) as client:
        faults = _patiently(lambda: client.set_faults(mode="normal"))
        assert faults["mode"] == "normal"
        assert client.status().running is True


@pytest.mark.parametrize("seconds", ["0", "-1", "3601"])
def test_a_read_timeout_out_of_range_is_a_usage_error(seconds: str) -> None:
    options = ["--role", "control", "--name", "CP", "--build", "8.2.0", "--read-timeout", seconds]
    done = subprocess.run(
        [sys.executable, "-m", "studio", "stub", *options],
        capture_output=True,
        text=True,
        env={**os.environ, TOKEN_ENV: new_token()},
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == "read-timeout: must be more than 0 and at most 3600 seconds\n"
