"""``python -m studio`` runs the same command line as ``machpanel-studio``."""

from studio.cli import main

raise SystemExit(main())
