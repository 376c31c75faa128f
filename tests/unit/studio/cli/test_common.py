"""What the commands share (``studio.cli.common``): the id type, escaping on output."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator

import pytest

from studio.cli import build_parser
from studio.cli.common import MAX_ID, escape_unencodable, positive_id, wait_seconds
from tests.support.cli import run


def _actions(
    parser: argparse.ArgumentParser, path: str = ""
) -> Iterator[tuple[str, argparse.Action]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _actions(sub, f"{path} {name}".strip())
        else:
            yield path, action


def test_positive_id_accepts_1_to_2_63_minus_1() -> None:
    assert positive_id("1") == 1
    assert positive_id(" 42 ") == 42
    assert positive_id(str(MAX_ID)) == MAX_ID
    for text in ("0", "-1", str(MAX_ID + 1), "9" * 5000, "", "1.0", "²", "0x10"):
        with pytest.raises(argparse.ArgumentTypeError):
            positive_id(text)


def test_every_id_and_limit_argument_uses_the_one_type() -> None:
    ints = [
        f"{path} {action.dest}"
        for path, action in _actions(build_parser())
        if action.type is int and action.dest not in ("port", "latency_ms")
    ]
    assert ints == []
    ids = [
        f"{path} {action.dest}"
        for path, action in _actions(build_parser())
        if action.type is positive_id
    ]
    for expected in (
        "reseller show id",
        "jobs retry id",
        "audit list limit",
        "plan create subscription",
    ):
        assert expected in ids


@pytest.mark.parametrize(
    "argv",
    [
        ["subscription", "list", "9223372036854775808"],
        ["jobs", "retry", "9223372036854775808"],
        ["customer", "suspend", "-5"],
        ["offerings", "show", "0"],
    ],
)
def test_an_id_past_the_database_range_exits_2(argv: list[str]) -> None:
    assert run(*argv)[0] == 2


def test_escape_unencodable_writes_a_lone_surrogate_as_its_escape() -> None:
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    escape_unencodable(stream)
    stream.write("a\ud83db")
    stream.flush()
    assert stream.buffer.getvalue() == b"a\\ud83db"
    already = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="replace")
    escape_unencodable(already)  # a stream that already copes is left as it is
    assert already.errors == "replace"


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["reseller", "list", "--search", "caf\udce9"], "search"),
        (["audit", "list", "--actor", "\udcff"], "actor"),
        (["settings", "resellers", "set", "--label", "commission=\ud83d"], "label"),
    ],
)
def test_an_argument_that_was_not_utf8_is_refused_naming_it(
    argv: list[str], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(*argv) == (2, "")
    assert capsys.readouterr().err.startswith(f"{field}: must not contain a lone surrogate")


def test_a_password_line_that_was_not_utf8_is_refused_before_sign_in(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("pass\udcffword\n"))
    assert run("--as", "someone", "reseller", "list") == (2, "")
    assert capsys.readouterr().err.startswith("as: must not contain a lone surrogate")


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "86401", "soon"])
def test_a_wait_is_some_seconds_up_to_a_day(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("jobs", "wait", "--timeout", value)[0] == 2
    assert "argument --timeout" in capsys.readouterr().err


def test_a_wait_of_a_moment_is_accepted() -> None:
    assert wait_seconds("0.5") == 0.5 and wait_seconds("86400") == 86_400.0
