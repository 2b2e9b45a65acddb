"""Reads for the pages: the suggestion each waiting issue was registered with, as its row shows it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sanfuwu.issues.models import OPEN_STATUSES, Issue, Status
from sanfuwu.issues.selectors import issues_visible_to
from sanfuwu.orgs.models import Category
from sanfuwu.people.models import Person
from sanfuwu.triage.models import Stage, Suggestion
from sanfuwu.triage.suggest import Catalogue, advise


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
    # Issues the viewer may open that this one likely repeats: (issue, similarity in percent).
    # (issue, similarity in percent, still open so that this one may be merged into it)
    duplicates: list[tuple[Issue, int, bool]] = field(default_factory=list)


def advice_for_rows(issues: Sequence[Issue], viewer: Person) -> dict[int, RowAdvice]:
    """Per issue, its registration's suggestion (worked out now for an issue registered before
    suggestions were kept) and the issues it likely repeats among those `viewer` may open. Four
    queries for a page, whatever its length."""
    kept = list(
        Suggestion.objects.filter(issue__in=[i.pk for i in issues], stage=Stage.REGISTER).order_by("id")
    )
    stored = {s.issue_id: (s.categories, s.departments) for s in kept}
    similar = {s.issue_id: s.similar for s in kept}
    wanted = {pk for rows in similar.values() for pk, _sim in rows}
    visible = {}
    if wanted:
        shown = (
            issues_visible_to(viewer)
            .filter(pk__in=wanted)
            .exclude(status=Status.VOID)
            .values_list("pk", flat=True)
        )
        visible = Issue.objects.only("pk", "number", "title", "status").in_bulk(list(shown))
    catalogue = Catalogue.load()
    categories = {c.code: c for c in Category.objects.all()}
    departments = catalogue.departments
    out = {}
    for issue in issues:
        if issue.pk in stored:
            cats, depts = stored[issue.pk]
        else:
            cats, depts = advise(f"{issue.title}。{issue.description}", catalogue).stored()
        guesses = [
            Guess(categories[c].pk, categories[c].name, round(float(p) * 100), tuple(r))
            for c, p, r in cats if c in categories
        ]  # fmt: skip
        # A department the model gives next to nothing is no suggestion; the first always shows.
        leads = [
            Guess(departments[d].pk, departments[d].name, round(float(p) * 100))
            for n, (d, p) in enumerate(depts) if d in departments and (n == 0 or float(p) >= 0.02)
        ]  # fmt: skip
        other = (
            guesses[0]
            if guesses and guesses[0].pk != issue.category_id and guesses[0].percent >= 50
            else None
        )
        # The likeliest three; the page offers merging into those still open.
        repeats = [
            (visible[pk], round(float(sim) * 100), visible[pk].status in OPEN_STATUSES)
            for pk, sim in similar.get(issue.pk, [])
            if pk in visible
        ][:3]
        out[issue.pk] = RowAdvice(guesses, leads, other, repeats)
    return out


# How far back a registration looks for the same problem: older ones are history, not duplicates.
RECENT_DAYS = 180


def likely_duplicates(text: str, viewer: Person, *, limit: int = 3) -> list[tuple[Issue, int]]:
    """Recent issues `viewer` may open that `text` likely repeats, with the similarity in percent:
    shown while the problem is still being written down."""
    from datetime import timedelta

    from django.utils import timezone

    from sanfuwu.triage.similar import similar_to

    since = timezone.now() - timedelta(days=RECENT_DAYS)
    within = Issue.objects.filter(pk__in=issues_visible_to(viewer).values("pk"), registered_at__gte=since)
    matches = similar_to(text, limit=limit, within=within)
    found = Issue.objects.only("pk", "number", "title", "status").in_bulk([m.issue_id for m in matches])
    return [(found[m.issue_id], round(m.similarity * 100)) for m in matches if m.issue_id in found]
