"""The demo's issues indexed for the duplicate search, and the waiting ones given the suggestions
registration would have stored, so that the triage queue shows them from the first page."""

from __future__ import annotations

from sanfuwu.core.demokit import DemoContext
from sanfuwu.issues.models import AWAITING_DISPATCH_STATUSES, Issue
from sanfuwu.triage.models import Stage, Suggestion
from sanfuwu.triage.similar import issues_bands_backfill
from sanfuwu.triage.suggest import issue_suggest_at_register
from sanfuwu.triage.topics import issues_topics_backfill


def build(ctx: DemoContext) -> None:
    done = issues_bands_backfill(Issue.objects.all())
    issues_topics_backfill(Issue.objects.all())
    waiting = Issue.objects.filter(status__in=AWAITING_DISPATCH_STATUSES).exclude(
        pk__in=Suggestion.objects.filter(stage=Stage.REGISTER).values("issue_id")
    )
    for issue in waiting.select_related("category"):
        issue_suggest_at_register(issue=issue)
    ctx.say(f"  相似问题索引：{done} 个问题")
