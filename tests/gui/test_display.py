"""The pre-flight display check says what is missing instead of letting Qt abort."""

from __future__ import annotations

import ctypes.util

import pytest

from ui.display import display_problem


def test_windows_and_explicit_platforms_are_trusted() -> None:
    assert display_problem({}, "win32") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None


def test_no_display_is_explained() -> None:
    problem = display_problem({}, "linux")
    assert problem is not None
    assert problem.startswith("no display: DISPLAY (and WAYLAND_DISPLAY) are not set")
    assert "--self-test" in problem


def test_missing_x11_libraries_are_named_with_their_packages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        ctypes.util,
        "find_library",
        lambda name: None if name in {"xcb-cursor", "xcb-icccm"} else f"lib{name}.so",
    )
    problem = display_problem({"DISPLAY": ":0"}, "linux")
    assert problem is not None
    assert problem.endswith("sudo apt-get install libxcb-cursor0 libxcb-icccm4")


def test_the_command_refuses_cleanly_without_a_display(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.launcher import main

    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert main([]) == 1
    assert capsys.readouterr().err.startswith("machpanel-studio: no display:")
