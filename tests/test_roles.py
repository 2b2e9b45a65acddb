"""Every set of roles the product grants something to is named once, in sanfuwu/people/roles.py: a
set written out again elsewhere is one more place to forget when who may do what changes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sanfuwu

PACKAGE = Path(sanfuwu.__file__).parent
ROLES_MODULE = PACKAGE / "people" / "roles.py"
# The workflow's rule table lists the roles of each action beside its statuses and relation by
# design: a transition's grant is read there, whole, in one row. Only that table is let off; the
# rest of rules.py is scanned like any other module.
RULES_MODULE, RULES_TABLE = PACKAGE / "issues" / "rules.py", "RULES"


def scanned_modules() -> list[Path]:
    """The product's modules, without migrations (history, never edited) and the demo builders
    (which pick people by role to act out a story, granting nothing)."""
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and path.name != "demo.py" and path != ROLES_MODULE
    )


def _is_role(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role"


def role_sets_in(source: str, *, let_off: str | None = None) -> list[str]:
    """Each place in `source` that writes out a set of roles: a set, tuple or list literal, or a
    call's arguments, holding two roles or more, or a role beside a spread set (`{*X, Role.Y}`),
    which is a set written out too. `let_off` names a module-level assignment not to look into."""
    tree = ast.parse(source)
    skipped: set[int] = set()
    for statement in tree.body:
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else [statement.target]
            if isinstance(statement, ast.AnnAssign)
            else []
        )
        if let_off and any(isinstance(t, ast.Name) and t.id == let_off for t in targets):
            skipped.update(id(node) for node in ast.walk(statement))
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Set | ast.Tuple | ast.List):
            items = node.elts
        elif isinstance(node, ast.Call):
            items = node.args
        else:
            continue
        roles = sum(_is_role(item) for item in items)
        spread = any(isinstance(item, ast.Starred) for item in items)
        if roles >= 2 or (roles and spread):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_set_of_roles_is_written_out_outside_people_roles() -> None:
    found = {}
    for path in scanned_modules():
        let_off = RULES_TABLE if path == RULES_MODULE else None
        if hits := role_sets_in(path.read_text(encoding="utf-8"), let_off=let_off):
            found[str(path.relative_to(PACKAGE.parent))] = hits
    assert not found, f"name these sets in sanfuwu/people/roles.py and use the names: {found}"


def test_the_scan_covers_the_modules_that_grant_by_role() -> None:
    scanned = {str(path.relative_to(PACKAGE)) for path in scanned_modules()}
    assert {"portal/views/race.py", "portal/nav.py", "issues/rules.py", "people/scope.py"} <= scanned
    assert "people/roles.py" not in scanned


@pytest.mark.parametrize(
    "source",
    [
        "@roles_required(Role.LEADER, Role.ADMIN)\ndef view(request): ...",
        "ok = person.is_superuser or person.has_role(Role.ADMIN, Role.DISPATCHER)",
        "EDITORS = frozenset({Role.ADMIN, Role.DISPATCHER})",
        "CLOSERS = (Role.ADMIN, Role.LEADER)",
        "qs.filter(role__in=[Role.ADMIN, Role.LEADER])",
        "Kind('targets', title, Importer, frozenset({*IMPORTERS, Role.VISITOR}), hint)",
        "ok = person.has_role(*IMPORTERS, Role.VISITOR)",
        "RULES = {}\nOTHER = {Action.SUPERVISE: _grant(Relation.TERRITORY, Role.SUPERVISOR, Role.LEADER)}",
    ],
)
def test_it_finds_a_set_of_roles_written_out(source: str) -> None:
    assert role_sets_in(source, let_off=RULES_TABLE)


@pytest.mark.parametrize(
    "source",
    [
        "@roles_required(Role.DISPATCHER)\ndef triage(request): ...",
        "if person.has_role(Role.HANDLER) and person.department is not None: ...",
        "ok = person.has_role(*MEETING_CHAIRS)",
        "roles = person.roles | {Role.ADMIN}",
        "RULES = {Action.SUPERVISE: _grant(Relation.TERRITORY, Role.SUPERVISOR, Role.LEADER)}",
    ],
)
def test_it_lets_one_role_a_named_set_and_the_rule_table_pass(source: str) -> None:
    assert not role_sets_in(source, let_off=RULES_TABLE)


def test_the_roles_module_imports_only_role_and_the_models_do_not_import_it() -> None:
    """Everything imports people/roles.py, so it must import nothing that could import it back."""
    tree = ast.parse(ROLES_MODULE.read_text(encoding="utf-8"))
    imports = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
    names = {
        (node.module, alias.name)
        for node in imports
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert not any(isinstance(node, ast.Import) for node in imports)
    assert names - {("__future__", "annotations")} == {("sanfuwu.people.models", "Role")}
    models = (PACKAGE / "people" / "models.py").read_text(encoding="utf-8")
    assert "sanfuwu.people.roles" not in models and "from . import roles" not in models


def test_every_name_in_the_roles_module_is_a_set_of_roles() -> None:
    from sanfuwu.people import roles
    from sanfuwu.people.models import Role

    sets = {name: value for name, value in vars(roles).items() if name.isupper()}
    assert "DISTRICT_WIDE" in sets and "REGISTRARS" in sets
    for name, value in sets.items():
        assert isinstance(value, frozenset) and value, name
        assert value <= set(Role.values), name
