"""Fixtures for tests that run the provisioning stub as a real process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.stub_process import StubProcess, stub

StubFactory = Callable[..., StubProcess]


@pytest.fixture
def start_stub(tmp_path: Path) -> Iterator[StubFactory]:
    """Start stubs (journal in the test's folder); every one is stopped afterwards."""
    started: list[StubProcess] = []

    def factory(**kwargs: object) -> StubProcess:
        kwargs.setdefault("state", tmp_path / f"stub-{len(started)}.jsonl")
        process = stub(**kwargs)  # type: ignore[arg-type]
        started.append(process)
        return process

    yield factory
    for process in started:
        if process.process is not None and process.process.poll() is None:
            process.kill()
