"""The demo's texts are data files: complete for the catalogue, with only the placeholders the
demo fills, in the shapes the demo unpacks, and read once per process."""

from __future__ import annotations

import io
import re
import string
from datetime import date

import pytest

from sanfuwu.core.demokit import demo_build
from sanfuwu.issues import demo_texts as issue_texts
from sanfuwu.issues.models import Assignment, AssignmentState, Instruction
from sanfuwu.orgs.catalog import DEFAULT_CATALOG, catalog_parse
from sanfuwu.visits import demo_texts as visit_texts

ISSUE_PLACEHOLDERS = {"企业", "社区", "道路", "数量"}
ISSUE_LISTS = [
    [reason for returns in issue_texts.RETURNS.values() for _, reason in returns],
    issue_texts.EXTENSION_REASONS, issue_texts.LONG_TERM_PLANS,
    issue_texts.INSTRUCTIONS, issue_texts.SUPERVISION_NOTES, issue_texts.UNSATISFIED_NOTES,
    issue_texts.RETURN_VISIT_NOTES,
]  # fmt: skip


def format_fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_it_has_issues_and_resolutions_for_every_category_of_the_catalogue() -> None:
    codes = [c["code"] for c in catalog_parse(DEFAULT_CATALOG.read_text(encoding="utf-8"))["categories"]]
    assert set(issue_texts.ISSUE_TEXTS) == set(codes)
    assert set(issue_texts.RESOLUTIONS) == set(codes)
    for code in codes:
        assert issue_texts.ISSUE_TEXTS[code] and issue_texts.RESOLUTIONS[code], code


def test_it_gives_the_demo_the_shapes_it_unpacks() -> None:
    for texts in issue_texts.ISSUE_TEXTS.values():
        for pair in texts:
            assert type(pair) is tuple and len(pair) == 2 and all(type(s) is str and s for s in pair)
    for title, issuer, issued_on, summary in visit_texts.POLICIES:
        assert all(type(s) is str and s for s in (title, issuer, summary))
        assert type(issued_on) is tuple and date(*issued_on).year >= 2025
    lists = [*issue_texts.RESOLUTIONS.values(), *ISSUE_LISTS, visit_texts.ENTERPRISE_NOTES,
             visit_texts.COMMUNITY_NOTES, visit_texts.MET, visit_texts.COMMUNITY_MET,
             visit_texts.REPORT_PARAGRAPHS]  # fmt: skip
    for strings in lists:
        assert type(strings) is list and strings and all(type(s) is str and s for s in strings)


def test_it_uses_only_the_placeholders_the_demo_fills() -> None:
    issue_strings = [s for texts in issue_texts.ISSUE_TEXTS.values() for pair in texts for s in pair]
    issue_strings += [s for texts in issue_texts.RESOLUTIONS.values() for s in texts]
    issue_strings += [s for texts in ISSUE_LISTS for s in texts]
    used = {name for s in issue_strings for name in re.findall(r"\{([^{}]*)\}", s)}
    assert used <= ISSUE_PLACEHOLDERS, used - ISSUE_PLACEHOLDERS
    assert (
        issue_texts.fill("{道路}旁{企业}{其他}", {"道路": "文渊路", "企业": "某公司"})
        == "文渊路旁某公司{其他}"
    )
    # visits/demo.py fills these with str.format, which fails on any other name.
    for note in visit_texts.ENTERPRISE_NOTES:
        assert format_fields(note) <= {"season", "rate", "gap"}, note
    for paragraph in visit_texts.REPORT_PARAGRAPHS:
        assert format_fields(paragraph) <= {"place", "n"}, paragraph
    for note in visit_texts.COMMUNITY_NOTES:
        assert not format_fields(note), note


@pytest.mark.parametrize("module", [issue_texts, visit_texts], ids=["issues", "visits"])
def test_it_reads_each_file_once_per_process(module, monkeypatch) -> None:
    first = module.load()
    monkeypatch.setattr(module, "files", lambda package: pytest.fail(f"{package} read a second time"))
    assert module.load() is first


def test_a_return_names_the_department_it_belongs_to_and_helpers_fit_the_category() -> None:
    catalog = catalog_parse(DEFAULT_CATALOG.read_text(encoding="utf-8"))
    names = {d["code"]: d["name"] for d in catalog["departments"]}
    leads = {c["code"]: c["dept"] for c in catalog["categories"]}
    assert set(issue_texts.RETURNS) == set(leads) == set(issue_texts.CO_DEPARTMENTS)
    for code, returns in issue_texts.RETURNS.items():
        assert returns, code
        for to, reason in returns:
            # The department the issue goes to next is a real one, not the one returning it, and
            # the reason says which.
            assert to in names and to != leads[code], (code, to)
            assert names[to] in reason, (code, reason)
    for code, helpers in issue_texts.CO_DEPARTMENTS.items():
        assert helpers and all(h in names and h != leads[code] for h in helpers), code


def test_the_demos_departments_returns_and_instructions_fit_each_issues_category(db) -> None:
    demo_build(seed=11, today=date(2025, 11, 14), out=io.StringIO(), small=True)
    returns = {code: {reason: to for to, reason in rs} for code, rs in issue_texts.RETURNS.items()}
    assignments = Assignment.objects.select_related("issue__category__default_department", "department")
    seen_returns = 0
    for a in assignments.order_by("issue_id", "dispatched_at", "id"):
        category = a.issue.category
        if not a.is_lead:
            assert a.department.code in issue_texts.CO_DEPARTMENTS[category.code], (
                category.code,
                a.department,
            )
        elif a.state == AssignmentState.RETURNED:
            seen_returns += 1
            # Returned by the category's own department, with a reason of that category, and
            # handed next to the department the reason names.
            assert a.department == category.default_department
            assert a.return_reason in returns[category.code], (category.code, a.return_reason)
            after = assignments.filter(issue=a.issue, is_lead=True, dispatched_at__gt=a.dispatched_at).first()
            if after is not None:
                assert after.department.code == returns[category.code][a.return_reason]
        else:
            allowed = {category.default_department.code, *returns[category.code].values()}
            assert a.department.code in allowed, (category.code, a.department)
    assert seen_returns > 0
    department_names = catalog_parse(DEFAULT_CATALOG.read_text(encoding="utf-8"))["departments"]
    for instruction in Instruction.objects.select_related("issue__lead_department"):
        named = [d["name"] for d in department_names if d["name"] in instruction.text]
        lead = instruction.issue.lead_department
        assert not named or (lead is not None and named == [lead.name]), instruction.text
