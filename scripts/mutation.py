"""Mutation score of the modules that hold the studio's promises.

Each module in :data:`PROMISES` is mutated by mutmut (one small change at a time: ``>``
for ``>=``, ``break`` for ``continue``, a constant off by one …) and the tests that cover
it run against every mutant; a mutant the tests do not notice *survived*. mutmut maps
each mutated function to the tests that reach it, so a run takes minutes, not hours.

The run happens in a temporary copy of the repository (mutmut writes a ``mutants/``
tree and needs its configuration in ``pyproject.toml``), so the checkout is never
touched. It prints, per module and in all, ``killed``, ``survived``, ``score`` and
every surviving mutant as its file, line and diff. ``docs/testing.md`` lists the
survivors known to be equivalent (no test can tell them apart) and why.

    uv run --group mutation python scripts/mutation.py [--json] [--module PATH ...] \
        [--jobs N] [--keep]

Exit 0 when the score is at least ``--target`` (0.9), else 1. Not part of ``.ci/run``:
it takes several minutes.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Promise:
    """A module that keeps a promise, and the tests that guard it."""

    module: str
    what: str
    tests: tuple[str, ...]


PROMISES = (
    Promise(
        "studio/domain/quota_rules.py",
        "what customers hold never exceeds the reseller's subscription",
        ("tests/unit/studio/domain/test_quota_rules.py",),
    ),
    Promise(
        "studio/services/quota_checks.py",
        "every sale is checked against what is held, under the subscription's lock",
        (
            "tests/unit/studio/services/test_quota_boundaries.py",
            "tests/unit/studio/services/test_quota_checks.py",
        ),
    ),
    Promise(
        "studio/domain/lockdown_rules.py",
        "the Login Lockdown Policy locks at its limits, not before, not after",
        ("tests/unit/studio/domain/test_lockdown_rules.py",),
    ),
    Promise(
        "studio/domain/job_rules.py",
        "a job's success, and its owners, decide its subscription's status",
        ("tests/unit/studio/domain/test_job_rules.py",),
    ),
    Promise(
        "studio/domain/statement_rules.py",
        "commission is exact to the cent, rounded half up, within its period",
        ("tests/unit/studio/domain/test_statement_rules.py",),
    ),
    Promise(
        "studio/provisioning/runner.py",
        "a job is submitted with its key, recorded as it ends, finished once",
        (
            "tests/unit/studio/provisioning/test_runner.py",
            "tests/unit/studio/provisioning/test_runner_polling.py",
            "tests/unit/studio/provisioning/test_runner_endings.py",
            "tests/unit/studio/provisioning/test_runner_thread.py",
            "tests/unit/studio/provisioning/test_runner_claims.py",
        ),
    ),
    Promise(
        "studio/services/sign_in.py",
        "sign-in refuses alike, locks at the policy's limits, and records every refusal",
        (
            "tests/unit/studio/services/test_sign_in.py",
            "tests/unit/studio/services/test_reseller_panel.py",  # a reseller's sign-in
        ),
    ),
    Promise(
        "studio/services/resellers.py",
        "an edit never silently overwrites another administrator's (optimistic locking)",
        (
            "tests/unit/studio/services/test_resellers.py",
            "tests/unit/studio/services/test_reseller_deletion_and_status.py",
            "tests/unit/studio/services/test_reseller_panel.py",
            "tests/unit/studio/provisioning/test_runner_endings.py",  # status → jobs
        ),
    ),
    Promise(
        "studio/domain/actors.py",
        "each role may do what the permission table says, and nothing else",
        ("tests/unit/studio/domain/test_actors.py",),
    ),
)

#: mutmut's exit codes per mutant, as its own ``stats.status_by_exit_code`` names them.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests"}
TIMEOUTS = {36, -24, 24, 152, 255}


@dataclass
class Survivor:
    """A mutant no test noticed."""

    name: str
    file: str
    line: int
    diff: list[str]


@dataclass
class ModuleScore:
    module: str
    what: str
    killed: int = 0
    survived: int = 0
    timeout: int = 0
    no_tests: int = 0
    not_checked: int = 0
    survivors: list[Survivor] = field(default_factory=list)

    @property
    def score(self) -> float:
        counted = self.killed + self.timeout + self.survived + self.no_tests
        return round((self.killed + self.timeout) / counted, 3) if counted else 0.0


def _copy_repository(into: Path) -> None:
    """The tracked files (and new ones not ignored), as they are in the working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in filter(None, listed):
        relative = Path(raw.decode())
        source = ROOT / relative
        if source.is_file():
            target = into / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _configure(work: Path, promises: list[Promise]) -> None:
    tests = sorted({t for p in promises for t in p.tests})
    config = "\n".join(
        [
            "",
            "[tool.mutmut]",
            'source_paths = ["studio"]',
            f"only_mutate = {json.dumps([p.module for p in promises])}",
            'also_copy = ["resources", "ui"]',
            f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
            # On SQLite only: a mutant is a change to the code, not to the database,
            # and the PostgreSQL half would double the time.
            'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-k", "not postgresql"]',
            "",
        ]
    )
    with (work / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write(config)


def _diff_of(work: Path, name: str) -> list[str]:
    shown = subprocess.run(
        [sys.executable, "-m", "mutmut", "show", name],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return [
        line
        for line in shown.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def _line_of(work: Path, module: str, diff: list[str]) -> int:
    """The line of the original source the mutant changes (first removed line)."""
    removed = next((line[1:].strip() for line in diff if line.startswith("-")), None)
    if not removed:
        return 0
    # mutmut shows a method dedented: compare the lines without their indentation.
    source = (ROOT / module).read_text(encoding="utf-8").splitlines()
    matches = [n for n, text in enumerate(source, 1) if text.strip() == removed]
    return matches[0] if matches else 0


def _scores(work: Path, promises: list[Promise]) -> list[ModuleScore]:
    scores = []
    for promise in promises:
        score = ModuleScore(promise.module, promise.what)
        meta = work / "mutants" / (promise.module + ".meta")
        codes: dict[str, int | None] = (
            json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
            if meta.exists()
            else {}
        )
        for name, code in sorted(codes.items(), key=lambda kv: _natural(kv[0])):
            if code is None:
                score.not_checked += 1
            elif code in TIMEOUTS:
                score.timeout += 1
            elif STATUS.get(code) == "killed":
                score.killed += 1
            elif STATUS.get(code) == "no tests":
                score.no_tests += 1
            else:
                score.survived += 1
                diff = _diff_of(work, name)
                score.survivors.append(
                    Survivor(name, promise.module, _line_of(work, promise.module, diff), diff)
                )
        scores.append(score)
    return scores


def _natural(name: str) -> tuple[str, int]:
    head, _, number = name.rpartition("_")
    return (head, int(number)) if number.isdigit() else (name, 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--module",
        action="append",
        metavar="PATH",
        help="only these modules (default: every module of the promises)",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="mutants at once")
    parser.add_argument("--target", type=float, default=0.9, help="the score to reach")
    parser.add_argument("--keep", action="store_true", help="keep the work folder, say where")
    args = parser.parse_args(argv)

    if importlib.util.find_spec("mutmut") is None:
        print(
            "mutmut is not installed: run `uv run --group mutation python scripts/mutation.py`",
            file=sys.stderr,
        )
        return 1
    promises = [p for p in PROMISES if not args.module or p.module in args.module]
    if not promises:
        parser.error(f"--module: none of {args.module} is among {[p.module for p in PROMISES]}")
    work = Path(tempfile.mkdtemp(prefix="mp-mutation-"))
    started = time.perf_counter()
    try:
        _copy_repository(work)
        _configure(work, promises)
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        run = subprocess.run(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.jobs)],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode != 0:
            tail = "\n".join(re.sub(r"\r", "\n", run.stdout + run.stderr).splitlines()[-20:])
            print(f"mutmut failed (exit {run.returncode}):\n{tail}", file=sys.stderr)
            return 1
        scores = _scores(work, promises)
    finally:
        if args.keep:
            print(f"work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started

    total = Counter[str]()
    for s in scores:
        total.update(killed=s.killed + s.timeout, survived=s.survived, no_tests=s.no_tests)
    counted = total["killed"] + total["survived"] + total["no_tests"]
    overall = round(total["killed"] / counted, 3) if counted else 0.0
    result: dict[str, Any] = {
        "killed": total["killed"],
        "survived": total["survived"],
        "no_tests": total["no_tests"],
        "score": overall,
        "target": args.target,
        "seconds": round(elapsed, 1),
        "modules": [{**asdict(s), "score": s.score} for s in scores],
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print(result)
    return 0 if overall >= args.target else 1


def _print(result: dict[str, Any]) -> None:
    for module in result["modules"]:
        print(
            f"{module['module']:<36} killed {module['killed'] + module['timeout']:>4}  "
            f"survived {module['survived']:>3}  no tests {module['no_tests']:>3}  "
            f"score {module['score']:.3f}"
        )
        for survivor in module["survivors"]:
            print(f"    {survivor['file']}:{survivor['line']}  {survivor['name']}")
            for line in survivor["diff"]:
                print(f"        {line.strip()}")
    print(
        f"all: killed {result['killed']}, survived {result['survived']}, "
        f"no tests {result['no_tests']}, score {result['score']:.3f} "
        f"(target {result['target']}) in {result['seconds']:.0f} s"
    )


if __name__ == "__main__":
    raise SystemExit(main())
