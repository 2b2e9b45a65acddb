"""After-care (办结后续): what a resolved issue still needs before it is struck off — the answer to
the raiser (答复), the return visit (回访) and the close-out (销号) — as the dispatcher's queue.

Reads are the queue's tabs; writes take each issue through workflow.issue_act on its own, so a
batch is a list of separate steps: one refused row leaves the others done and itself untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfuwu.core.paging import capped_count
from sanfuwu.issues.models import Action, Issue, Rating, Status, Tier
from sanfuwu.issues.rules import RULES, Relation
from sanfuwu.issues.selectors import issue_get_for, issues_visible_to
from sanfuwu.issues.workflow import Conflict, NotAllowed, issue_act
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of

AFTERCARE_ACTIONS = (Action.FEEDBACK, Action.RATE, Action.CLOSE)
# Whoever the rules let answer, visit and close issues across a territory keeps the queue; the
# grid worker's grant for their own on-the-spot cases is used at registration, not here.
AFTERCARE_ROLES = frozenset(
    role
    for action in AFTERCARE_ACTIONS
    for grant in RULES[action].grants
    if grant.relation == Relation.TERRITORY
    for role in grant.roles
)
GOOD_RATINGS = (Rating.SATISFIED, Rating.BASIC)
# The ratings a raiser can give on the spot for a case closed there: one who is not satisfied
# has a problem still to hand over, not an issue to close.
SPOT_RATINGS = [(Rating.SATISFIED, Rating.SATISFIED.label), (Rating.BASIC, Rating.BASIC.label)]

TABS: list[tuple[str, Promise]] = [
    ("answer", gettext_lazy("待答复")),
    ("visit", gettext_lazy("待回访")),
    ("close", gettext_lazy("待销号")),
]
TAB_FILTERS = {
    "answer": Q(feedback=""),
    # A 不满意 that was handled again comes back resolved with its old rating: it needs a new one.
    "visit": ~Q(feedback="") & ~Q(rating__in=GOOD_RATINGS),
    "close": ~Q(feedback="") & Q(rating__in=GOOD_RATINGS),
}


def may_keep_aftercare(person: Person) -> bool:
    return person.is_superuser or person.has_role(*AFTERCARE_ROLES)


def aftercare_resolved(person: Person) -> QuerySet[Issue]:
    """Resolved issues in the person's territory: the rules' territory, not the issues merely
    dispatched to their department, which they could see but not answer."""
    scope = scope_of(person)
    qs = issues_visible_to(person).filter(status=Status.RESOLVED)
    if not scope.everything:
        qs = qs.filter(region_id__in=scope.region_ids())
    return qs


def aftercare_queues(person: Person) -> dict[str, QuerySet[Issue]]:
    """The three tabs, each oldest first: the longest waiting since it was resolved."""
    resolved = aftercare_resolved(person)
    return {key: resolved.filter(q).order_by("resolved_at", "id") for key, q in TAB_FILTERS.items()}


def aftercare_search_q(text: str) -> Q:
    """Rows whose number or title holds any of the words: a raiser calling back gives one, a
    dispatcher pasting a list of numbers several."""
    found = Q(pk__in=[])
    for word in text.replace(",", " ").replace("，", " ").split()[:20]:
        found |= Q(number__icontains=word) | Q(title__icontains=word)
    return found


def aftercare_waiting(person: Person, cap: int = 999) -> tuple[int, bool]:
    """How many resolved issues wait for any after-care, for the menu: one capped count."""
    if not may_keep_aftercare(person):
        return 0, False
    return capped_count(aftercare_resolved(person), cap)


def aftercare_counts(person: Person, cap: int = 999) -> dict[str, tuple[int, bool]]:
    """Each tab's waiting count (capped), for the dispatcher's home: the same rows as the tabs."""
    if not may_keep_aftercare(person):
        return {}
    return {key: capped_count(qs, cap) for key, qs in aftercare_queues(person).items()}


def aftercare_get_for(person: Person, pk: int) -> Issue:
    """A resolved issue of the person's territory; 404 for anything else."""
    try:
        return aftercare_resolved(person).get(pk=pk)
    except Issue.DoesNotExist:
        raise Http404(_("没有找到该问题，或它已不在办结后续中。")) from None


# --- Answers from a template -----------------------------------------------------------------


@dataclass(frozen=True)
class AnswerTemplate:
    key: str
    label: Promise
    # The answer goes to the raiser as it is written here, in Chinese, whatever the reader's language.
    text: str


ANSWER_TEMPLATES = [
    AnswerTemplate(
        "standard",
        gettext_lazy("通用答复"),
        "您反映的“{标题}”问题，已由{承办部门}办理：{办理结果}。感谢您对我们工作的支持！",
    ),
    AnswerTemplate(
        "verified",
        gettext_lazy("现场核实处理"),
        "您好！您反映的“{标题}”问题（编号 {编号}），{承办部门}已现场核实并处理：{办理结果}。"
        "如仍有问题，欢迎再次向我们反映。",
    ),
    AnswerTemplate(
        "policy",
        gettext_lazy("政策解释答复"),
        "您好！关于您反映的“{标题}”问题，经{承办部门}研究，答复如下：{办理结果}。"
        "如对相关政策仍有疑问，可拨打12345热线咨询。",
    ),
    AnswerTemplate(
        "phone",
        gettext_lazy("电话告知"),
        "已电话告知反映人：您反映的“{标题}”问题，{承办部门}办理结果为：{办理结果}。反映人已知悉。",
    ),
]


def answer_fill(text: str, issue: Issue) -> str:
    """The template with the issue's own words in place of its placeholders. A problem solved on
    the spot has no department: the place where it was solved stands in."""
    department = issue.lead_department.name if issue.lead_department else issue.region.name
    values = {
        "{标题}": issue.title,
        "{编号}": issue.number,
        "{承办部门}": department,
        "{部门}": department,  # the category templates' older names (sanfuwu.issues.responses)
        "{办理结果}": issue.resolution.strip().rstrip("。"),
        "{结果}": issue.resolution.strip().rstrip("。"),
        "{反映人}": issue.raiser_name or _("反映人"),
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text.strip()


# --- Writes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What became of one row of a batch: done, or refused with the reason."""

    issue: Issue
    done: bool
    message: str
    conflict: bool = False


def _refusal(exc: ValidationError) -> str:
    return "；".join(str(m) for messages in exc.message_dict.values() for m in messages)


def _one(person: Person, pk: int, version: int, action: str, **payload: object) -> Outcome:
    try:
        issue = issue_get_for(person, pk)
    except Http404:
        issue = Issue(pk=pk, number="—", title=_("没有找到该问题"))
        return Outcome(issue, False, _("没有找到该问题，或它不在您的管辖范围内。"))
    try:
        issue = issue_act(issue=issue, action=action, actor=person, version=version, **payload)
    except Conflict:
        fresh = issue_get_for(person, pk)
        return Outcome(fresh, False, aftercare_change_told(fresh), conflict=True)
    except NotAllowed as exc:
        return Outcome(issue, False, str(exc))
    except ValidationError as exc:
        return Outcome(issue, False, _refusal(exc))
    return Outcome(issue, True, _("已%(action)s。") % {"action": Action(action).label})


def aftercare_change_told(issue: Issue) -> str:
    """What changed since the row was read: who took which step last, and when."""
    from django.utils import timezone

    event = issue.events.select_related("actor").order_by("-seq").first()
    if event is None:
        return _("该问题刚刚已被他人处理，请确认后再操作。")
    who = event.actor.name if event.actor else _("系统")
    return _("%(who)s 已于 %(at)s %(action)s，问题当前为“%(status)s”。") % {
        "who": who,
        "at": timezone.localtime(event.at).strftime("%m-%d %H:%M"),
        "action": event.action_label,
        "status": Status(issue.status).label,
    }


def issue_answer_batch(*, actor: Person, answers: Sequence[tuple[int, int, str]]) -> list[Outcome]:
    """答复 each (issue id, version read, text): each its own step, refused rows untouched."""
    return [_one(actor, pk, version, Action.FEEDBACK, feedback=text) for pk, version, text in answers]


def issue_close_batch(*, actor: Person, rows: Sequence[tuple[int, int]]) -> list[Outcome]:
    """销号 each (issue id, version read): each its own step, refused rows untouched."""
    return [_one(actor, pk, version, Action.CLOSE) for pk, version in rows]


def issue_close_on_spot(*, issue: Issue, actor: Person, version: int, rating: str, note: str = "") -> Issue:
    """A problem solved on the spot whose raiser was told there and rated it there: 答复, 回访 and
    销号 as three steps of its history, written together or not at all."""
    if issue.tier != Tier.DONE:
        raise ValidationError({"__all__": _("只有已经办（当场办结）的问题可以当场告知后直接销号。")})
    if rating not in dict(SPOT_RATINGS):
        raise ValidationError({"rating": _("请选择反映人当场的评价：满意或基本满意。")})
    told = _("已当场向反映人告知办理结果：%(r)s。") % {"r": issue.resolution.strip().rstrip("。")}
    with transaction.atomic():
        issue = issue_act(issue=issue, action=Action.FEEDBACK, actor=actor, version=version, feedback=told)
        issue = issue_act(
            issue=issue, action=Action.RATE, actor=actor, version=issue.version, rating=rating,
            note=note.strip() or _("当场回访"),
        )  # fmt: skip
        return issue_act(
            issue=issue, action=Action.CLOSE, actor=actor, version=issue.version,
            note=_("已经办，当场告知反映人后销号。"),
        )  # fmt: skip
