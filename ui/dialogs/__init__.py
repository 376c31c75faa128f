"""Dialogs of the main window's pages, each opened with ``open()`` (never ``exec()``)."""
