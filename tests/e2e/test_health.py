"""The prerequisites check against stubs as real processes: each failure, found and explained."""

from __future__ import annotations

import time

import pytest

from studio.provisioning.health import Endpoint, ServerState, check_prerequisites, probe
from tests.e2e.conftest import StubFactory
from tests.support.stub_process import StubProcess

pytestmark = pytest.mark.slow


def _endpoint(stub: StubProcess, name: str, role: str = "remote") -> Endpoint:
    return Endpoint(name, role, stub.url, stub.token)


def test_all_pass_when_builds_match_and_services_run(start_stub: StubFactory) -> None:
    control = start_stub(role="control", name="CP01", services=())
    remote = start_stub(name="EXCH01")
    report = check_prerequisites(
        _endpoint(control, "CP01", "control"), [_endpoint(remote, "EXCH01")]
    )
    assert report.passed
    assert [c.title for c in report.checks] == [
        "Control build vs Remote build",
        "Provisioning Service running on the Control Server",
        "Provisioning Service running on EXCH01",
        "Token accepted",
    ]
    assert report.server_ready("EXCH01")


def test_build_mismatch_is_named_with_both_builds(start_stub: StubFactory) -> None:
    control = start_stub(role="control", name="CP01", services=(), build="8.2.0")
    remote = start_stub(name="EXCH01", build="8.1.2")
    report = check_prerequisites(
        _endpoint(control, "CP01", "control"), [_endpoint(remote, "EXCH01")]
    )
    assert not report.passed
    [failure] = report.failures("EXCH01")
    assert failure.message == "EXCH01 is on build 8.1.2, the Control Server on 8.2.0"
    assert failure.fix.startswith("Install MachPanel build 8.2.0 on EXCH01")
    assert report.remotes[0].state is ServerState.BUILD_MISMATCH


def test_stopped_unreachable_unauthorized(start_stub: StubFactory) -> None:
    control = start_stub(role="control", name="CP01", services=())
    stopped = start_stub(name="EXCH01", extra=("--mode", "stopped"))
    gone = start_stub(name="WEB01")
    gone.stop()
    wrong = start_stub(name="SQL01")
    report = check_prerequisites(
        _endpoint(control, "CP01", "control"),
        [
            _endpoint(stopped, "EXCH01"),
            _endpoint(gone, "WEB01"),
            Endpoint("SQL01", "remote", wrong.url, "not-the-right-token-at-all"),
        ],
    )
    states = {r.name: r.state for r in report.remotes}
    assert states == {
        "EXCH01": ServerState.STOPPED,
        "WEB01": ServerState.UNREACHABLE,
        "SQL01": ServerState.UNAUTHORIZED,
    }
    assert report.failures("EXCH01")[0].fix == "Start the MachPanel Provisioning Service on EXCH01."
    token = next(c for c in report.checks if c.server == "SQL01" and c.title == "Token accepted")
    assert not token.passed and token.message == "SQL01 refused the token"


def test_a_hanging_server_costs_its_timeout_not_more(start_stub: StubFactory) -> None:
    control = start_stub(role="control", name="CP01", services=())
    healthy = start_stub(name="EXCH01")
    hanging = start_stub(name="WEB01", extra=("--mode", "hang"))
    started = time.perf_counter()
    report = check_prerequisites(
        _endpoint(control, "CP01", "control"),
        [_endpoint(healthy, "EXCH01"), _endpoint(hanging, "WEB01")],
        timeout=0.5,
    )
    elapsed = time.perf_counter() - started
    assert elapsed < 1.5
    assert report.server_ready("EXCH01")
    assert not report.server_ready("WEB01")
    assert report.remotes[1].state is ServerState.NOT_ANSWERING


def test_a_server_trickling_bytes_is_cut_off_at_the_deadline() -> None:
    """httpx's timeout is per read; a byte every 0.3 s would keep it waiting for ever."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 100:
                if stop.wait(0.3):
                    return
                conn.sendall(bytes([byte]))

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    started = time.perf_counter()
    health = probe(Endpoint("SLOW01", "remote", url, "a-token-for-the-slow-one"), timeout=1.0)
    elapsed = time.perf_counter() - started
    stop.set()
    listener.close()
    assert health.state is ServerState.NOT_ANSWERING
    assert elapsed < 1.8


def test_a_server_answering_as_another_is_misconfigured(start_stub: StubFactory) -> None:
    control = start_stub(role="control", name="CP01", services=())
    web = start_stub(name="WEB01", services=("web", "dns"))
    report = check_prerequisites(
        Endpoint("CP01", "control", control.url, control.token),
        [
            Endpoint("EXCH01", "remote", control.url, control.token),  # points at the control
            Endpoint("WEB01", "remote", web.url, web.token, ("web", "mssql")),
        ],
    )
    states = {r.name: (r.state, r.message) for r in report.remotes}
    assert states["EXCH01"][0] is ServerState.MISCONFIGURED
    assert "of a control server (CP01), not of a remote server" in states["EXCH01"][1]
    assert states["WEB01"] == (ServerState.MISCONFIGURED, "WEB01 does not host MS SQL")
    assert not report.passed


def test_missing_token_and_not_started_are_explained() -> None:
    assert probe(Endpoint("X", "remote", "http://127.0.0.1:9", None)).state is ServerState.NO_TOKEN
    not_started = probe(Endpoint("CP01", "control", None, None))
    assert not_started.state is ServerState.NOT_STARTED
    assert "not started" in not_started.message
