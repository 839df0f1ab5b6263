"""The layout rules of DESIGN.md that a newcomer could break without noticing."""

from __future__ import annotations

import ast
from pathlib import Path

WEBAPP = Path(__file__).resolve().parent.parent / "webapp"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_blueprint_imports_the_app_factory_or_the_benchmarks():
    offenders = [
        str(path.relative_to(WEBAPP))
        for path in (WEBAPP / "blueprints").rglob("*.py")
        if {"webapp.app", "webapp.cli"} & _imported_modules(path)
        or any(m.startswith("webapp.bench") for m in _imported_modules(path))
    ]
    assert offenders == []


def test_view_modules_stay_small():
    """Views are thin: a view module past ~400 lines wants splitting by sub-feature."""
    too_long = {
        str(path.relative_to(WEBAPP)): n
        for path in (WEBAPP / "blueprints").rglob("*.py")
        if "views" in path.parts or path.name == "views.py"
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 420
    }
    assert too_long == {}


def test_only_the_planning_adapter_knows_both_the_database_and_the_engine():
    """DESIGN.md: one adapter turns rows into the engine's problem and its plan back into rows."""
    adapter = WEBAPP / "blueprints" / "planning" / "adapter"
    assert (adapter / "__init__.py").exists()

    def knows_database(names: set[str]) -> bool:
        return any(
            n == "webapp.models" or n.startswith(("webapp.models.", "sqlalchemy")) for n in names
        )

    def knows_engine(names: set[str]) -> bool:
        # The made-up counties of the engine's benchmarks are data, not the engine: the database
        # benchmark seeds the same county from them (webapp/bench/planning_data.py).
        return any(
            n == "webapp.scheduling"
            or (n.startswith("webapp.scheduling.") and n != "webapp.scheduling.generate")
            for n in names
        )

    both = [
        str(path.relative_to(WEBAPP))
        for path in WEBAPP.rglob("*.py")
        if "scheduling" not in path.relative_to(WEBAPP).parts[:1]
        if knows_database(names := _imported_modules(path)) and knows_engine(names)
    ]
    # The adapter is a package (tutoring, posts, results, shared): all of it and nothing else.
    assert both and all(path.startswith("blueprints/planning/adapter/") for path in both)
