"""The package's shape: every module imports on its own, no two modules import each other (directly or round a
longer loop), the library never imports click, and every module says what it owns."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "dupcheck"


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The dupcheck modules ``name`` imports anywhere in its code (lazy imports and type-only ones included: a
    door that opens only later is still a door)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert not node.level, f"{name}: relative import (the package imports absolutely)"
            base = node.module or ""
            # `from dupcheck import results` imports the module dupcheck.results, not only the package.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        out |= {t for t in targets if t in MODULES and t != name}
    return out


def _graph() -> dict[str, set[str]]:
    return {name: _imports(name, path) for name, path in MODULES.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (a path that ends where it starts), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle_and_passes_a_tree():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_module_of_dupcheck_imports_another_that_imports_it_back():
    graph = _graph()
    assert len(graph) > 20 and graph["dupcheck.scan"], "the walk found the package's modules and their imports"
    assert _cycle(graph) is None, f"import cycle: {' -> '.join(_cycle(graph) or [])}"


def test_the_library_never_imports_click():
    """Only the command line talks to click; a Python caller gets plain functions and exceptions."""
    for name, path in MODULES.items():
        if name == "dupcheck.cli":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
        } | {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and not node.level
        }
        assert "click" not in imported, name


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_opens_with_a_docstring_saying_what_it_owns(name):
    docstring = ast.get_docstring(ast.parse(MODULES[name].read_text(encoding="utf-8")))
    assert docstring and len(docstring) > 40, name


def test_every_module_imports_on_its_own():
    """Each module imported first, in a fresh interpreter: an import that works only after another module was
    imported (the sign of a cycle) fails here."""
    code = (
        "import importlib, subprocess, sys\n"
        "bad = []\n"
        "for name in sys.argv[1:]:\n"
        "    run = subprocess.run([sys.executable, '-c', f'import {name}'], capture_output=True, text=True)\n"
        "    if run.returncode:\n"
        "        bad.append(name + ': ' + run.stderr.strip().splitlines()[-1])\n"
        "print('\\n'.join(bad))\n"
    )
    run = subprocess.run([sys.executable, "-c", code, *sorted(MODULES)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and run.stdout.strip() == "", run.stdout + run.stderr


def test_every_public_name_is_listed_once_and_resolves():
    """``__all__`` and the lazy table name the same names, and each is what its module defines."""
    import importlib

    import dupcheck

    assert sorted(dupcheck._WHERE) == dupcheck.__all__
    for name in dupcheck.__all__:
        module = importlib.import_module(f"dupcheck.{dupcheck._WHERE[name]}")
        assert getattr(dupcheck, name) is getattr(module, name)
