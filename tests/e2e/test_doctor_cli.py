"""``doctor``, ``server`` and ``provisioning`` on the command line."""

from __future__ import annotations

import io
import json

import pytest

from studio.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main
from tests.e2e.conftest import StubFactory

pytestmark = pytest.mark.slow


def run(*argv: str, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    import sys

    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return main(list(argv), out=out), out.getvalue()
    finally:
        sys.stdin = saved


def test_doctor_on_the_embedded_default_passes_and_leaves_nothing_running() -> None:
    code, out = run("doctor", "--json")
    assert code == EXIT_OK
    report = json.loads(out)
    assert report["passed"] is True
    assert [r["name"] for r in report["remotes"]] == ["EXCH01", "WEB01"]
    assert all(r["elapsed_ms"] < 2000 for r in report["remotes"])


def test_doctor_fails_on_a_build_mismatch(
    start_stub: StubFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    old = start_stub(name="OLD01", build="8.1.2", services=("dns",))
    code, _ = run(
        "server",
        "add",
        "--name",
        "old01",
        "--host",
        "127.0.0.1",
        "--port",
        str(old.port),
        "--services",
        "dns",
        "--token-stdin",
        stdin=old.token + "\n",
    )
    assert code == EXIT_OK
    code, out = run("doctor")
    assert code == EXIT_FAILURE
    assert (
        "[FAIL] Control build vs Remote build: OLD01 is on build 8.1.2, the Control Server on 8.2.0"
        in out
    )
    assert "fix: Install MachPanel build 8.2.0 on OLD01" in out
    assert out.rstrip().endswith("prerequisites FAILED")
    code, listed = run("server", "list", "--json")
    assert [s["name"] for s in json.loads(listed)] == ["EXCH01", "OLD01", "WEB01"]
    assert old.token not in listed
    assert run("server", "remove", "old01")[0] == EXIT_OK
    assert run("doctor")[0] == EXIT_OK


def test_server_add_reads_the_token_from_stdin_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(
        "server",
        "add",
        "--name",
        "X1",
        "--host",
        "h",
        "--port",
        "1",
        "--services",
        "dns",
        "--token-stdin",
        stdin="",
    )
    assert code == EXIT_USAGE
    assert capsys.readouterr().err.startswith("token: --token-stdin was given but standard input")
    code, _ = run(
        "server", "add", "--name", "X1", "--host", "h", "--port", "1", "--services", "dns"
    )
    assert code == EXIT_USAGE


def test_provisioning_external_round_trip(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(
        "provisioning",
        "set",
        "--mode",
        "external",
        "--host",
        "cp.example.com",
        "--port",
        "8443",
        "--token-stdin",
        stdin="control-token-0123456789\n",
    )
    assert code == EXIT_OK
    code, out = run("provisioning", "show")
    shown = json.loads(out)
    assert (shown["mode"], shown["host"], shown["port"], shown["token_stored"]) == (
        "external",
        "cp.example.com",
        8443,
        True,
    )
    assert "control-token" not in out
