"""Reads of the public channel: an issue by its tracking code, told in plain words, and the
refusals a member of staff looks at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.issues.models import Issue, Rating, Status
from sanfuwu.raisers.codes import LENGTH, code_clean, code_hash
from sanfuwu.raisers.models import Attempt, Outcome, PublicRaise


def raised_by_code(code: str) -> Issue | None:
    """The issue this tracking code follows, or None: a wrong code and a made-up one look alike."""
    if len(code_clean(code)) != LENGTH:
        return None
    found = PublicRaise.objects.select_related("issue", "issue__lead_department", "issue__category").filter(
        code_hash=code_hash(code)
    )
    raised = found.first()
    return raised.issue if raised else None


@dataclass(frozen=True)
class Progress:
    """Where the issue stands, for the person who raised it: no names, no internal notes."""

    step: int  # 1 受理, 2 交办, 3 办理, 4 答复, 5 办结
    words: str
    answer: str
    may_rate: bool


def progress_of(issue: Issue) -> Progress:
    if issue.duplicate_of_id is not None:
        # Merged into the same problem raised by someone else: that one is handled for both, and
        # its answer is relayed here when given. The rating is the original raiser's to give.
        if issue.feedback:
            return Progress(step=4, words=_("您反映的问题已与相同问题合并办理，并已答复。"), answer=issue.feedback,
                            may_rate=False)  # fmt: skip
        return Progress(step=2, words=_("您反映的问题已与相同问题合并办理，答复后将在此显示。"), answer="",
                        may_rate=False)  # fmt: skip
    department = issue.lead_department.name if issue.lead_department else ""
    status = issue.status
    answered = status == Status.RESOLVED and bool(issue.feedback)
    if status in (Status.REGISTERED, Status.RETURNED):
        step, words = 1, _("已受理，正在确定负责办理的部门。")
    elif status == Status.ASSIGNED:
        step, words = 2, _("已交由%(d)s办理。") % {"d": department}
    elif status in (Status.IN_PROGRESS, Status.LONG_TERM):
        step, words = 3, _("%(d)s正在办理。") % {"d": department}
        if issue.reopen_count:
            step, words = 3, _("您对上次答复不满意，%(d)s正在重新办理。") % {"d": department}
    elif status == Status.RESOLVED and not answered:
        step, words = 3, _("%(d)s已办理完毕，正在准备答复。") % {"d": department}
    elif answered and issue.rating in ("", Rating.UNSATISFIED):
        step, words = 4, _("已答复，请您评价办理结果。")
    elif answered:
        step, words = 4, _("感谢您的评价，办理结果正在归档。")
    elif status == Status.CLOSED:
        step, words = 5, _("已办结。")
    else:
        step, words = 5, _("该诉求未予受理。")
    may_rate = answered and issue.rating in ("", Rating.UNSATISFIED)
    return Progress(step=step, words=words, answer=issue.feedback if answered or status == Status.CLOSED else "",
                    may_rate=may_rate)  # fmt: skip


@dataclass(frozen=True)
class RefusedFrom:
    address: str | None
    outcome: str
    count: int
    last_at: object


def refusals_recent(days: int = 7) -> tuple[int, list[RefusedFrom]]:
    """What the channel refused in the last `days`: how many, and by address and reason, the most
    first (a flood shows as one address with hundreds)."""
    since = timezone.now() - timedelta(days=days)
    refused = Attempt.objects.filter(at__gte=since).exclude(outcome=Outcome.ACCEPTED)
    rows = (
        refused.values("address", "outcome")
        .annotate(n=Count("id"), last=Max("at"))
        .order_by("-n", "-last")[:100]
    )
    return refused.count(), [RefusedFrom(r["address"], r["outcome"], r["n"], r["last"]) for r in rows]
