"""``python -m ui`` is ``machpanel-studio``: the window, or a command. The frozen build
starts here."""

from ui.launcher import main

raise SystemExit(main())
