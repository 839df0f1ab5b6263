"""The layers of webapp, read from its imports (ast: imports inside functions count, relative
imports resolved), bottom to top:

    foundation (clock, config, extensions, inputs, htmx, ...) and models, scheduling (pure)
    -> core (what several features share)
    -> the blueprints, in BLUEPRINT_ORDER (lowest first)
    -> demo, worker, cli, app, devserver (TOP, in this order: devserver serves what app makes)
    -> bench (benchmarks: never imported by the app)

A part is a blueprint, core, models, scheduling, bench, or one other top-level module. A lower
part never imports a higher one, no two parts import each other (through any chain), and no
blueprint imports another blueprint's views. Reactions that go upwards use the signals in
webapp/core/signals.py. Each failure names the importing module, its line and the import.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BLUEPRINT_ORDER = (
    "auth",
    "volunteers",
    "children",
    "homes",
    "planning",
    "opportunities",
    "feeds",
    "schedule",
    "notifications",
    "admin",
    "main",
)
TOP = ("demo", "worker", "cli", "app", "devserver")
PACKAGES = ("core", "models", "scheduling", "bench")
MAX_LINES = 450


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    line: int
    target: str  # the imported module (or the package, for a name defined in its __init__)

    def __str__(self) -> str:
        return f"{self.source} (line {self.line}) imports {self.target}"


def modules(root: Path) -> dict[str, Path]:
    """Every module of webapp by dotted name (a package by its own name)."""
    found = {}
    for path in sorted((root / "webapp").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(root: Path) -> list[Import]:
    """Every import of a webapp module by a webapp module, wherever it is written."""
    known = modules(root)
    found = []
    for module, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(module, path, node)
                # `from package import module` imports the module; a name imports its module.
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                    for alias in node.names
                ]
            else:
                continue
            for target in dict.fromkeys(targets):
                if target.split(".")[0] == "webapp":
                    found.append(Import(module, node.lineno, target))
    return found


def part_of(module: str) -> str:
    names = module.split(".")
    if len(names) == 1:
        return "webapp"
    if names[1] == "blueprints":
        return f"blueprints.{names[2]}" if len(names) > 2 else "blueprints"
    return names[1]


def blueprint_of(part: str) -> str | None:
    return part.split(".", 1)[1] if part.startswith("blueprints.") else None


def level(part: str) -> int:
    """Bottom to top: foundation, models and scheduling 0; core 1; blueprints 2.. in their order;
    then demo, worker, cli, app, devserver; bench last."""
    blueprint = blueprint_of(part)
    if blueprint is not None:
        return 2 + BLUEPRINT_ORDER.index(blueprint) if blueprint in BLUEPRINT_ORDER else 2
    if part == "core":
        return 1
    if part in TOP:
        return 2 + len(BLUEPRINT_ORDER) + TOP.index(part)
    if part == "bench":
        return 2 + len(BLUEPRINT_ORDER) + len(TOP)
    return 0


def crossing(root: Path) -> list[tuple[str, str, Import]]:
    """Imports from one part into another: (source part, target part, import)."""
    found = []
    for item in imports(root):
        source, target = part_of(item.source), part_of(item.target)
        if source != target and target not in ("webapp", "blueprints"):
            found.append((source, target, item))
    return found


def cycles(root: Path) -> list[str]:
    """Each group of parts that reach each other, with the imports that tie them."""
    edges = defaultdict(set)
    for source, target, _item in crossing(root):
        edges[source].add(target)
        edges[target]
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(list(edges)):
        if node not in index:
            visit(node)
    ties = crossing(root)
    return [
        f"cycle among {', '.join(sorted(group))}:\n    "
        + "\n    ".join(str(item) for source, target, item in ties if {source, target} <= group)
        for group in groups
    ]


def upward_imports(root: Path) -> list[str]:
    """A lower part importing a higher one (blueprints against their declared order, core or
    anything below it importing a blueprint, a blueprint importing demo/worker/cli/app, ...)."""
    return [
        f"{item}: {source} is below {target}"
        for source, target, item in crossing(root)
        if level(source) < level(target)
    ]


def view_imports(root: Path) -> list[str]:
    """A blueprint importing another blueprint's views (views are the top of their own
    blueprint: shared helpers belong in services, core or the foundation)."""
    found = []
    for source, target, item in crossing(root):
        other, own = blueprint_of(target), blueprint_of(source)
        if other and own and own != other:
            rest = item.target.split(".")[3:]
            if rest[:1] == ["views"]:
                found.append(f"{item}: the views of another blueprint")
    return found


def app_imports_bench(root: Path) -> list[str]:
    return [
        f"{item}: the app must not import the benchmarks"
        for source, target, item in crossing(root)
        if target == "bench" and source != "bench"
    ]


def line_counts(root: Path) -> dict[str, int]:
    return {
        path.relative_to(root).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in modules(root).values()
    }


def long_modules(root: Path) -> list[str]:
    return [
        f"{path}: {lines} lines (at most {MAX_LINES})"
        for path, lines in sorted(line_counts(root).items())
        if lines > MAX_LINES
    ]


def unplaced_blueprints(root: Path) -> list[str]:
    present = {p.name for p in (root / "webapp" / "blueprints").iterdir() if p.is_dir()}
    present.discard("__pycache__")
    return [
        f"blueprint {name} is not in BLUEPRINT_ORDER"
        for name in sorted(present)
        if name not in BLUEPRINT_ORDER
    ]


def test_no_cycle_among_the_parts_of_webapp():
    assert cycles(ROOT) == [], "\n".join(cycles(ROOT))


def test_no_part_imports_a_higher_one():
    found = upward_imports(ROOT)
    assert found == [], "\n".join(found)


def test_no_blueprint_imports_another_blueprints_views():
    found = view_imports(ROOT)
    assert found == [], "\n".join(found)


def test_the_app_never_imports_the_benchmarks():
    found = app_imports_bench(ROOT)
    assert found == [], "\n".join(found)


def test_no_module_is_over_450_lines():
    found = long_modules(ROOT)
    assert found == [], "\n".join(found)


def engine_and_database(root: Path) -> list[str]:
    """Modules outside the engine that know both the database (models, sqlalchemy) and the
    engine (webapp.scheduling). The made-up counties of the engine's benchmarks are data, not
    the engine: the database benchmark seeds the same county from webapp.scheduling.generate."""
    knows = defaultdict(set)
    for item in imports(root):
        if item.target == "webapp.models" or item.target.startswith("webapp.models."):
            knows[item.source].add("database")
        elif item.target.startswith("webapp.scheduling") and item.target != (
            "webapp.scheduling.generate"
        ):
            knows[item.source].add("engine")
    for module, path in modules(root).items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            if any(name.split(".")[0] == "sqlalchemy" for name in names):
                knows[module].add("database")
    return sorted(
        module
        for module, what in knows.items()
        if what == {"database", "engine"} and part_of(module) != "scheduling"
    )


def test_only_the_planning_adapter_knows_both_the_database_and_the_engine():
    """One adapter turns rows into the engine's problem and its plan back into rows; it is a
    package (tutoring, posts, results, shared): all of it and nothing else."""
    both = engine_and_database(ROOT)
    adapter = "webapp.blueprints.planning.adapter"
    assert adapter in both
    assert [m for m in both if m != adapter and not m.startswith(adapter + ".")] == []


def test_every_blueprint_has_its_place_in_the_declared_order():
    assert unplaced_blueprints(ROOT) == []


def test_imports_inside_functions_and_relative_imports_are_read(tmp_path):
    package = tmp_path / "webapp" / "blueprints"
    for name in ("homes", "schedule"):
        (package / name).mkdir(parents=True)
        (package / name / "__init__.py").write_text("")
    (package / "schedule" / "views.py").write_text("X = 1\n")
    (package / "homes" / "booking.py").write_text(
        "def cancel():\n    from ..schedule import views\n    return views.X\n"
    )
    assert [str(i) for i in imports(tmp_path)] == [
        "webapp.blueprints.homes.booking (line 2) imports webapp.blueprints.schedule.views"
    ]
    assert upward_imports(tmp_path) and view_imports(tmp_path)
