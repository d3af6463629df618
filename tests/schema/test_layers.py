"""The layers of docs/design.md hold: imports go downward only (config > api > graphql_schema >
domain apps > planning > core), and no modules import each other in a circle, function-level imports
included. The contracts are import-linter's, in pyproject.toml ([tool.importlinter]); each
one is shown catching a break made on purpose in a copy of the code."""

import os
import pathlib
import shutil
import subprocess
import sys

import grimp
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
LINT_IMPORTS = pathlib.Path(sys.executable).parent / "lint-imports"
PACKAGES = (
    "config",
    "api",
    "graphql_schema",
    "exports",
    "accounts",
    "assignments",
    "projects",
    "people",
    "planning",
    "core",
)
DOMAIN = ("people", "projects", "assignments", "exports", "planning", "accounts")


def lint_imports(root: pathlib.Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{root / 'backend'}{os.pathsep}{root}"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.fixture
def copy(tmp_path) -> pathlib.Path:
    """The code and its contracts, in a directory a test may break."""
    ignore = shutil.ignore_patterns("__pycache__", "*.sqlite3*")
    for tree in ("backend", "graphql_schema"):
        shutil.copytree(ROOT / tree, tmp_path / tree, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def append(path: pathlib.Path, text: str) -> None:
    path.write_text(path.read_text() + "\n\n" + text + "\n")


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # core imports nothing above it, not even inside a function
        (
            "backend/core/dataversion.py",
            "def f():\n    from api import views  # noqa",
            "core.dataversion -> api.views",
        ),
        # a domain app never imports the edge or the schema
        ("backend/people/services.py", "import api.gate", "people.services -> api.gate"),
        (
            "backend/assignments/services.py",
            "from graphql_schema import errors",
            "assignments.services -> graphql_schema.errors",
        ),
        # planning is pure math: it reads no model
        (
            "backend/planning/capacity.py",
            "from people import models",
            "planning.capacity -> people.models",
        ),
        # the schema never imports the edge (the old api.views -> graphql_schema -> api loop)
        ("graphql_schema/schema.py", "from api import gate", "graphql_schema.schema -> api.gate"),
    ],
)
def test_an_upward_import_breaks_the_layers(copy, module, line, broken):
    append(copy / module, line)
    result = lint_imports(copy)
    assert result.returncode == 1
    assert "Contracts: 1 kept, 1 broken." in result.stdout
    assert "downward only BROKEN" in " ".join(result.stdout.split())
    assert broken in result.stdout


def test_a_circle_hidden_in_a_function_breaks_the_acyclic_contract(copy):
    # the exports circle this replaced: services -> dispatch -> services
    append(copy / "backend/exports/services.py", "def f():\n    from .dispatch import enqueue")
    result = lint_imports(copy)
    assert result.returncode == 1
    assert "Contracts: 1 kept, 1 broken." in result.stdout
    assert "in a circle BROKEN" in " ".join(result.stdout.split())
    assert "No cycles are allowed in exports." in result.stdout
    assert "- .services -> .dispatch (1 import)" in result.stdout


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Modules that import each other in a circle (strongly connected, Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_two_modules_anywhere_import_each_other_in_a_circle():
    """Across packages too (acyclic_siblings looks within each one)."""
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)
    assert cycles(graph) == []
    graph.add_import(importer="people.models", imported="assignments.models")  # on purpose
    assert cycles(graph) == [["assignments.models", "people.models"]]


def test_no_domain_module_imports_the_edge_or_the_schema():
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)
    upward = [
        (importer, imported)
        for package in DOMAIN
        for importer in sorted(graph.find_descendants(package) | {package})
        for imported in sorted(graph.find_modules_directly_imported_by(importer))
        if imported.split(".")[0] in ("api", "graphql_schema", "config")
    ]
    assert upward == []
