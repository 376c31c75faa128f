"""``machpanel-studio --self-test``: prove this install works, in one line.

Builds the main window offscreen, loads every resource of the manifest, opens the
database at the current schema, paints the window once, and (in embedded mode) starts the
embedded Provisioning Service stubs and waits for a passing prerequisites check, which
proves that this very executable can run its own ``stub`` command. Used after a PyInstaller
build, where a missing resource, plugin or migration shows up here first.
"""

from __future__ import annotations

import os
import time
from typing import TextIO


def run_self_test(data_dir: str | None, database_url: str | None, out: TextIO) -> int:
    """Print ``self-test passed: …`` and return 0, or ``self-test failed: reason`` and 1."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    try:
        summary = _check(data_dir, database_url)
    except Exception as exc:  # the one line must say why, whatever broke
        print(f"self-test failed: {exc}", file=out)
        return 1
    elapsed = time.perf_counter() - started
    print(f"self-test passed: {summary} in {elapsed:.2f} s", file=out)
    return 0


def _check(data_dir: str | None, database_url: str | None) -> str:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer, qVersion  # start-up

    from studio import CONTROL_SERVER_BUILD, __version__  # start-up
    from studio.resources import manifest  # start-up
    from ui.app import build_main_window, create_application  # start-up
    from ui.resources import check_resources  # start-up

    create_application()
    _check_native_parts()
    missing = check_resources()
    if missing:
        raise RuntimeError(f"resources did not load: {', '.join(missing)}")
    window = build_main_window(data_dir, database_url)
    loop = QEventLoop()
    window.monitor.reportReady.connect(lambda _report: loop.quit())
    window.studioFailed.connect(lambda _message: loop.quit())
    QTimer.singleShot(30_000, loop.quit)
    window.show()
    loop.exec()
    try:
        if window.session.database_error:
            raise RuntimeError(f"database: {window.session.database_error}")
        if window.studio is None:
            raise RuntimeError("database: not opened within 30 s")
        if not window.studio.schema.at_head:
            raise RuntimeError(f"database: schema {window.studio.schema.current} is not at head")
        if window.grab().isNull():
            raise RuntimeError("the main window did not paint")
        report = window.monitor.report
        if report is None:
            raise RuntimeError("provisioning: no prerequisites check within 30 s")
        if not report.passed:
            failures = "; ".join(f"{c.server}: {c.message}" for c in report.failures())
            raise RuntimeError(f"provisioning: {failures}")
        ready = f"{len(report.remotes)} of {len(report.remotes)} Remote Servers ready"
        schema = window.studio.schema.current
        platform = QCoreApplication.instance().platformName()  # type: ignore[union-attr]
    finally:
        window.close()
        window.shutdown()
    return (
        f"studio {__version__} (build {CONTROL_SERVER_BUILD}), {len(manifest())} resources, "
        f"schema {schema}, provisioning {ready}, Qt {qVersion()} {platform}"
    )


def _check_native_parts() -> None:
    """argon2 (a compiled extension) hashes and verifies; e-mail, phone, country,
    locale and web address validation find their data."""
    from studio.domain.user_rules import email_error  # start-up
    from studio.security.passwords import hash_password, verify_password  # start-up

    digest = hash_password("self-test passphrase")
    if not verify_password(digest, "self-test passphrase"):
        raise RuntimeError("argon2: a password did not verify against its own hash")
    if email_error("admin@example.com") is not None:
        raise RuntimeError("e-mail validation rejected a valid address")
    from studio.domain.contact import (  # start-up
        country_value,
        locale_value,
        phone_value,
        website_value,
    )

    # Metadata loaded by name at run time: a frozen build must have carried it along.
    for result, expected in (
        (phone_value("020 7946 0958", "GB"), "+442079460958"),
        (phone_value("+81 3-1234-5678"), "+81312345678"),
        (country_value("de"), "DE"),
        (locale_value("pt_br"), "pt-BR"),
        # rfc3986 and idna's code-point tables (an international host name)
        (website_value("münchen.de"), "https://münchen.de"),
    ):
        if result != (expected, None):
            raise RuntimeError(f"contact validation: expected {expected}, got {result}")
