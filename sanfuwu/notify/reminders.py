"""The working morning's word: issues due tomorrow and overdue, once per issue per day; each
department's digest; on the first working day of a week, each grid worker's visits due. Sent once
a day, on working days only, from the first hourly run after eight o'clock Beijing time."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.core.periods import day_start
from sanfuwu.issues.models import RUNNING_STATUSES, Issue, overdue_q, supervised_open_q
from sanfuwu.notify.issue_news import department_staff, people_working
from sanfuwu.notify.models import Kind, ReminderDay
from sanfuwu.notify.services import News, news_send
from sanfuwu.orgs.models import Department
from sanfuwu.people.models import Person, Role
from sanfuwu.workdays.calendar import add_workdays, is_workday

MORNING = time(8, 0)
BATCH = 2000


def reminders_due(now: datetime | None = None) -> int:
    """Send the day's reminders if it is a working day, past eight, and nobody sent them yet.
    Returns the number of notices written (0 when there was nothing to do)."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    if now.time() < MORNING or not is_workday(today):
        return 0
    try:
        with transaction.atomic():
            mark = ReminderDay.objects.create(day=today, at=now)
    except IntegrityError:
        return 0  # sent already today, by this worker or another
    told = deadline_reminders(today) + department_digests(today)
    if _first_workday_of_week(today):
        told += visits_due_reminders(today)
    ReminderDay.objects.filter(pk=mark.pk).update(told=told)
    return told


def _first_workday_of_week(day: date) -> bool:
    monday = day - timedelta(days=day.weekday())
    return next(d for d in (monday + timedelta(days=n) for n in range(7)) if is_workday(d) or d == day) == day


def deadline_reminders(today: date) -> int:
    tomorrow = add_workdays(today, 1)
    kinds = (
        (
            Kind.DUE_TOMORROW,
            Q(status__in=RUNNING_STATUSES, due_date=tomorrow),
            _("明日（%(day)s）到期，请抓紧办理。"),
        ),
        (Kind.OVERDUE, overdue_q(today), _("已超过办理期限（%(day)s），请尽快办结或申请延期。")),
    )
    told = 0
    for kind, where, words in kinds:
        after = 0
        while True:
            issues = list(
                Issue.objects.filter(where, pk__gt=after)
                .order_by("pk")
                .only("pk", "number", "title", "handler", "lead_department", "due_date")[:BATCH]
            )
            if not issues:
                break
            people = people_working(issues)
            items = [
                News(
                    kind,
                    tuple(people[i.pk]),
                    f"{i.number} {i.title}："
                    + words % {"day": i.due_date.strftime("%m-%d") if i.due_date else ""},
                    reverse("issues:detail", args=[i.pk]),
                    once=f"{kind}:{i.pk}:{today.isoformat()}",
                )
                for i in issues
                if people[i.pk]
            ]
            with transaction.atomic():
                told += news_send(items)
            after = issues[-1].pk
    return told


def department_digests(today: date) -> int:
    """每日简报 per department to its heads (its staff when it has none) and its group."""
    start = day_start(today - timedelta(days=1))
    figures = (
        Issue.objects.filter(lead_department__isnull=False)
        .values("lead_department")
        .annotate(
            new=Count("pk", filter=Q(dispatched_at__gte=start)),
            due_today=Count("pk", filter=Q(status__in=RUNNING_STATUSES, due_date=today)),
            overdue=Count("pk", filter=overdue_q(today)),
            supervised=Count("pk", filter=supervised_open_q()),
        )
    )
    by_department = {row["lead_department"]: row for row in figures}
    departments = Department.objects.filter(active=True, pk__in=list(by_department)).order_by(
        "sort_order", "pk"
    )
    staff: dict[int, list[Person]] = defaultdict(list)
    for person in department_staff([d.pk for d in departments]).prefetch_related("role_grants"):
        staff[person.department_id or 0].append(person)
    items = []
    for department in departments:
        row = by_department[department.pk]
        if not any(row[k] for k in ("new", "due_today", "overdue", "supervised")):
            continue
        people = staff.get(department.pk, [])
        heads = [p for p in people if Role.HEAD in p.roles] or people
        text = _(
            "%(dept)s %(day)s 简报：昨日以来新交办 %(new)s 件，今日到期 %(due)s 件，已超期 %(late)s 件，督办中 %(sup)s 件。"
        ) % {
            "dept": department.name, "day": today.strftime("%m-%d"), "new": row["new"], "due": row["due_today"],
            "late": row["overdue"], "sup": row["supervised"],
        }  # fmt: skip
        items.append(
            News(
                Kind.DIGEST,
                tuple(heads),
                text,
                reverse("issues:work") + "?view=dept",
                once=f"digest:{department.pk}:{today}",
            )
        )
    with transaction.atomic():
        return news_send(items)


def visits_due_reminders(today: date) -> int:
    """本周应走访: each person holding pairings, the targets whose slot ends this week unvisited."""
    from sanfuwu.visits.models import Pairing
    from sanfuwu.visits.selectors import pairings_due

    holders = Person.objects.filter(is_active=True, pk__in=Pairing.objects.values("person_id")).order_by("pk")
    items = []
    for person in holders:
        week = pairings_due(person, today).week
        if not week:
            continue
        names = "、".join(d.pairing.target.name for d in week[:3])
        more = _("等 %(n)s 家") % {"n": len(week)} if len(week) > 3 else ""
        text = _("本周有 %(n)s 家包联对象尚未走访：%(names)s%(more)s。") % {
            "n": len(week),
            "names": names,
            "more": more,
        }
        items.append(
            News(Kind.VISIT_DUE, (person,), text, reverse("home"), once=f"visits:{person.pk}:{today}")
        )
    with transaction.atomic():
        return news_send(items)
