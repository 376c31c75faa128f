"""Run the command line in-process, as the tests of several areas do."""

from __future__ import annotations

import io

from studio.cli import main


def run(*argv: str) -> tuple[int, str]:
    """``machpanel-studio ARGV…`` in this process: its exit code and standard output."""
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()
