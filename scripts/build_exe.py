"""Build the PyInstaller onedir executable and run its ``--self-test``.

    uv run python scripts/build_exe.py [--json]

Prints how long the build took, how big ``dist/machpanel-studio`` is, and the frozen
self-test's line; exits non-zero if the build or the self-test fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist" / "machpanel-studio"


def folder_size(path: Path) -> int:
    """Bytes of every file below ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def main() -> int:
    """Build, measure, self-test."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    started = time.perf_counter()
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            str(ROOT / "build.spec"),
        ],
        cwd=ROOT,
        check=False,
    )
    build_s = time.perf_counter() - started
    if build.returncode != 0:
        print(f"build failed with exit code {build.returncode}", file=sys.stderr)
        return 1

    exe_name = "machpanel-studio-cli.exe" if sys.platform == "win32" else "machpanel-studio"
    exe = DIST / exe_name
    with tempfile.TemporaryDirectory(prefix="mp-frozen-") as data_dir:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        test = subprocess.run(
            [str(exe), "--data-dir", data_dir, "--self-test"],
            capture_output=True,
            text=True,
            env=env,
            timeout=180,
            check=False,
        )
    line = test.stdout.strip().splitlines()[-1] if test.stdout.strip() else test.stderr.strip()
    on_server = _self_test_on_postgresql(exe)
    result = {
        "build_s": round(build_s, 1),
        "size_mib": round(folder_size(DIST) / 1024 / 1024, 1),
        "files": sum(1 for f in DIST.rglob("*") if f.is_file()),
        "self_test_exit": test.returncode,
        "self_test": line,
        "self_test_postgresql": on_server,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"built {DIST} in {result['build_s']} s: {result['size_mib']} MiB, "
            f"{result['files']} files"
        )
        print(f"frozen {line} (exit {test.returncode})")
        print(f"frozen on PostgreSQL: {on_server}")
    if test.returncode != 0:
        print(test.stderr, file=sys.stderr)
    failed_on_server = on_server.startswith("self-test failed")
    return 0 if test.returncode == 0 and not failed_on_server else 1


def _self_test_on_postgresql(exe: Path) -> str:
    """The frozen self-test again with ``--database-url`` on a throwaway PostgreSQL
    cluster (the build carries the dialect and the driver), or why it was skipped."""
    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import HOW_TO_GET, Cluster, server_programs

    programs = server_programs()
    if programs is None:
        return f"skipped: {HOW_TO_GET}"
    cluster = Cluster.start(programs)
    try:
        url = cluster.new_database()
        with tempfile.TemporaryDirectory(prefix="mp-frozen-pg-") as data_dir:
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
            test = subprocess.run(
                [str(exe), "--data-dir", data_dir, "--database-url", url, "--self-test"],
                capture_output=True,
                text=True,
                env=env,
                timeout=180,
                check=False,
            )
        out = test.stdout.strip() or test.stderr.strip()
        return out.splitlines()[-1] if out else f"self-test failed: exit {test.returncode}"
    finally:
        cluster.stop()


if __name__ == "__main__":
    raise SystemExit(main())
