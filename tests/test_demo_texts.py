"""The demo's texts are data files: complete for the catalogue, with only the placeholders the
demo fills, in the shapes the demo unpacks, and read once per process."""

from __future__ import annotations

import re
import string
from datetime import date

import pytest

from sanfuwu.issues import demo_texts as issue_texts
from sanfuwu.orgs.catalog import DEFAULT_CATALOG, catalog_parse
from sanfuwu.visits import demo_texts as visit_texts

ISSUE_PLACEHOLDERS = {"企业", "社区", "道路", "数量"}
ISSUE_LISTS = [
    issue_texts.RETURN_REASONS, issue_texts.EXTENSION_REASONS, issue_texts.LONG_TERM_PLANS,
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
