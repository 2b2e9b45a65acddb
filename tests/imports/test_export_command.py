"""`sanfuwu export KIND OUT.xlsx key=value … --user U`: the pages' files written to disk, with the
list's filters and the named account's scope, and plain Chinese refusals when something is wrong."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from sanfuwu.issues.models import Assignment, Issue, Status
from sanfuwu.issues.services import issue_register
from sanfuwu.orgs.models import Category
from sanfuwu.people.models import Person, Role
from sanfuwu.scoring.models import League, ReviewCriterion, ReviewMeeting
from sanfuwu.scoring.services import review_meeting_close, review_scores_submit
from sanfuwu.visits.services import visit_record
from tests.conftest import World, make_person
from tests.imports.helpers import header_of, sheet_rows

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def export(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("export", *args[:1], str(path), *args[1:], stdout=out)
    return out.getvalue()


@pytest.fixture
def issues(world: World, admin_person: Person) -> None:
    """下沙: 头格路面塌陷 (registered), 头格路灯不亮 (dispatched to 建设局); 白杨: 白杨井盖缺失 (registered)."""
    road = Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    x_worker = make_person("x_worker", [Role.VISITOR], region=world.touge_grid)
    b_worker = make_person("b_worker", [Role.VISITOR], region=world.baiyang_grid)
    for actor, title in ((x_worker, "头格路面塌陷"), (x_worker, "头格路灯不亮"), (b_worker, "白杨井盖缺失")):
        region = world.touge_grid if actor == x_worker else world.baiyang_grid
        issue_register(actor=actor, title=title, description="请尽快处理此问题", source="visit", category=road,
                       region=region)  # fmt: skip
    lights = Issue.objects.get(title="头格路灯不亮")
    now = timezone.now()
    Issue.objects.filter(pk=lights.pk).update(
        status=Status.ASSIGNED, lead_department=world.jianshe, dispatched_at=now, version=2
    )
    Assignment.objects.create(issue=lights, department=world.jianshe, is_lead=True, dispatched_at=now)


def titles(path: Path) -> set[str]:
    header, *rows = sheet_rows(path.read_bytes())
    assert header == header_of("issues")
    return {row[header.index("标题")] for row in rows}


def test_it_writes_the_filtered_rows(tmp_path: Path, issues: None) -> None:
    path = tmp_path / "issues.xlsx"
    said = export(path, "issues", "status=registered", "--user", "admin")
    assert titles(path) == {"头格路面塌陷", "白杨井盖缺失"}
    assert str(path) in said and CHINESE.search(said)
    export(path, "issues", "q=路灯", "--user", "admin")
    assert titles(path) == {"头格路灯不亮"}
    # Without filters, every issue the account sees; admin is the default account.
    export(path, "issues")
    assert titles(path) == {"头格路面塌陷", "头格路灯不亮", "白杨井盖缺失"}


def test_it_exports_in_the_named_accounts_scope(
    tmp_path: Path, issues: None, xiasha_dispatcher, handler
) -> None:
    path = tmp_path / "issues.xlsx"
    export(path, "issues", "--user", "xs_dispatcher")
    assert titles(path) == {"头格路面塌陷", "头格路灯不亮"}
    export(path, "issues", "--user", "handler")
    assert titles(path) == {"头格路灯不亮"}


def test_it_takes_the_visit_lists_month_and_month_all(tmp_path: Path, world: World, admin_person) -> None:
    worker = make_person("x_worker", [Role.VISITOR], region=world.touge_grid)
    for day in (date(2025, 9, 10), date(2025, 10, 10)):
        visit_record(actor=worker, visited_at=datetime.combine(day, time(10), BEIJING),
                     targets=[world.xiasha_firm], notes="走访企业了解情况")  # fmt: skip
    path = tmp_path / "visits.xlsx"
    export(path, "visits", "month=2025-10")
    header, *rows = sheet_rows(path.read_bytes())
    assert header == header_of("visits") and [r[1][:10] for r in rows] == ["2025-10-10"]
    export(path, "visits", "month=all")
    assert len(sheet_rows(path.read_bytes())) == 3


def test_it_refuses_an_unknown_or_inactive_account(tmp_path: Path, issues: None) -> None:
    path = tmp_path / "issues.xlsx"
    with pytest.raises(CommandError, match="没有账号 nobody") as refused:
        export(path, "issues", "--user", "nobody")
    assert CHINESE.search(str(refused.value))
    Person.objects.filter(username="x_worker").update(is_active=False)
    with pytest.raises(CommandError, match="没有账号 x_worker"):
        export(path, "issues", "--user", "x_worker")
    assert not path.exists()


@pytest.mark.parametrize("malformed", ["status", "=registered"])
def test_it_refuses_a_filter_that_is_not_key_equals_value(
    tmp_path: Path, issues: None, malformed: str
) -> None:
    path = tmp_path / "issues.xlsx"
    with pytest.raises(CommandError, match="条件应写成 条件=值") as refused:
        export(path, "issues", malformed, "--user", "admin")
    assert malformed in str(refused.value)
    assert not path.exists()


def test_it_refuses_a_kind_it_does_not_know(tmp_path: Path, issues: None) -> None:
    with pytest.raises(CommandError):
        export(tmp_path / "x.xlsx", "bulletin")


@pytest.fixture
def meeting(world: World) -> ReviewMeeting:
    m = ReviewMeeting.objects.create(name="季度测评会", league=League.TERRITORY, held_on=date(2025, 12, 20))
    evaluator = make_person("ev1", [Role.EVALUATOR], region=world.district)
    m.evaluators.set([evaluator])
    criterion = ReviewCriterion.objects.create(meeting=m, name="工作推进", max_score=60)
    raw = {(street.pk, criterion.pk): "50" for street in (world.xiasha, world.baiyang, world.park)}
    review_scores_submit(meeting=m, evaluator=evaluator, raw=raw)
    return m


def test_it_refuses_a_review_without_a_closed_meeting(
    tmp_path: Path, meeting: ReviewMeeting, admin_person
) -> None:
    path = tmp_path / "review.xlsx"
    for filters in ([], [f"meeting={meeting.pk}"], ["meeting=abc"], [f"meeting={meeting.pk + 100}"]):
        with pytest.raises(CommandError) as refused:
            export(path, "review", *filters)
        assert CHINESE.search(str(refused.value)), filters
    assert not path.exists()
    review_meeting_close(meeting=meeting, actor=admin_person)
    export(path, "review", f"meeting={meeting.pk}")
    results, scores = sheet_rows(path.read_bytes(), 0), sheet_rows(path.read_bytes(), 1)
    assert results[0] == ["名次", "单位", "工作推进", "测评得分", "评分人数"] and len(results) == 4
    assert len(scores) == 4 and {r[3] for r in scores[1:]} == {"ev1"}
