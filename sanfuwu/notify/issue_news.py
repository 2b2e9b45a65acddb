"""Who hears of a step on an issue, and what they read: written by the workflow in the step's own
transaction (sanfuwu.issues.workflow), so nobody is told of a step that did not happen."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from sanfuwu.issues.models import Action, Issue, Rating, Status
from sanfuwu.notify.models import Kind
from sanfuwu.notify.services import News, news_send, notices_send
from sanfuwu.orgs.models import Department, Region
from sanfuwu.people.models import Person, Role
from sanfuwu.people.roles import DEPARTMENT_STAFF


def department_staff(department_ids: Iterable[int | None]) -> QuerySet[Person]:
    ids = [pk for pk in department_ids if pk]
    return Person.objects.filter(
        is_active=True, department_id__in=ids, role_grants__role__in=DEPARTMENT_STAFF
    ).distinct()


def dispatchers_of(issue: Issue) -> QuerySet[Person]:
    """The dispatchers whose territory holds the issue: of its region or any region above it."""
    region = Region.objects.filter(pk=issue.region_id).only("path").first()
    regions = region.ancestor_ids() if region else []
    return Person.objects.filter(
        is_active=True, region_id__in=regions, role_grants__role=Role.DISPATCHER
    ).distinct()


def handling_people(issue: Issue) -> list[Person]:
    """Who works the issue: its handler once assigned, else its lead department's staff."""
    if issue.handler_id:
        handler = Person.objects.filter(pk=issue.handler_id, is_active=True).first()
        if handler is not None:
            return [handler]
    return list(department_staff([issue.lead_department_id]))


def _line(issue: Issue, words: str) -> str:
    return f"{issue.number} {issue.title}：{words}"


def issue_news(
    *, issue: Issue, action: str, actor: Person | None, before: str, payload: dict[str, object]
) -> None:
    """Tell the people the step concerns. `issue` is as the step left it; `before` its status."""
    link = reverse("issues:detail", args=[issue.pk])

    def tell(kind: str, people: Iterable[Person], words: str) -> None:
        notices_send(kind=kind, recipients=people, text=_line(issue, words), link=link, actor=actor)

    due = issue.due_date.strftime("%Y-%m-%d") if issue.due_date else ""
    if action == Action.DISPATCH:
        lead = issue.lead_department_id
        words = (
            _("已交办本部门主办，期限 %(due)s，请及时签收。") % {"due": due}
            if due
            else _("已交办本部门主办，请及时签收。")
        )
        tell(Kind.DISPATCHED, department_staff([lead]), words)
        co = [d.pk for d in payload.get("co_departments") or [] if isinstance(d, Department)]  # type: ignore[attr-defined]
        if co:
            helpers = [p for p in department_staff(co) if p.department_id != lead]
            tell(Kind.DISPATCHED, helpers, _("已交办本部门协办。"))
    elif action == Action.ASSIGN_HANDLER and issue.handler_id:
        tell(Kind.ASSIGNED, Person.objects.filter(pk=issue.handler_id), _("已分派给您办理。"))
    elif action == Action.RETURN:
        tell(Kind.RETURNED, dispatchers_of(issue), _("承办部门已退回，请重新交办。"))
    elif action == Action.REQUEST_EXTENSION:
        tell(Kind.EXTENSION_REQUESTED, dispatchers_of(issue), _("承办部门申请延期，请审批。"))
    elif action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION):
        words = (
            _("延期申请已同意，新期限 %(due)s。") % {"due": due}
            if action == Action.APPROVE_EXTENSION
            else _("延期申请未获同意，请按原期限办理。")
        )
        tell(Kind.EXTENSION_DECIDED, handling_people(issue), words)
    elif action == Action.SUPERVISE:
        people = handling_people(issue) if issue.lead_department_id else list(dispatchers_of(issue))
        tell(Kind.SUPERVISED, people, _("已被挂牌督办，请加快办理。"))
    elif action == Action.INSTRUCT:
        text = str(payload.get("text") or "")
        words = _("领导批示：%(text)s") % {"text": text[:120]}
        people = (
            [*handling_people(issue), *dispatchers_of(issue)]
            if issue.lead_department_id
            else list(dispatchers_of(issue))
        )
        tell(Kind.INSTRUCTED, people, words)
    elif action == Action.RESOLVE:
        tell(Kind.RESOLVED, dispatchers_of(issue), _("已办结，请答复群众并回访。"))
    elif action == Action.RATE and issue.rating == Rating.UNSATISFIED and issue.status != before:
        if issue.status == Status.REGISTERED:
            tell(Kind.REOPENED, dispatchers_of(issue), _("回访不满意，需重新交办。"))
        else:
            tell(Kind.REOPENED, handling_people(issue), _("回访不满意，已退回重办。"))


def people_working(issues: list[Issue]) -> dict[int, list[Person]]:
    """Each issue's people, for many issues in three queries: its handler, or its lead
    department's staff while nobody is assigned."""
    handlers = Person.objects.in_bulk({i.handler_id for i in issues if i.handler_id})
    staff: dict[int, list[Person]] = {}
    for person in department_staff({i.lead_department_id for i in issues if not i.handler_id}):
        staff.setdefault(person.department_id or 0, []).append(person)
    found = {}
    for issue in issues:
        handler = handlers.get(issue.handler_id or 0)
        found[issue.pk] = (
            [handler] if handler and handler.is_active else staff.get(issue.lead_department_id or 0, [])
        )
    return found


def issues_supervised_news(issue_ids: Iterable[int]) -> int:
    """The hourly job's supervision of many late issues at once, told in a few statements."""
    issues = list(
        Issue.objects.filter(pk__in=list(issue_ids)).only(
            "pk", "number", "title", "handler", "lead_department"
        )
    )
    people = people_working(issues)
    words = _("已超期，已被系统挂牌督办，请加快办理。")
    items = [
        News(Kind.SUPERVISED, tuple(people[i.pk]), _line(i, words), reverse("issues:detail", args=[i.pk]))
        for i in issues
        if people[i.pk]
    ]
    return news_send(items)
