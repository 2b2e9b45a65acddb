"""The supervision notice (督办通知书) for a supervised issue, as a Word document in the bulletin's
official layout: what the department must do about one problem, by when, and what the leaders said.

Its number (督办〔2026〕第12号) is not stored: it is the issue's place among the issues first put
under supervision that year, read from the history. The history is never edited, so a notice
printed twice carries the same number, and no two issues share one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Min, Q
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from sanfuwu.issues.models import RUNNING_STATUSES, Action, Issue, IssueEvent, SupervisionLevel, Tier
from sanfuwu.orgs.models import Region
from sanfuwu.reports.bulletin import BODY, HEADING, TITLE, _page_numbers, _paragraph
from sanfuwu.workdays.calendar import workdays_between

# The office's standing wording for each supervision level; the key level adds a progress report
# every three working days and a mention in the district's bulletin.
REQUIREMENTS = {
    SupervisionLevel.GENERAL: (
        "请你单位高度重视，明确责任科室和责任人，对照问题逐项核实，在办理期限内办结，"
        "并及时在平台上报送办理结果。逾期未办结的，将在“三服务”工作通报中予以通报。"
    ),
    SupervisionLevel.KEY: (
        "此件为重点督办事项。请你单位主要负责同志亲自过问、专题研究，制定办理方案，"
        "明确责任人和完成时限，每3个工作日在平台上报送一次办理进展，在办理期限内办结并书面报告办理结果。"
        "逾期未办结的，将在全区通报，并纳入“赛马”考评。"
    ),
}


@dataclass(frozen=True)
class Instructed:
    author: str
    on: date
    text: str


@dataclass(frozen=True)
class NoticeFacts:
    number: str
    issued_on: date
    issuer: str
    department: str
    issue_number: str
    title: str
    description: str
    region: str
    target: str
    registered_on: date
    level: str
    level_label: str
    tier: str
    dispatched_on: date | None
    due_date: date | None
    workdays: int | None
    late_workdays: int
    milestones: list[tuple[date, str]]
    instructions: list[Instructed]
    reason: str


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def notice_number(issue: Issue) -> tuple[str, date]:
    """The notice's number and date: the issue's place among the issues first supervised in the
    same year (ties by the issue's id), and the day it was first supervised."""
    first = IssueEvent.objects.filter(issue=issue, action=Action.SUPERVISE).order_by("at", "seq").first()
    if first is None:
        # Supervised without a recorded step (an old import): numbered by the day it is printed.
        today = timezone.localdate()
        return f"督办〔{today.year}〕号", today
    on = _local_date(first.at)
    year_start = timezone.make_aware(datetime(on.year, 1, 1))
    year_end = timezone.make_aware(datetime(on.year + 1, 1, 1))
    firsts = (
        IssueEvent.objects.filter(action=Action.SUPERVISE)
        .values("issue_id")
        .annotate(first=Min("at"))
        .filter(first__gte=year_start, first__lt=year_end)
    )
    place = firsts.filter(Q(first__lt=first.at) | Q(first=first.at, issue_id__lte=issue.pk)).count()
    return f"督办〔{on.year}〕第{place}号", on


def _issuer_and_place(region: Region) -> tuple[str, str]:
    """The district's office issues notices, whichever street the problem lies in; the place is
    named below the district, as one runs the names together in prose (下沙街道头格社区)."""
    chain = region.ancestors() or [region]
    names = [r.name for r in chain[1:]] or [chain[0].name]
    # A grid is often named after its street (医药港小镇 / 医药港小镇第6网格): say it once.
    place = "".join(n for n, below in zip(names, [*names[1:], ""], strict=True) if not below.startswith(n))
    return f"{chain[0].name}“三服务”工作领导小组办公室", place


def notice_facts(issue: Issue) -> NoticeFacts:
    """What the notice states about a supervised issue, read once."""
    number, issued_on = notice_number(issue)
    dispatched_on = _local_date(issue.dispatched_at) if issue.dispatched_at else None
    workdays = workdays_between(dispatched_on, issue.due_date) if dispatched_on and issue.due_date else None
    today = timezone.localdate()
    late = (
        workdays_between(issue.due_date, today)
        if issue.due_date and issue.status in RUNNING_STATUSES and today > issue.due_date
        else 0
    )
    level = issue.supervision_level or SupervisionLevel.GENERAL
    issuer, place = _issuer_and_place(issue.region)
    return NoticeFacts(
        number=number,
        issued_on=issued_on,
        issuer=issuer,
        department=issue.lead_department.name if issue.lead_department else "",
        issue_number=issue.number,
        title=issue.title,
        description=issue.description,
        region=place,
        target=issue.target.name if issue.target else "",
        registered_on=_local_date(issue.registered_at),
        level=level,
        level_label=str(SupervisionLevel(level).label),
        tier=issue.tier,
        dispatched_on=dispatched_on,
        due_date=issue.due_date,
        workdays=workdays,
        late_workdays=late,
        milestones=[(m.due_date, m.title) for m in issue.milestones.filter(done_at__isnull=True)],
        instructions=[
            Instructed(author=i.author.name, on=_local_date(i.at), text=i.text)
            for i in issue.instructions.select_related("author").order_by("at", "id")
        ],
        reason=_supervision_reason(issue),
    )


def _supervision_reason(issue: Issue) -> str:
    """What the supervisor last wrote when supervising (督办意见); the system's own flag of a late
    issue says nothing the deadline paragraph does not."""
    typed = (
        IssueEvent.objects.filter(issue=issue, action=Action.SUPERVISE, system_note__isnull=True)
        .exclude(note="")
        .order_by("-seq")
        .values_list("note", flat=True)
        .first()
    )
    return (typed or "").strip()


def _deadline_text(f: NoticeFacts) -> str:
    if f.tier == Tier.LONG_TERM and f.milestones:
        steps = "；".join(f"{_chinese_date(on)}前{title.rstrip('。；;')}" for on, title in f.milestones)
        return f"此件为长效办理事项，请按计划节点推进：{steps}。"
    if f.due_date is None:
        return "此件尚未交办，请区“三服务”工作调度中心即日交办，并明确办理期限。"
    span = f"（自{_chinese_date(f.dispatched_on)}交办次日起{f.workdays}个工作日）" if f.dispatched_on else ""
    text = f"请于{_chinese_date(f.due_date)}前办结{span}。"
    if f.late_workdays:
        text += f"截至目前已超过办理期限{f.late_workdays}个工作日，请立即办结。"
    return text


def supervision_notice_document(f: NoticeFacts) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _page_numbers(section)
    _paragraph(doc, "督办通知书", font=TITLE, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(doc, f.number, font=BODY, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(doc, "", indent=False)
    _paragraph(doc, f"{f.department or '区“三服务”工作调度中心'}：", indent=False)
    who = f"{f.target}（{f.region}）" if f.target else f"{f.region}群众"
    _paragraph(
        doc,
        f"{who}反映的“{f.title}”问题（编号{f.issue_number}），经研究，列为{f.level_label}督办事项。"
        "现将有关事项通知如下：",
    )

    _paragraph(doc, "一、问题情况", font=HEADING)
    _paragraph(doc, f"问题编号：{f.issue_number}")
    _paragraph(doc, f"问题标题：{f.title}")
    if f.target:
        _paragraph(doc, f"联系对象：{f.target}")
    _paragraph(doc, f"所属区域：{f.region}")
    _paragraph(doc, f"登记日期：{_chinese_date(f.registered_on)}")
    _paragraph(doc, f"问题描述：{f.description.strip()}")
    if f.reason:
        _paragraph(doc, f"督办事由：{f.reason}")

    _paragraph(doc, "二、办理期限", font=HEADING)
    _paragraph(doc, _deadline_text(f))

    _paragraph(doc, "三、办理要求", font=HEADING)
    _paragraph(doc, REQUIREMENTS[SupervisionLevel(f.level)])

    if f.instructions:
        _paragraph(doc, "四、领导批示", font=HEADING)
        for i in f.instructions:
            text = i.text.strip()
            _paragraph(doc, f"{i.author}（{_chinese_date(i.on)}）：{text}")

    _paragraph(doc, "", indent=False)
    _paragraph(doc, f.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(doc, _chinese_date(f.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
