"""The program's entry point: the command line, with the window it opens.

``studio`` never imports the GUI (it runs without Qt); this module, outside it, hands the
command line a :class:`QtWindow` that opens the window when no command is given (as
Dangerzone's package root picks the CLI or the GUI). Qt is imported only then, so that
``machpanel-studio reseller list`` starts as fast as the core alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from studio.cli import main as cli_main


class QtWindow:
    """Opens the studio window, or runs the self-test that builds it offscreen."""

    def run(self, data_dir: str | None, database_url: str | None) -> int:
        """Open the window and run the event loop until it closes."""
        from ui.app import run_gui  # start-up: Qt only when the window opens

        return run_gui(data_dir, database_url)

    def self_test(self, data_dir: str | None, database_url: str | None, out: TextIO) -> int:
        """``--self-test``: build the window offscreen, check resources and the database."""
        from ui.selftest import run_self_test  # start-up: Qt only for the self-test

        return run_self_test(data_dir, database_url, out)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """``machpanel-studio``: a command, or the window when none is given."""
    return cli_main(argv, out, window=QtWindow())
