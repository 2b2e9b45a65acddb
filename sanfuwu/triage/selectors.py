"""Reads for the pages: the suggestion each waiting issue was registered with, as its row shows it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sanfuwu.issues.models import Issue
from sanfuwu.orgs.models import Category, Department
from sanfuwu.triage.models import Stage, Suggestion
from sanfuwu.triage.suggest import advise


@dataclass(frozen=True)
class Guess:
    pk: int
    name: str
    percent: int
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowAdvice:
    categories: list[Guess]
    departments: list[Guess]
    # The text reads as another category than the one it was registered under.
    other_category: Guess | None


def advice_for_rows(issues: Sequence[Issue]) -> dict[int, RowAdvice]:
    """Per issue, its registration's suggestion (worked out now for an issue registered before
    suggestions were kept). Two queries for a page, whatever its length."""
    stored = {
        s.issue_id: (s.categories, s.departments)
        for s in Suggestion.objects.filter(issue__in=[i.pk for i in issues], stage=Stage.REGISTER).order_by(
            "id"
        )
    }
    categories = {c.code: c for c in Category.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(active=True)}
    out = {}
    for issue in issues:
        if issue.pk in stored:
            cats, depts = stored[issue.pk]
        else:
            cats, depts = advise(f"{issue.title}。{issue.description}").stored()
        guesses = [
            Guess(categories[c].pk, categories[c].name, round(float(p) * 100), tuple(r))
            for c, p, r in cats if c in categories
        ]  # fmt: skip
        leads = [
            Guess(departments[d].pk, departments[d].name, round(float(p) * 100))
            for d, p in depts if d in departments
        ]  # fmt: skip
        other = (
            guesses[0]
            if guesses and guesses[0].pk != issue.category_id and guesses[0].percent >= 50
            else None
        )
        out[issue.pk] = RowAdvice(guesses, leads, other)
    return out
