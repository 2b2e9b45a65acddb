"""What an issue is about within its category: the sub-topic of the category's own description
(涵盖内容 "停车位不足、乱停车、停车收费") whose words the issue's text holds most of, weighted by how
telling each pair of characters is; else the words that decided its category (a category the
admin added without a description still gets topics, "无人机"); else 其他.

The sub-topics are the catalogue's, so the district names its common problems in its own words
and changes them by editing a category."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from sanfuwu.issues.models import Issue
from sanfuwu.orgs.models import Category
from sanfuwu.triage.classifier import Model
from sanfuwu.triage.models import IssueTopic
from sanfuwu.triage.similar import bigrams, issue_text
from sanfuwu.triage.store import current_model

OTHER = "其他"
# Of a sub-topic's words (weighted), the share the text must hold for the issue to be about it.
COVER = 0.5
_SPLIT = re.compile(r"[、，,；;/]|与|及")


def subtopics(about: str) -> list[str]:
    # A topic is a few words; a long clause of a description is cut to the column's 40.
    return [part.strip()[:40] for part in _SPLIT.split(about or "") if len(part.strip()) >= 2]


def topic_of(text: str, category: Category, model: Model) -> str:
    grams = bigrams(text)
    best, best_cover = "", 0.0
    for phrase in subtopics(category.about):
        weights = {g: model.idf.get(g, 1.0) for g in bigrams(phrase)}
        cover = sum(w for g, w in weights.items() if g in grams) / (sum(weights.values()) or 1.0)
        if cover > best_cover:
            best, best_cover = phrase, cover
    if best_cover >= COVER:
        return best
    if category.code in model.labels:
        found = [r for r in model.reasons(text, category.code, limit=4) if len(r) >= 2]
        if found:
            return found[0][:40]
    return OTHER


def place_of(issue: Issue) -> str:
    return f"t{issue.target_id}" if issue.target_id else f"r{issue.region_id}"


def issue_topic_write(issue: Issue, *, new: bool = False) -> IssueTopic:
    _id, model = current_model()
    topic = topic_of(issue_text(issue.title, issue.description), issue.category, model)
    row = IssueTopic(
        issue=issue, category_id=issue.category_id, topic=topic, region_id=issue.region_id,
        place=place_of(issue), registered_at=issue.registered_at,
    )  # fmt: skip
    if not new:
        IssueTopic.objects.filter(issue=issue).delete()
    row.save(force_insert=True)
    return row


def issues_topics_backfill(issues: QuerySet[Issue], *, batch: int = 2000) -> int:
    """Topics for every issue of `issues` without one (the demo, an import, an upgrade)."""
    _id, model = current_model()
    categories = {c.pk: c for c in Category.objects.all()}
    pending: list[IssueTopic] = []
    done = 0
    rows: Iterable[Issue] = (
        issues.exclude(pk__in=IssueTopic.objects.values("issue_id"))
        .order_by("pk")
        .only("pk", "title", "description", "category", "region", "target", "registered_at")
        .iterator(chunk_size=batch)
    )
    for issue in rows:
        category = categories[issue.category_id]
        pending.append(
            IssueTopic(
                issue_id=issue.pk,
                category_id=category.pk,
                region_id=issue.region_id,
                place=place_of(issue),
                topic=topic_of(issue_text(issue.title, issue.description), category, model),
                registered_at=issue.registered_at,
            )
        )
        done += 1
        if len(pending) >= batch:
            with transaction.atomic():
                IssueTopic.objects.bulk_create(pending)
            pending = []
    IssueTopic.objects.bulk_create(pending)
    return done
