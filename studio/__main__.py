"""``python -m studio`` runs the commands of ``machpanel-studio`` without the window
(the embedded stubs start as ``python -m studio stub``); ``python -m ui`` opens it."""

from studio.cli import main

raise SystemExit(main())
