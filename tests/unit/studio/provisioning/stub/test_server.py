"""``studio/provisioning/stub/server.py`` in this process: what a fault of the stub
itself becomes (a 500 and one log line), and the accept loop when descriptors run out."""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from studio.provisioning.client import ProvisioningClient, ServiceUnavailable
from studio.provisioning.protocol import Role
from studio.provisioning.stub import server as server_module
from studio.provisioning.stub.engine import StubEngine
from studio.provisioning.stub.server import StubServer

TOKEN = "unit-test-token-0123456789"


@pytest.fixture
def served() -> Iterator[StubServer]:
    engine = StubEngine.open(
        role=Role.REMOTE, name="EXCH01", build="8.2.0", services=("exchange",), state_file=None
    )
    server = StubServer(("127.0.0.1", 0), engine, TOKEN)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def _get(server: StubServer, path: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    return httpx.get(server.url + path, headers=headers, timeout=10)


def test_an_error_inside_a_call_is_a_500_in_json_and_one_log_line(
    served: StubServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> dict[str, Any]:
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(served.engine, "status", broken)
    with caplog.at_level(logging.ERROR, logger=server_module.__name__):
        answer = _get(served, "/v1/status")
    assert answer.status_code == 500
    assert answer.json() == {
        "error": {"code": "internal", "message": "the stub failed to answer this call"}
    }
    [record] = caplog.records
    assert record.getMessage() == "GET /v1/status failed: RuntimeError: the engine broke"
    assert record.exc_info is None  # no traceback
    # The studio's client takes it as a server fault, to try again: not a refusal.
    with (
        ProvisioningClient(served.url, TOKEN) as client,
        pytest.raises(ServiceUnavailable) as caught,
    ):
        client.status()
    assert caught.value.code == "internal"
    monkeypatch.undo()
    assert _get(served, "/v1/status").status_code == 200  # and it still serves


def test_an_error_outside_a_call_is_one_line_a_torn_connection_only_debug(
    served: StubServer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger=server_module.__name__):
        for error in (ConnectionResetError(errno.ECONNRESET, "reset"), KeyError("lost")):
            try:
                raise error
            except Exception:
                served.handle_error(None, ("127.0.0.1", 4242))  # type: ignore[arg-type]
    assert [(r.levelno, r.getMessage(), r.exc_info) for r in caplog.records] == [
        (logging.DEBUG, "connection from 127.0.0.1 ended: [Errno 104] reset", None),
        (logging.ERROR, "connection from 127.0.0.1 failed: KeyError: 'lost'", None),
    ]


def test_accept_out_of_descriptors_pauses_instead_of_spinning(
    served: StubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pauses: list[float] = []

    class NoDescriptors:
        def accept(self) -> None:
            raise OSError(errno.EMFILE, "Too many open files")

    monkeypatch.setattr(time, "sleep", pauses.append)
    listening = served.socket
    monkeypatch.setattr(served, "socket", NoDescriptors())
    try:
        with pytest.raises(OSError, match="Too many open files"):
            served.get_request()
    finally:
        monkeypatch.setattr(served, "socket", listening)
    assert pauses == [0.1]
