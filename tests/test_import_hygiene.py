"""The layers point one way, with no circle anywhere (see ARCHITECTURE.md).

The import graph of ``schedtui`` is read from the source (the AST, nothing is imported) and
checked: no cycle between modules; no edge from a layer to one above it (core imports
nothing of ours outside core; aws imports core only; demo imports core and aws; ui does not
import the demo; only the command line wires everything); and no function-local import of a
schedtui module, the usual way to hide a circle (imports under ``if TYPE_CHECKING`` are for
annotations and do not count; the command line's deferred imports keep ``schedtui next``
free of the UI and AWS stacks, and the scripting subcommands free of the UI stack, and are
the one listed exception). A second check imports each layer in
a fresh interpreter and looks at what came with it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "schedtui"
# Which layers each layer may import (itself included); every one may read the package's
# face (``schedtui.__version__``).
ALLOWED = {
    "core": {"core", "package"},
    "aws": {"core", "aws", "package"},
    "demo": {"core", "aws", "demo", "package"},
    "ui": {"core", "aws", "ui", "package"},
    "cli": {"core", "aws", "demo", "ui", "cli", "package"},
    "main": {"cli", "package"},
    "package": {"package"},
}
# `schedtui next` in a shell loop must not load textual or boto3: the command line loads the
# TUI (and the demo) only when it starts one.
DEFERRED = {"schedtui.cli"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "package"
    return {"cli": "cli", "__main__": "main"}.get(parts[1], parts[1])


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path) -> tuple[set[str], set[str]]:
    """(modules imported at the top level, schedtui modules imported inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top: set[str] = set()
    local: set[str] = set()

    def names(node: ast.Import | ast.ImportFrom) -> set[str]:
        if isinstance(node, ast.Import):
            return {alias.name for alias in node.names}
        base = node.module or ""
        found = {base}
        # `from schedtui.core import text` imports the module schedtui.core.text.
        found |= {f"{base}.{alias.name}" for alias in node.names}
        return found

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                (local if in_function else top).update(names(child))
            walk(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    walk(tree, False)
    return top, {name for name in local if name.startswith("schedtui")}


def graph() -> dict[str, set[str]]:
    files = {module_name(path): path for path in ROOT.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for module, path in files.items():
        top, _ = imports(path)
        edges[module] = {name for name in top if name in files and name != module}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_cycle() -> None:
    edges = graph()
    assert len(edges) > 50  # the whole package was read
    assert cycles(edges) == []


def test_no_layer_imports_one_above_it() -> None:
    upward = [
        f"{source} -> {target}"
        for source, targets in graph().items()
        for target in targets
        if layer(target) not in ALLOWED[layer(source)]
    ]
    assert upward == []


def test_no_function_local_import_of_a_schedtui_module() -> None:
    hidden = [
        f"{module_name(path)} imports {', '.join(sorted(local))} inside a function"
        for path in sorted(ROOT.rglob("*.py"))
        if module_name(path) not in DEFERRED and (local := imports(path)[1])
    ]
    assert hidden == []


def test_the_checks_see_a_cycle_and_an_upward_edge() -> None:
    """The checks themselves can fail."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert layer("schedtui.ui.app") not in ALLOWED[layer("schedtui.core.text")]


def _modules_loaded_by(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return {name.split(".")[0] for name in result.stdout.split()}


def _every_module(package: str, but: tuple[str, ...] = ()) -> str:
    """``import`` of every module of ``package`` but its __init__ and those named in ``but``."""
    names = sorted(
        module_name(path)
        for path in (ROOT / package).rglob("*.py")
        if path.name != "__init__.py" and path.stem not in but
    )
    assert names
    return "import " + ", ".join(names)


@pytest.mark.parametrize(
    ("statement", "forbidden"),
    [
        (_every_module("core"), {"textual", "rich", "boto3", "botocore", "moto"}),
        (_every_module("aws"), {"textual", "rich", "moto"}),
        # `schedtui next` runs in shell loops: it must not pay for the UI or AWS stacks.
        (
            "from schedtui.cli import main; main(['next', 'rate(1 day)', '-n', '1'])",
            {"textual", "boto3", "botocore"},
        ),
        # `schedtui config path` (and init) likewise: a look at a file.
        (
            "from schedtui.cli import main; main(['config', 'path'])",
            {"textual", "boto3", "botocore"},
        ),
        # The scripting subcommands (groups, list, get, dlq, set-state) need boto3, never
        # the UI stack: a cron job pays for what it uses. (The TUI's start and the completion
        # script, which lists the themes, are deferred and load textual.)
        (_every_module("cli", but=("tui", "completion")), {"textual"}),
        (
            "from schedtui.cli import main; main(['list', '--filter', 'tz:x'])",
            {"textual"},
        ),
    ],
)
def test_layers_import_without_the_ones_above(statement: str, forbidden: set[str]) -> None:
    assert not _modules_loaded_by(statement) & forbidden
