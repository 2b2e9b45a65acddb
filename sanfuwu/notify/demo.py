"""The demo's notices: what the last days' work would have told people, so that every bell in the
demo has something in it, some of it read; and one example work-group robot, switched off, for
the administrator to see how one is set up."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from sanfuwu.core.demokit import DemoContext
from sanfuwu.issues.models import RUNNING_STATUSES, Issue, Status
from sanfuwu.notify.issue_news import department_staff, dispatchers_of, people_working
from sanfuwu.notify.models import Kind, Notice, Receiver, RobotKind
from sanfuwu.orgs.models import Department
from sanfuwu.people.models import Person

PER_KIND = 6


def build(ctx: DemoContext) -> None:
    if Notice.objects.exists():
        ctx.say(f"  消息：已有 {Notice.objects.count()} 条，跳过")
        return
    now = timezone.now()
    notices: list[Notice] = []

    def add(kind: str, people: list[Person], issue: Issue, words: str, at: datetime | None) -> None:
        link = reverse("issues:detail", args=[issue.pk])
        for person in people:
            created = at if at is not None else now
            read = created if created < now - timedelta(days=1) else None
            notices.append(Notice(recipient=person, kind=kind, text=f"{issue.number} {issue.title}：{words}",
                                  link=link, created_at=created, read_at=read))  # fmt: skip

    recent = Issue.objects.order_by("-dispatched_at")
    for department in Department.objects.filter(active=True).order_by("sort_order", "pk"):
        staff = list(department_staff([department.pk]))
        if not staff:
            continue
        for issue in recent.filter(lead_department=department, status=Status.ASSIGNED)[:PER_KIND]:
            add(Kind.DISPATCHED, staff, issue, "已交办本部门主办，请及时签收。", issue.dispatched_at)
    late = list(
        Issue.objects.filter(status__in=RUNNING_STATUSES, supervised=True, due_date__lt=ctx.today).order_by(
            "-due_date"
        )[: PER_KIND * 4]
    )
    working = people_working(late)
    for issue in late:
        add(Kind.SUPERVISED, working[issue.pk], issue, "已超期，已被系统挂牌督办，请加快办理。", None)
    for status, kind, words in (
        (Status.RETURNED, Kind.RETURNED, "承办部门已退回，请重新交办。"),
        (Status.RESOLVED, Kind.RESOLVED, "已办结，请答复群众并回访。"),
    ):
        for issue in Issue.objects.filter(status=status).order_by("-id")[:PER_KIND]:
            add(kind, list(dispatchers_of(issue)), issue, words, issue.resolved_at or issue.dispatched_at)
    Notice.objects.bulk_create(notices, batch_size=2000)
    jianshe = Department.objects.filter(code="jianshe").first()
    if jianshe is not None and not Receiver.objects.exists():
        Receiver.objects.create(
            name="建设局工作群（示例）", kind=RobotKind.DINGTALK, department=jianshe, active=False,
            url="https://oapi.dingtalk.com/robot/send?access_token=在钉钉群设置中复制",
        )  # fmt: skip
    ctx.say(f"  消息：{len(notices)} 条站内消息，1 个示例工作群机器人（未启用）")
