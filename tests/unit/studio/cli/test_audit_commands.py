"""``machpanel-studio audit list|export``: the limit is a number of rows, 1 to 2^63-1."""

from __future__ import annotations

import json

import pytest

from tests.support.cli import run


def _events(n: int) -> None:
    for port in range(8001, 8001 + n):
        assert run("website", "set", "--port", str(port))[0] == 0


@pytest.mark.parametrize("limit", ["-1", "0", "9223372036854775808", "ten"])
def test_a_limit_outside_1_to_2_63_is_refused(
    limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _events(2)
    code, out = run("audit", "list", "--limit", limit)
    assert (code, out) == (2, "")
    message = f"{limit!r} must be a whole number from 1 to 9223372036854775807"
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.endswith(f"error: argument --limit: {message}")


def test_a_limit_gives_at_most_that_many_newest_first() -> None:
    _events(3)
    rows = json.loads(run("audit", "list", "--limit", "2", "--json")[1])
    assert len(rows) == 2 and rows[0]["id"] > rows[1]["id"]
    everything = json.loads(run("audit", "list", "--limit", "9223372036854775807", "--json")[1])
    assert len(everything) >= 3
