"""Exports read through the apps, not through the web pages: `sanfuwu export` works without the
views, and a day's range of times is computed in one place."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import sanfuwu

PACKAGE = Path(sanfuwu.__file__).parent
EXPORTERS = ["sanfuwu.portal.exporting", "sanfuwu.portal.management.commands.export"]


def module_path(name: str) -> Path:
    return PACKAGE.parent.joinpath(*name.split(".")).with_suffix(".py")


def imported_names(source: str, name: str) -> set[str]:
    """Every module the module `name` imports anywhere in its source, at the top or inside a
    function, relative imports resolved."""
    package = name.rsplit(".", 1)[0].split(".")
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def views_in(names: set[str]) -> set[str]:
    return {m for m in names if m == "sanfuwu.portal.views" or m.startswith("sanfuwu.portal.views.")}


@pytest.mark.parametrize("name", EXPORTERS)
def test_it_imports_nothing_from_the_views(name: str):
    source = module_path(name).read_text(encoding="utf-8")
    assert views_in(imported_names(source, name)) == set()


def test_it_finds_a_view_imported_in_any_form():
    source = """
from sanfuwu.portal.views.race import period_from
def build():
    from .views import issues
    from ..views.people import people_rows_for
    import sanfuwu.portal.views.visits
"""
    assert views_in(imported_names(source, "sanfuwu.portal.exporting")) >= {
        "sanfuwu.portal.views.race",
        "sanfuwu.portal.views.issues",
        "sanfuwu.portal.views.visits",
    }
    assert "sanfuwu.portal.views.people" in views_in(imported_names(source, "sanfuwu.portal.commands.export"))


def test_the_export_command_loads_without_a_single_view_module():
    """Not even indirectly: whatever the exports import, no page comes along."""
    code = (
        "import sys, django; django.setup()\n"
        "import sanfuwu.portal.management.commands.export\n"
        "print(sorted(m for m in sys.modules if m.startswith('sanfuwu.portal.views')))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sanfuwu.settings"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"


def test_a_days_range_of_times_is_computed_in_one_place():
    """`time.min` appears in core.periods alone: every other range of days asks day_range there."""
    copies = []
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "core" / "periods.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "min":
                value = node.value
                if isinstance(value, ast.Name) and value.id == "time":
                    copies.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert copies == []
