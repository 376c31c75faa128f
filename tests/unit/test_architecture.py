"""The house's rules, checked on the source tree's import graph.

Every ``import`` of ``studio/`` and ``ui/`` is read (at module level, inside functions and
under ``TYPE_CHECKING`` alike) and the arrows must run one way: no circle of imports
anywhere, the core never imports the GUI or Qt, the domain imports no layer that does
I/O, and the GUI does no SQL and no HTTP of its own. ``docs/architecture.md`` draws the
same picture.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("studio", "ui")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _sources() -> dict[str, Path]:
    """Every module of the two packages (migration scripts are loaded by Alembic)."""
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _imported(node: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """The modules an import statement names (``from a import b`` names ``a.b`` when
    that is a module, else ``a``)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        if node.level:  # relative: resolve against this module's package
            base = module.split(".")
            base = base if is_package else base[:-1]
            base = base[: len(base) - (node.level - 1)]
            target = ".".join([*base, node.module] if node.module else base)
        else:
            target = node.module or ""
        for alias in node.names:
            candidate = f"{target}.{alias.name}"
            yield candidate if candidate in _sources() else target


@cache
def graph() -> dict[str, frozenset[str]]:
    """Module → every module it imports (any package, any place in the file)."""
    edges = {}
    for module, path in _sources().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        edges[module] = frozenset(
            name
            for node in ast.walk(tree)
            for name in _imported(node, module, is_package)
            if name and name != module
        )
    return edges


def _internal(names: frozenset[str]) -> list[str]:
    return sorted(n for n in names if n in _sources())


def cycles() -> list[list[str]]:
    """Each strongly connected set of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in _internal(graph()[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph()):
        if node not in index:
            visit(node)
    return found


def _violations(importer_prefix: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module, names in graph().items()
        if module == importer_prefix or module.startswith(importer_prefix + ".")
        for name in names
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    )


def test_the_graph_is_read() -> None:
    """A broken reader would pass every rule: the graph must hold known arrows."""
    assert "studio.domain.catalog" in graph()["studio.domain.quota_rules"]
    assert "studio.cli.common" in graph()["studio.cli.reseller_commands"]
    assert "studio.cli" in graph()["ui.launcher"]


def test_no_import_circle_anywhere() -> None:
    assert cycles() == []


def test_a_circle_would_be_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """The circle finder itself: two modules importing each other are one circle."""
    fake = {"studio.a": frozenset({"studio.b"}), "studio.b": frozenset({"studio.a"})}
    monkeypatch.setattr(f"{__name__}.graph", lambda: fake)
    monkeypatch.setattr(f"{__name__}._sources", lambda: dict.fromkeys(fake, REPO))
    assert cycles() == [["studio.a", "studio.b"]]


def test_the_core_never_imports_the_gui_or_qt() -> None:
    assert _violations("studio", ("ui", "PySide6", "shiboken6", "PyQt6", "PyQt5")) == []


def test_the_domain_does_no_io() -> None:
    """Rules only: no database, provisioning, keyring, service, command line or GUI."""
    forbidden = (
        "studio.db",
        "studio.services",
        "studio.provisioning",
        "studio.security",
        "studio.cli",
        "studio.context",
        "sqlalchemy",
        "httpx",
        "keyring",
    )
    assert _violations("studio.domain", forbidden) == []


def test_lower_layers_never_reach_up() -> None:
    """services → db/provisioning/security → domain; the command line is on top."""
    assert _violations("studio.db", ("studio.services", "studio.cli", "studio.provisioning")) == []
    assert _violations("studio.provisioning", ("studio.services", "studio.cli")) == []
    assert _violations("studio.services", ("studio.cli", "studio.demo")) == []


def test_the_gui_does_no_sql_and_no_http_of_its_own() -> None:
    assert _violations("ui", ("sqlalchemy", "httpx")) == []


#: What the GUI may import of the core: the services it calls, the rules and types they
#: take and return, and the shared errors and paths.
GUI_MAY_IMPORT = (
    "studio",  # the package's name and version
    "studio.services",
    "studio.domain",
    "studio.errors",
    "studio.context",
    "studio.paths",
    "studio.resources",
    "studio.cli",  # ui.launcher hands the command line its window
)
#: The few places the GUI reaches further, each for a reason of its own.
GUI_EXCEPTIONS = {
    "studio.provisioning.runner": "ui.job_monitor runs the job runner on its own threads",
    "studio.provisioning.health": "the health report's types, shown by the pages",
    "studio.security.keyring_store": "whether an OS keyring exists, to say so",
    "studio.security.passwords": "the self-test hashes once to prove argon2 is bundled",
    "studio.db.urls": "the database URL shown without its password",
    "studio.netcheck": "the website page asks whether a port is free",
}


def test_the_gui_reaches_the_core_through_its_services() -> None:
    """``docs/architecture.md``: ui → services → domain, with the exceptions listed."""
    reached = sorted(
        f"{module} imports {name}"
        for module, names in graph().items()
        if module.split(".")[0] == "ui"
        for name in names
        if name.split(".")[0] == "studio"
        and name not in GUI_EXCEPTIONS
        and not any(name == p or name.startswith(p + ".") for p in GUI_MAY_IMPORT[1:])
        and name != "studio"
    )
    assert reached == []
