"""Suggestions for one text: the likeliest categories, each with the words that decided it, and
the likeliest lead departments, with the record of what was then chosen."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sanfuwu.issues.models import Issue
from sanfuwu.orgs.models import Category, Department
from sanfuwu.triage.models import Stage, Suggestion
from sanfuwu.triage.similar import issue_text, similar_to
from sanfuwu.triage.store import current_model

TOP = 3


@dataclass(frozen=True)
class CategoryGuess:
    category: Category
    confidence: float
    reasons: list[str]

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


@dataclass(frozen=True)
class DepartmentGuess:
    department: Department
    confidence: float

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


@dataclass
class Advice:
    model_id: int | None
    categories: list[CategoryGuess] = field(default_factory=list)
    departments: list[DepartmentGuess] = field(default_factory=list)

    def stored(self) -> tuple[list[list[object]], list[list[object]]]:
        cats = [[g.category.code, round(g.confidence, 4), g.reasons] for g in self.categories]
        depts = [[g.department.code, round(g.confidence, 4)] for g in self.departments]
        return cats, depts


@dataclass(frozen=True)
class Catalogue:
    """The active categories and departments suggestions are made among, read once per request
    (a page of rows shares them)."""

    categories: dict[str, Category]
    departments: dict[str, Department]

    @classmethod
    def load(cls) -> Catalogue:
        categories = Category.objects.filter(active=True).select_related("default_department")
        departments = Department.objects.filter(active=True)
        return cls({c.code: c for c in categories}, {d.code: d for d in departments})


def advise(text: str, catalogue: Catalogue | None = None) -> Advice:
    """Top categories and departments for `text`; nothing when the text says too little."""
    model_id, model = current_model()
    advice = Advice(model_id=model_id)
    if len(text.strip()) < 4:
        return advice
    catalogue = catalogue or Catalogue.load()
    categories = catalogue.categories
    ranked = [(code, p) for code, p in model.ranked(text) if code in categories]
    advice.categories = [
        CategoryGuess(categories[code], p, model.reasons(text, code)) for code, p in ranked[:TOP]
    ]
    table = model.meta.get("departments") or {}
    shares: dict[str, float] = defaultdict(float)
    for code, p in ranked:
        rows = table.get(code) if isinstance(table, dict) else None
        if not rows:
            rows = [[categories[code].default_department.code, 1.0]]
        for dept, share in rows:
            shares[str(dept)] += p * float(share)
    departments = catalogue.departments
    best = sorted(((p, code) for code, p in shares.items() if code in departments), reverse=True)
    advice.departments = [DepartmentGuess(departments[code], p) for p, code in best[:TOP]]
    return advice


def issue_suggest_at_register(*, issue: Issue) -> Suggestion:
    """The suggestion registration showed, and the issues the new one likely repeats."""
    text = issue_text(issue.title, issue.description)
    advice = advise(text)
    cats, depts = advice.stored()
    similar = [[m.issue_id, round(m.similarity, 3)] for m in similar_to(text, exclude=issue.pk, limit=5)]
    return Suggestion.objects.create(
        issue=issue, stage=Stage.REGISTER, model_id=advice.model_id, categories=cats, departments=depts,
        similar=similar, chosen_category=issue.category.code,
    )  # fmt: skip


def issue_suggest_at_dispatch(*, issue: Issue, department: Department) -> Suggestion:
    """The dispatch's record: the departments suggested at registration against the one chosen."""
    registered = issue.suggestions.filter(stage=Stage.REGISTER).order_by("-id").first()
    return Suggestion.objects.create(
        issue=issue, stage=Stage.DISPATCH, model_id=registered.model_id if registered else None,
        categories=registered.categories if registered else [],
        departments=registered.departments if registered else [],
        chosen_category=issue.category.code, chosen_department=department.code,
    )  # fmt: skip
