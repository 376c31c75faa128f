"""The provisioning stub as a real process: protocol, durability and fault injection."""

from __future__ import annotations

import json
import json as jsonlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from studio.provisioning.client import (
    RequestRejected,
    ServiceUnavailable,
    TimedOut,
    Unauthorized,
    Unreachable,
)
from studio.provisioning.protocol import MAX_BODY_BYTES, JobState
from tests.e2e.conftest import StubFactory
from tests.support.stub_process import StubProcess

pytestmark = pytest.mark.slow

EXCHANGE = {"name": "Contoso", "mailboxes": 25, "mailbox_size_mb": 2048}


def _wait_finished(stub: StubProcess, job_id: str, timeout: float = 10) -> JobState:
    with stub.client() as client:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = client.job(job_id)
            if job.state.finished:
                return job.state
            time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def _raw(
    stub: StubProcess, method: str, path: str, content: bytes | None = None, json: object = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {stub.token}"}
    return httpx.request(
        method, stub.url + path, headers=headers, timeout=5, content=content, json=json
    )


def test_first_line_and_status(start_stub: StubFactory) -> None:
    stub = start_stub(name="EXCH01", build="8.2.0")
    assert re.fullmatch(r"listening on http://127\.0\.0\.1:\d+", stub.first_line)
    with stub.client() as client:
        status = client.status()
    assert (status.role, status.name, status.build, status.running) == (
        "remote",
        "EXCH01",
        "8.2.0",
        True,
    )
    assert status.services == ("exchange", "sharepoint")


def test_token_is_required_and_nothing_is_done_without_it(start_stub: StubFactory) -> None:
    stub = start_stub()
    assert httpx.get(stub.url + "/v1/status", timeout=5).status_code == 401
    with stub.client(token="wrong-token-wrong-token") as wrong, pytest.raises(Unauthorized):
        wrong.submit_job("key-unauthorized", "provision", "exchange", EXCHANGE)
    time.sleep(0.8)
    with stub.client() as client:
        assert client.resources() == []
    body = {
        "idempotency_key": "key-unauthorized",
        "operation": "provision",
        "service": "exchange",
        "parameters": EXCHANGE,
    }
    assert _raw(stub, "POST", "/v1/jobs", json=body).status_code == 201  # a new job


def test_the_token_is_not_in_the_process_arguments(start_stub: StubFactory) -> None:
    stub = start_stub()
    assert stub.process is not None
    cmdline = Path(f"/proc/{stub.process.pid}/cmdline")
    if cmdline.exists():
        assert stub.token.encode() not in cmdline.read_bytes()


def test_malformed_and_oversized_requests(start_stub: StubFactory) -> None:
    stub = start_stub()
    bad = _raw(stub, "POST", "/v1/jobs", content=b"{not json")
    assert bad.status_code == 400
    assert bad.json()["error"]["message"].startswith("malformed JSON:")
    big = _raw(stub, "POST", "/v1/jobs", content=b"x" * (MAX_BODY_BYTES + 1))
    assert big.status_code == 413
    not_object = _raw(stub, "POST", "/v1/jobs", content=b"[1, 2]")
    assert not_object.status_code == 400


@pytest.mark.parametrize(
    ("service", "parameters", "field"),
    [
        ("fax", {"name": "x"}, "service"),
        ("web", {"name": "x", "sites": 1, "disk_gb": 1, "bandwidth_gb": 1}, "service"),
        ("exchange", {**EXCHANGE, "mailboxes": 0}, "parameters.mailboxes"),
        ("exchange", {**EXCHANGE, "mailboxes": "ten"}, "parameters.mailboxes"),
        ("exchange", {**EXCHANGE, "storage_gb": 5}, "parameters.storage_gb"),
        ("exchange", {"name": "x", "mailboxes": 5}, "parameters.mailbox_size_mb"),
    ],
)
def test_requests_outside_the_catalog_name_the_parameter(
    start_stub: StubFactory, service: str, parameters: dict[str, object], field: str
) -> None:
    stub = start_stub()
    body = {
        "idempotency_key": "key-catalog",
        "operation": "provision",
        "service": service,
        "parameters": parameters,
    }
    answer = _raw(stub, "POST", "/v1/jobs", json=body)
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == field


def test_unknown_operation_is_422(start_stub: StubFactory) -> None:
    stub = start_stub()
    with stub.client() as client, pytest.raises(RequestRejected) as caught:
        client.submit_job("key-operation", "reboot", "exchange", EXCHANGE)
    assert (caught.value.status, caught.value.field) == (422, "operation")


def test_same_key_gives_the_same_job_and_one_resource(start_stub: StubFactory) -> None:
    stub = start_stub()
    with stub.client() as client:
        first = client.submit_job("key-idempotent", "provision", "exchange", EXCHANGE)
        again = client.submit_job("key-idempotent", "provision", "exchange", EXCHANGE)
        assert again.id == first.id
        assert _wait_finished(stub, first.id) is JobState.SUCCEEDED
        third = client.submit_job("key-idempotent", "provision", "exchange", EXCHANGE)
        assert third.id == first.id and third.state is JobState.SUCCEEDED
        resources = client.resources()
        assert len(resources) == 1
        assert resources[0]["job_id"] == first.id
        assert resources[0]["quotas"] == {"mailboxes": 25, "mailbox_size_mb": 2048}
        with pytest.raises(RequestRejected) as caught:
            client.submit_job(
                "key-idempotent", "provision", "exchange", {**EXCHANGE, "mailboxes": 9}
            )
        assert caught.value.status == 409


def test_progress_moves_from_queued_to_succeeded(start_stub: StubFactory) -> None:
    stub = start_stub(job_seconds=3.0)
    with stub.client() as client:
        job = client.submit_job("key-progress", "provision", "exchange", EXCHANGE)
        assert job.state is JobState.QUEUED and job.progress == 0
        time.sleep(0.8)
        running = client.job(job.id)
        assert running.state is JobState.RUNNING
        assert 0 < running.progress < 100
    assert _wait_finished(stub, job.id) is JobState.SUCCEEDED


def test_update_and_deprovision(start_stub: StubFactory) -> None:
    stub = start_stub()
    with stub.client() as client:
        job = client.submit_job("key-create-1", "provision", "exchange", EXCHANGE)
        _wait_finished(stub, job.id)
        resource_id = client.job(job.id).result["resource_id"]  # type: ignore[index]
        update = client.submit_job(
            "key-update-1", "update", "exchange", {"resource_id": resource_id, "mailboxes": 50}
        )
        _wait_finished(stub, update.id)
        assert client.resources()[0]["quotas"]["mailboxes"] == 50
        remove = client.submit_job(
            "key-remove-1", "deprovision", "exchange", {"resource_id": resource_id}
        )
        _wait_finished(stub, remove.id)
        assert client.resources() == []


def test_cancel_stops_a_job_before_it_creates_anything(start_stub: StubFactory) -> None:
    stub = start_stub(job_seconds=1.0)
    with stub.client() as client:
        job = client.submit_job("key-cancel-1", "provision", "exchange", EXCHANGE)
        assert client.cancel(job.id).state is JobState.CANCELLED
        time.sleep(1.5)
        assert client.job(job.id).state is JobState.CANCELLED
        assert client.resources() == []
        done = client.submit_job("key-cancel-2", "provision", "exchange", EXCHANGE)
        _wait_finished(stub, done.id)
        with pytest.raises(RequestRejected) as caught:
            client.cancel(done.id)
        assert caught.value.status == 409


def test_sigkill_mid_job_loses_nothing_and_doubles_nothing(start_stub: StubFactory) -> None:
    stub = start_stub(job_seconds=1.0)
    with stub.client() as client:
        finished = client.submit_job("key-before-kill", "provision", "exchange", EXCHANGE)
    _wait_finished(stub, finished.id)
    with stub.client() as client:
        pending = client.submit_job(
            "key-mid-kill", "provision", "exchange", {**EXCHANGE, "name": "B"}
        )
    stub.kill()
    stub.start(port=stub.port)
    assert _wait_finished(stub, pending.id) is JobState.SUCCEEDED
    with stub.client() as client:
        again = client.submit_job(
            "key-mid-kill", "provision", "exchange", {**EXCHANGE, "name": "B"}
        )
        assert again.id == pending.id
        names = sorted(r["name"] for r in client.resources())
    assert names == ["B", "Contoso"]


def test_a_torn_journal_line_is_ignored(start_stub: StubFactory, tmp_path: Path) -> None:
    state = tmp_path / "torn.jsonl"
    stub = start_stub(state=state)
    with stub.client() as client:
        job = client.submit_job("key-torn-0001", "provision", "exchange", EXCHANGE)
    _wait_finished(stub, job.id)
    stub.kill()
    torn_but_valid = json.dumps(
        {
            "kind": "job",
            "id": "f" * 32,
            "key": "key-torn-0002",
            "operation": "provision",
            "service": "exchange",
            "parameters": EXCHANGE,
            "submitted_at": 0.0,
            "duration": 1.0,
            "will_fail": False,
            "state": "queued",
            "result": None,
            "error": None,
            "finished_at": None,
        }
    )
    with state.open("a", encoding="utf-8") as journal:
        journal.write(torn_but_valid)  # whole JSON, but its newline never made it
    stub.start()
    with stub.client() as client:
        assert len(client.resources()) == 1
    assert _raw(stub, "GET", "/v1/jobs/" + "f" * 32).status_code == 404


def test_fail_rate_fails_jobs_and_leaves_no_resource(start_stub: StubFactory) -> None:
    stub = start_stub(extra=("--fail-rate", "1"))
    with stub.client() as client:
        job = client.submit_job("key-fail-0001", "provision", "exchange", EXCHANGE)
        assert _wait_finished(stub, job.id) is JobState.FAILED
        failed = client.job(job.id)
        assert failed.error is not None and "simulated failure" in failed.error
        assert client.resources() == []


def test_faults_can_be_changed_at_run_time(start_stub: StubFactory) -> None:
    stub = start_stub()
    with stub.client(timeout=0.5) as client:
        client.set_faults(build="8.1.2")
        assert client.status().build == "8.1.2"
        client.set_faults(build=None, latency_ms=300)
        started = time.perf_counter()
        client.status()
        assert time.perf_counter() - started >= 0.3
        client.set_faults(latency_ms=0, mode="unavailable")
        with pytest.raises(ServiceUnavailable) as unavailable:
            client.status()
        assert unavailable.value.code == "unavailable"
        client.set_faults(mode="stopped")
        assert client.status().running is False
        with pytest.raises(ServiceUnavailable) as stopped:
            client.submit_job("key-stopped-1", "provision", "exchange", EXCHANGE)
        assert stopped.value.code == "stopped"
        client.set_faults(mode="hang")
        with pytest.raises(TimedOut):
            client.status()
        client.set_faults(mode="normal")
        assert client.status().running is True


def test_negative_content_length_is_refused(start_stub: StubFactory) -> None:
    stub = start_stub()
    answer = _send_raw(
        stub,
        b"POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + stub.token.encode()
        + b"\r\nContent-Length: -1\r\n\r\n{}",
    )
    assert answer.startswith(b"HTTP/1.1 400")
    assert b'"field": "Content-Length"' in answer


def test_an_unread_body_never_becomes_the_next_request(start_stub: StubFactory) -> None:
    stub = start_stub()
    body = b'{"a":1}'
    first = (
        b"POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong-token-wrong\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    second = (
        b"GET /v1/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + stub.token.encode()
        + b"\r\n\r\n"
    )
    answer = _send_raw(stub, first + second)
    assert answer.startswith(b"HTTP/1.1 401")
    assert b"501" not in answer  # the body was not parsed as a request line


def _send_raw(stub: StubProcess, data: bytes) -> bytes:
    import socket

    with socket.create_connection(("127.0.0.1", stub.port), timeout=5) as conn:
        conn.sendall(data)
        chunks = []
        while True:
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def test_stopped_stub_is_unreachable(start_stub: StubFactory) -> None:
    stub = start_stub()
    assert stub.stop() == 0
    with stub.client(timeout=0.5) as client, pytest.raises(Unreachable):
        client.status()


def test_missing_token_is_a_usage_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MACHPANEL_STUB_TOKEN"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "studio",
            "stub",
            "--role",
            "control",
            "--name",
            "CP",
            "--build",
            "8.2.0",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("token: set MACHPANEL_STUB_TOKEN or --token-file")


def test_token_file_is_accepted(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("a-token-from-a-file-123\n")
    from tests.support.stub_process import StubProcess as Proc

    proc = Proc(
        args=[
            "--role",
            "control",
            "--name",
            "CP",
            "--build",
            "8.2.0",
            "--token-file",
            str(token_file),
        ],
        state=None,
        token="a-token-from-a-file-123",
        extra_env={"MACHPANEL_STUB_TOKEN": ""},
    ).start()
    try:
        with proc.client() as client:
            assert client.status().role == "control"
    finally:
        proc.stop()
    assert jsonlib.dumps(proc.args).count("a-token-from-a-file-123") == 0
