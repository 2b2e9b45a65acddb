"""The indicator table of both leagues, an economic indicator entered by hand against each street's
target, and a closed review meeting whose result feeds the territorial index."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from sanfuwu.core.demokit import DemoContext
from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.people.models import Person, Role
from sanfuwu.scoring.models import (
    Indicator,
    League,
    ManualValue,
    Method,
    ReviewCriterion,
    ReviewMeeting,
    ReviewScore,
    Source,
    UnitTarget,
)
from sanfuwu.scoring.rollup import rollup_month

RATE_NOTES = {
    Source.RESPONSE: "当期交办的问题中，主办部门在交办次日起 1 个工作日内签收的比例。",
    Source.ON_TIME: "办理期限落在当期的问题中，在期限当天结束前办结的比例。",
    Source.RESOLUTION: "当期交办的问题中，已办结（含已销号）的比例。",
    Source.SATISFACTION: "当期完成的回访中，评价为满意或基本满意的比例；不满意而重办的也计入。",
    Source.REOPEN: "当期办结的问题中，因回访不满意而重办过的比例，越低越好。",
    Source.COVERAGE: "当期应走访的包联关系中，每一期都按频次走访到的比例。",
}

TERRITORY = [
    # name, source, weight, target, higher is better, min cases, unit
    ("响应率", Source.RESPONSE, 15, "0.95", True, 5, "%"),
    ("按期办结率", Source.ON_TIME, 20, "0.90", True, 5, "%"),
    ("满意率", Source.SATISFACTION, 15, "0.95", True, 5, "%"),
    ("重办率", Source.REOPEN, 5, "0.05", False, 5, "%"),
    ("走访覆盖率", Source.COVERAGE, 15, "1.00", True, 3, "%"),
    ("规上工业增加值", Source.MANUAL, 15, None, True, 1, "亿元/月"),
    ("测评得分", Source.REVIEW, 15, "90", True, 3, "分"),
]
DEPARTMENTS = [
    ("响应率", Source.RESPONSE, 25, "0.95", True, 5, "%"),
    ("按期办结率", Source.ON_TIME, 30, "0.90", True, 5, "%"),
    ("办结率", Source.RESOLUTION, 15, "0.90", True, 5, "%"),
    ("满意率", Source.SATISFACTION, 20, "0.95", True, 5, "%"),
    ("重办率", Source.REOPEN, 10, "0.05", False, 5, "%"),
]
CRITERIA = [("工作推进", 40), ("问题解决", 40), ("创新亮点", 20)]
# 规上工业增加值 per month (亿元) and the year's target, by street: the park is the industrial heart.
OUTPUT = {"下沙街道": (9.5, 120), "白杨街道": (7.8, 100), "河庄街道": (4.1, 45), "医药港小镇": (15.2, 170)}


def build(ctx: DemoContext) -> None:
    if Indicator.objects.exists():
        ctx.say(f"  赛马：已有 {Indicator.objects.count()} 项指标，跳过")
        return
    rng = ctx.rng("scoring")
    streets = list(Region.objects.filter(kind__in=[RegionKind.STREET, RegionKind.PARK]).order_by("path"))
    evaluators = list(Person.objects.filter(role_grants__role=Role.EVALUATOR).order_by("username"))
    held = ctx.today - timedelta(days=30)
    meeting = ReviewMeeting.objects.create(
        name=f"{held.year}年三服务工作季度测评会", league=League.TERRITORY, held_on=held,
        closed_at=timezone.now() - timedelta(days=29),
    )  # fmt: skip
    meeting.evaluators.set(evaluators)
    criteria = [
        ReviewCriterion.objects.create(meeting=meeting, name=n, max_score=m, sort_order=i)
        for i, (n, m) in enumerate(CRITERIA)
    ]
    scores = []
    for street in streets:
        strength = rng.uniform(0.72, 0.93)
        for evaluator in evaluators:
            for criterion in criteria:
                share = min(1.0, max(0.5, rng.gauss(strength, 0.06)))
                scores.append(ReviewScore(criterion=criterion, evaluator=evaluator, region=street,
                                          score=Decimal(round(criterion.max_score * share, 1)).quantize(Decimal("0.1"))))  # fmt: skip
    ReviewScore.objects.bulk_create(scores)

    # The next meeting is under way: its evaluators score in the portal until a leader closes it.
    upcoming = ReviewMeeting.objects.create(
        name=f"{ctx.today.year}年三服务工作现场测评会", league=League.TERRITORY, held_on=ctx.today
    )
    upcoming.evaluators.set(evaluators)
    for i, (name, top) in enumerate(CRITERIA):
        ReviewCriterion.objects.create(meeting=upcoming, name=name, max_score=top, sort_order=i)

    for league, rows in ((League.TERRITORY, TERRITORY), (League.DEPARTMENT, DEPARTMENTS)):
        for order, (name, source, weight, target, higher, min_cases, unit) in enumerate(rows):
            indicator = Indicator.objects.create(
                league=league, name=name, source=source, weight=weight, target=Decimal(target) if target else None,
                higher_is_better=higher, min_cases=min_cases, unit=unit, sort_order=order, method=Method.COMPLETION,
                meeting=meeting if source == Source.REVIEW else None,
                description=RATE_NOTES.get(source, "")
                or ("各街道、园区按月报送，完成度按本单位年度目标的月均进度计。" if source == Source.MANUAL
                    else "测评会议中每位评分员对各单位的总分，去掉一个最高分和一个最低分后取平均。"),
            )  # fmt: skip
            if source == Source.MANUAL:
                _economic_values(ctx, rng, indicator, streets)
    # The months' counts, as the hourly job keeps them.
    month = (ctx.today - timedelta(days=200)).replace(day=1)
    counted: set[tuple[str, date]] = set()  # each quarter's and year's coverage once
    while month <= ctx.today:
        rollup_month(month, counted=counted)
        month = (month + timedelta(days=32)).replace(day=1)
    ctx.say(
        f"  赛马：指标 {Indicator.objects.count()} 项，测评会议 2 场（1 场已结束，{len(evaluators)} 名评分员）"
    )


def _economic_values(ctx: DemoContext, rng, indicator: Indicator, streets: list[Region]) -> None:  # type: ignore[no-untyped-def]
    first = (ctx.today - timedelta(days=182)).replace(day=1)
    months = []
    while first <= ctx.today:
        months.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    for street in streets:
        monthly, yearly = OUTPUT.get(street.name, (5.0, 60))
        for year in {m.year for m in months}:
            # The target is monthly progress: the year's target over twelve months, per month entered.
            UnitTarget.objects.create(
                indicator=indicator, region=street, year=year, target=Decimal(str(round(yearly / 12, 2)))
            )
        for month in months:
            if month.year == ctx.today.year and month.month == ctx.today.month:
                continue  # this month's figures are not reported yet
            value = monthly * rng.uniform(0.85, 1.12)
            ManualValue.objects.create(
                indicator=indicator, region=street, month=month, value=Decimal(str(round(value, 2)))
            )
