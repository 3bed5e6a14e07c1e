"""The package's layout holds: imports go only down the stages, and no module imports itself back.

Every import is read from the source (those inside functions too), so an import hidden in a
function to dodge a cycle is caught like any other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import graph

PACKAGE = Path(graph.__file__).parent
#: the stages, lowest first: a stage may import itself and the stages before it, and the leaves
STAGES = ["model", "ingest", "draft", "shacl", "explorer", "export", "sparql", "serve"]
LEAVES = {
    "graph.errors",
    "graph.defaults",
    "graph.web",
}  # import nothing from the package; anyone may use them


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The package modules ``path`` imports, relative imports resolved, wherever the import stands."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # "from graph.x import y" imports the module graph.x.y when there is one
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        found.update(t for t in targets if t == "graph" or t.startswith("graph."))
    return found


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imports_of(p, modules) - {module_name(p)} for p in paths}


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_the_reader_sees_every_import():
    edges = import_graph()
    assert "graph.model.table" in edges["graph.model.graph"]
    assert "graph.shacl.components" in edges["graph.shacl.fast_engine"]


def test_no_module_imports_itself_back():
    edges = import_graph()
    cycles = []

    def visit(module: str, path: list[str], on_path: set[str], done: set[str]) -> None:
        for target in sorted(edges.get(module, ())):
            if target in on_path:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in done:
                on_path.add(target)
                visit(target, [*path, target], on_path, done)
                on_path.discard(target)
        done.add(module)

    done: set[str] = set()
    for module in sorted(edges):
        if module not in done:
            visit(module, [module], {module}, done)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_imports_only_go_down_the_stages():
    wrong = []
    for module, targets in import_graph().items():
        if module in LEAVES:
            wrong += [f"{module} -> {t}" for t in targets]
            continue
        stage = stage_of(module)
        if stage is None:
            continue  # the top: cli, pipeline, synthetic, __init__ may use every stage
        allowed = set(STAGES[: STAGES.index(stage) + 1])
        for target in targets:
            if target in LEAVES:
                continue
            if stage_of(target) not in allowed:
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports against the stages:\n" + "\n".join(sorted(wrong))


def test_the_model_imports_nothing_but_the_model():
    wrong = [
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        if stage_of(module) == "model"
        for target in targets
        if stage_of(target) != "model" and target != "graph.errors"
    ]
    assert not wrong, "\n".join(wrong)
