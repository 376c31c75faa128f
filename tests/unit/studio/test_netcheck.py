"""The port check binds for real: a listening port is in use, a closed one is free."""

from __future__ import annotations

import socket

import pytest

from studio.netcheck import PortState, check_port


def test_a_listening_port_is_reported_in_use() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("0.0.0.0", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        result = check_port(port)
    assert result.state is PortState.IN_USE
    assert f"Port {port} is in use" in result.message


def test_a_closed_port_is_reported_free() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("0.0.0.0", 0))
        port = probe.getsockname()[1]
    result = check_port(port)
    assert result.state is PortState.FREE
    assert result.message == f"Port {port} is free on this machine."


def test_ports_outside_the_range_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        check_port(70000)
