"""Every list's Excel export, as its readers meet it: who may download it, what a file holds for whom,
the list's own filters, the import's columns, and text that Excel never runs as a formula."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sanfuwu.core.xlsx import XLSX_TYPE
from sanfuwu.issues.models import Assignment, Issue, Status, Tier
from sanfuwu.issues.services import issue_register
from sanfuwu.orgs.models import Category, Department
from sanfuwu.people.models import Person, Role
from sanfuwu.scoring.models import Indicator, League, ManualValue, ReviewCriterion, ReviewMeeting, Source
from sanfuwu.scoring.services import review_meeting_close, review_scores_submit
from sanfuwu.targets.models import Target
from sanfuwu.visits.models import Frequency, Pairing, Visit
from sanfuwu.visits.services import visit_record
from tests.conftest import World, make_code, make_person
from tests.imports.helpers import header_of, sheet_rows

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")

# Every export but the review meeting's (which needs a meeting), and how its file's name begins.
LISTS = {
    "targets:export": "联系对象-",
    "people:export": "人员-",
    "issues:export": "问题诉求-",
    "visits:export": "走访记录-",
    "visits:pairings_export": "包联关系-",
    "visits:coverage_export": "走访覆盖-",
    "race:export": "赛马排名-",
    "race:manual_values_export": "手工指标值-",
}
# The exports kept to some roles; the others are for anyone signed in.
KEPT_TO = {
    "people:export": {"admin", "leader", "dispatcher", "supervisor"},
    "race:manual_values_export": {"admin", "dispatcher"},
}
# The importable kinds: their export's header is the import's columns.
IMPORTABLE = {
    "targets:export": "targets",
    "people:export": "people",
    "issues:export": "issues",
    "visits:export": "visits",
    "visits:pairings_export": "pairings",
    "race:manual_values_export": "manual_values",
}


# --- reading what was downloaded -------------------------------------------------------------------


@dataclass
class Download:
    filename: str
    data: bytes

    def __post_init__(self) -> None:
        self._rows: dict[int, list[list[str]]] = {}

    def rows(self, sheet: int = 0) -> list[list[str]]:
        if sheet not in self._rows:
            self._rows[sheet] = sheet_rows(self.data, sheet)
        return self._rows[sheet]

    def header(self, sheet: int = 0) -> list[str]:
        return [cell for cell in self.rows(sheet)[0] if cell]

    def records(self, sheet: int = 0) -> list[dict[str, str]]:
        header, *body = self.rows(sheet)
        return [dict(zip(header, [*row, *[""] * (len(header) - len(row))], strict=False)) for row in body]

    def column(self, title: str, sheet: int = 0) -> list[str]:
        return [r[title] for r in self.records(sheet)]

    def sheet_names(self) -> list[str]:
        return load_workbook(io.BytesIO(self.data), read_only=True).sheetnames


_shared: list[Client] = []


def client_as(person: Person | None, *, language: str = "") -> Client:
    """One test client for the whole module, signed in as `person` (or no one): a new client loads
    the middleware again, and WhiteNoise's scan of the static files would dominate these tests."""
    if not _shared:
        _shared.append(Client())
    client = _shared[0]
    client.cookies.clear()
    if person is not None:
        client.force_login(person)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def filename_of(response: Any) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    if "filename*=utf-8''" in disposition:
        return unquote(disposition.split("filename*=utf-8''", 1)[1])
    return disposition.split('filename="', 1)[1].rstrip('"')


def download(
    person: Person, name: str, params: dict[str, str] | None = None, *, args: list[object] | None = None,
    language: str = "",
) -> Download:  # fmt: skip
    """An export as a signed-in reader receives it: streamed, an .xlsx, named as an attachment."""
    response = client_as(person, language=language).get(reverse(name, args=args), params or {})
    assert response.status_code == 200, (name, response.status_code)
    assert isinstance(response, StreamingHttpResponse), type(response)
    assert response["Content-Type"] == XLSX_TYPE
    filename = filename_of(response)
    assert filename.endswith(".xlsx"), filename
    return Download(filename, response.getvalue())


# --- a district with something in every list -----------------------------------------------------


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BEIJING)


def dispatch(issue: Issue, department: Department) -> Issue:
    """Dispatched as the workflow would leave it: assigned, with a live lead assignment."""
    now = timezone.now()
    Issue.objects.filter(pk=issue.pk).update(
        status=Status.ASSIGNED, lead_department=department, dispatched_at=now, version=issue.version + 1
    )
    Assignment.objects.create(issue=issue, department=department, is_lead=True, dispatched_at=now)
    return Issue.objects.get(pk=issue.pk)


@dataclass
class Town:
    world: World
    x_worker: Person  # visitor of 头格第1网格 (下沙), title "=1+1 网格长", phone 13812345678
    b_worker: Person  # visitor of 白杨第1网格
    risky: Target  # a 下沙 firm whose name and address look like formulas
    council: Target  # a 下沙 community, not an enterprise
    formula: Issue  # 下沙, October, registered, title '=HYPERLINK("http://evil")'
    lights: Issue  # 下沙, November, immediate, dispatched to 建设局
    b_lights: Issue  # 白杨, October, dispatched to 建设局, raised by 李娜
    b_cover: Issue  # 白杨, October, registered
    v_oct: Visit  # x_worker at 下沙星辰制药 on 10 October with 建设局 along, notes "@SUM(A1) …"
    v_nov: Visit  # x_worker at the risky firm on 12 November
    v_baiyang: Visit  # b_worker at 白杨云帆电子 on 15 October
    v_dispatcher: Visit  # 下沙's dispatcher at 下沙星辰制药 on 20 October
    output: Indicator  # territory, hand-entered, "@规上工业增加值"
    service: Indicator  # department, hand-entered, "部门服务评价"


@pytest.fixture
def town(world: World, xiasha_dispatcher: Person) -> Town:
    road = Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    x_worker = make_person("x_worker", [Role.VISITOR], region=world.touge_grid)
    Person.objects.filter(pk=x_worker.pk).update(title="=1+1 网格长", phone="13812345678")
    b_worker = make_person("b_worker", [Role.VISITOR], region=world.baiyang_grid)
    risky = Target.objects.create(
        kind="enterprise", name="-1+1 贸易有限公司", credit_code=make_code("330114MA2XHA009"),
        region=world.touge, grid=world.touge_grid, address='=HYPERLINK("http://evil","点我")',
    )  # fmt: skip
    council = Target.objects.create(
        kind="community", name="头格社区居委会", region=world.touge, grid=world.touge_grid
    )

    def register(actor: Person, title: str, when: datetime, **extra: Any) -> Issue:
        region = world.touge_grid if actor == x_worker else world.baiyang_grid
        return issue_register(actor=actor, title=title, description=extra.pop("description", "请尽快处理此问题"),
                              source="visit", category=road, region=region, registered_at=when, **extra)  # fmt: skip

    formula = register(x_worker, '=HYPERLINK("http://evil")', at(date(2025, 10, 8), 9, 30),
                       description="+1+1 求修路面", target=world.xiasha_firm)  # fmt: skip
    lights = dispatch(
        register(x_worker, "头格路灯不亮", at(date(2025, 11, 5)), tier=Tier.IMMEDIATE), world.jianshe
    )
    b_lights = dispatch(register(b_worker, "白杨路灯不亮", at(date(2025, 10, 20)), raiser_name="李娜",
                                 raiser_phone="13900000000"), world.jianshe)  # fmt: skip
    b_cover = register(b_worker, "白杨井盖缺失", at(date(2025, 10, 21)))

    def visit(actor: Person, day: date, target: Target, notes: str, **extra: Any) -> Visit:
        return visit_record(actor=actor, visited_at=at(day), targets=[target], notes=notes, **extra)[0]

    v_oct = visit(x_worker, date(2025, 10, 10), world.xiasha_firm, "@SUM(A1) 走访企业了解情况",
                  place="-2+3 会议室", departments=[world.jianshe])  # fmt: skip
    v_nov = visit(x_worker, date(2025, 11, 12), risky, "回访企业了解用工情况")
    v_baiyang = visit(b_worker, date(2025, 10, 15), world.baiyang_firm, "走访白杨企业了解情况")
    v_dispatcher = visit(xiasha_dispatcher, date(2025, 10, 20), world.xiasha_firm, "调度员走访了解情况")

    since = date(2025, 1, 1)
    Pairing.objects.create(
        target=world.xiasha_firm, person=x_worker, frequency=Frequency.MONTHLY, starts_on=since
    )
    Pairing.objects.create(
        target=world.baiyang_firm, person=b_worker, frequency=Frequency.MONTHLY, starts_on=since
    )
    Pairing.objects.create(target=world.xiasha_firm, department=world.jianshe, frequency=Frequency.QUARTERLY,
                           starts_on=since)  # fmt: skip
    Pairing.objects.create(target=risky, person=x_worker, frequency=Frequency.MONTHLY, starts_on=since)

    output = Indicator.objects.create(league=League.TERRITORY, name="@规上工业增加值", source=Source.MANUAL,
                                      unit="亿元", weight=100, target=10, min_cases=1)  # fmt: skip
    service = Indicator.objects.create(league=League.DEPARTMENT, name="部门服务评价", source=Source.MANUAL,
                                       unit="分", weight=100, target=90, min_cases=1)  # fmt: skip
    october, november = date(2025, 10, 1), date(2025, 11, 1)
    ManualValue.objects.create(indicator=output, region=world.xiasha, month=october, value=Decimal("12"))
    ManualValue.objects.create(indicator=output, region=world.xiasha, month=november, value=Decimal("6"))
    ManualValue.objects.create(indicator=output, region=world.baiyang, month=october, value=Decimal("8"))
    ManualValue.objects.create(
        indicator=service, department=world.jianshe, month=october, value=Decimal("95")
    )
    return Town(
        world=world, x_worker=x_worker, b_worker=b_worker, risky=risky, council=council, formula=formula,
        lights=lights, b_lights=b_lights, b_cover=b_cover, v_oct=v_oct, v_nov=v_nov, v_baiyang=v_baiyang,
        v_dispatcher=v_dispatcher, output=output, service=service,
    )  # fmt: skip


@pytest.fixture
def supervisor(world: World) -> Person:
    return make_person("supervisor", [Role.SUPERVISOR], region=world.district)


@pytest.fixture
def personas(
    world: World, admin_person, leader, xiasha_dispatcher, supervisor, handler, grid_worker
) -> dict[str, Person]:
    evaluator = make_person("evaluator", [Role.EVALUATOR], region=world.district)
    return {
        "admin": admin_person, "leader": leader, "dispatcher": xiasha_dispatcher, "supervisor": supervisor,
        "handler": handler, "visitor": grid_worker, "evaluator": evaluator,
    }  # fmt: skip


@pytest.fixture
def meeting(world: World) -> ReviewMeeting:
    """An open territory meeting, five evaluators having scored every street on two criteria:
    totals per evaluator 下沙 90, 80, 80, 70, 30; 白杨 85 each; 医药港 50 each."""
    m = ReviewMeeting.objects.create(name="季度测评会", league=League.TERRITORY, held_on=date(2025, 12, 20))
    evaluators = [make_person(f"ev{n}", [Role.EVALUATOR], region=world.district) for n in range(1, 6)]
    m.evaluators.set(evaluators)
    work = ReviewCriterion.objects.create(meeting=m, name="=工作推进", max_score=60, sort_order=1)
    solve = ReviewCriterion.objects.create(meeting=m, name="问题解决", max_score=40, sort_order=2)
    firsts = {world.xiasha: [60, 50, 50, 40, 0], world.baiyang: [55] * 5, world.park: [20] * 5}
    for n, evaluator in enumerate(evaluators):
        raw: dict[tuple[Any, int], str] = {}
        for street, scores in firsts.items():
            raw[(street.pk, work.pk)] = str(scores[n])
            raw[(street.pk, solve.pk)] = "30"
        review_scores_submit(meeting=m, evaluator=evaluator, raw=raw)
    return m


@pytest.fixture
def closed_meeting(meeting: ReviewMeeting, leader: Person) -> ReviewMeeting:
    review_meeting_close(meeting=meeting, actor=leader)
    meeting.refresh_from_db()
    return meeting


# --- who may download --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*LISTS, "race:review_export"])
def test_it_sends_strangers_to_the_login_page(world: World, name: str) -> None:
    args = [1] if name == "race:review_export" else None
    response = client_as(None).get(reverse(name, args=args))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", LISTS)
def test_it_keeps_each_export_to_the_roles_of_its_list(
    town: Town, personas: dict[str, Person], name: str
) -> None:
    allowed = KEPT_TO.get(name, set(personas))
    for role, person in personas.items():
        if role in allowed:
            got = download(person, name)
            assert got.filename.startswith(LISTS[name]), (role, got.filename)
            assert got.rows(), role
        else:
            assert client_as(person).get(reverse(name)).status_code == 403, (name, role)


def test_it_refuses_a_review_meeting_export_while_the_meeting_is_open(
    meeting: ReviewMeeting, personas: dict[str, Person]
) -> None:
    url = reverse("race:review_export", args=[meeting.pk])
    evaluator = Person.objects.get(username="ev1")
    for person in [*personas.values(), evaluator]:
        assert client_as(person).get(url).status_code == 404, person.username
    missing = reverse("race:review_export", args=[meeting.pk + 100])
    assert client_as(personas["admin"]).get(missing).status_code == 404


def test_it_gives_anyone_signed_in_the_results_of_a_closed_meeting(
    closed_meeting: ReviewMeeting, personas: dict[str, Person]
) -> None:
    for person in personas.values():
        got = download(person, "race:review_export", args=[closed_meeting.pk])
        assert got.filename == "测评结果-季度测评会-20251220.xlsx"


# --- what a file holds -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", IMPORTABLE)
def test_it_writes_the_imports_columns_as_the_header(town: Town, admin_person, name: str) -> None:
    assert download(admin_person, name).header() == header_of(IMPORTABLE[name])


def test_it_writes_a_closed_meetings_results_and_every_evaluators_scores(
    world: World, closed_meeting: ReviewMeeting, xiasha_dispatcher
) -> None:
    got = download(xiasha_dispatcher, "race:review_export", args=[closed_meeting.pk])
    assert got.sheet_names() == ["测评结果", "评分明细"]
    # Trimmed means: 下沙 drops its 90 and 30 → (80 + 80 + 70) / 3; its first criterion (50 + 50 + 40) / 3.
    assert got.rows(0) == [
        ["名次", "单位", "=工作推进", "问题解决", "测评得分", "评分人数"],
        ["1", "白杨街道", "55.00", "30.00", "85.00", "5"],
        ["2", "下沙街道", "46.67", "30.00", "76.67", "5"],
        ["3", "医药港小镇", "20.00", "30.00", "50.00", "5"],
    ]
    header, *scores = got.rows(1)
    assert header == ["单位", "评分项", "评分员", "评分员账号", "得分"]
    firsts = {"下沙街道": [60, 50, 50, 40, 0], "白杨街道": [55] * 5, "医药港小镇": [20] * 5}
    expected = {
        (street, criterion, f"ev{n}", f"ev{n}", f"{score}.0")
        for street, values in firsts.items()
        for n in range(1, 6)
        for criterion, score in (("=工作推进", values[n - 1]), ("问题解决", 30))
    }
    assert len(scores) == 30 and {tuple(row) for row in scores} == expected


def test_it_exports_the_ranking_it_shows_with_its_units_and_indicator_columns(town: Town, leader) -> None:
    Indicator.objects.create(
        league=League.TERRITORY, name="办结率", source=Source.RESOLUTION, weight=100, target=1, min_cases=1
    )
    got = download(leader, "race:export", {"league": "territory", "month": "2025-10"})
    assert got.filename == "赛马排名-territory-202510-202510.xlsx"
    header = got.rows()[0]
    assert header[:4] == ["排名", "名次变化", "单位", "指数"]
    assert {"@规上工业增加值", "@规上工业增加值完成度", "办结率", "办结率完成度"} <= set(header)
    assert "部门服务评价" not in header
    by_unit = {r["单位"]: r for r in got.records()}
    assert set(by_unit) == {"下沙街道", "白杨街道", "医药港小镇"}
    assert (
        by_unit["下沙街道"]["@规上工业增加值"] == "12.00" and by_unit["白杨街道"]["@规上工业增加值"] == "8.00"
    )
    assert by_unit["下沙街道"]["排名"] == "1"


def test_it_ranks_the_league_and_span_asked_for(town: Town, leader) -> None:
    quarter = download(leader, "race:export", {"league": "territory", "span": "quarter", "month": "2025-10"})
    assert quarter.filename == "赛马排名-territory-202510-202512.xlsx"
    # A quarter compares a month's average: (12 + 6) / 2 for 下沙.
    assert {r["单位"]: r["@规上工业增加值"] for r in quarter.records()}["下沙街道"] == "9.00"
    departments = download(leader, "race:export", {"league": "department", "month": "2025-10"})
    assert departments.filename == "赛马排名-department-202510-202510.xlsx"
    assert departments.rows()[0][4:6] == ["部门服务评价", "部门服务评价完成度"]
    assert [(r["单位"], r["部门服务评价"]) for r in departments.records()] == [("建设局", "95.00")]
    # A league that does not exist is the territory's, as on the page.
    assert "下沙街道" in download(leader, "race:export", {"league": "bogus", "month": "2025-10"}).column(
        "单位"
    )


@pytest.mark.parametrize(
    ("name", "params"),
    [
        *((name, {"month": "2025-10", "kind": "all"}) for name in LISTS if name != "visits:coverage_export"),
        ("visits:coverage_export", {"month": "2025-10"}),
        ("visits:coverage_export", {"month": "2025-10", "level": "street"}),
        ("race:review_export", {}),
    ],
)
def test_it_writes_chinese_whatever_the_pages_language(
    request: pytest.FixtureRequest, town: Town, admin_person, name: str, params: dict[str, str]
) -> None:
    """The files' columns are the import's contract: a reader who chose English gets the same file."""
    args = [request.getfixturevalue("closed_meeting").pk] if name == "race:review_export" else None
    chinese = download(admin_person, name, params, args=args)
    translated = download(admin_person, name, params, args=args, language="en")
    assert translated.sheet_names() == chinese.sheet_names()
    for n in range(len(chinese.sheet_names())):
        assert translated.rows(n) == chinese.rows(n), n


# --- only what the reader may see ------------------------------------------------------------------


def test_it_exports_only_the_issues_the_reader_sees(
    town: Town, leader, xiasha_dispatcher, baiyang_dispatcher, handler
) -> None:
    def titles(person: Person) -> set[str]:
        return set(download(person, "issues:export").column("标题"))

    assert titles(leader) == {'=HYPERLINK("http://evil")', "头格路灯不亮", "白杨路灯不亮", "白杨井盖缺失"}
    assert titles(xiasha_dispatcher) == {'=HYPERLINK("http://evil")', "头格路灯不亮"}
    assert titles(baiyang_dispatcher) == {"白杨路灯不亮", "白杨井盖缺失"}
    # A department gets what was dispatched to it, from any street; not yet assigned to one of its
    # handlers, any of them reads the raiser's name and phone in full (they may all call back).
    mine = {r["标题"]: r for r in download(handler, "issues:export").records()}
    assert set(mine) == {"头格路灯不亮", "白杨路灯不亮"}
    assert mine["白杨路灯不亮"]["主办部门"] == "建设局"
    assert (mine["白杨路灯不亮"]["反映人"], mine["白杨路灯不亮"]["反映人电话"]) == ("李娜", "13900000000")
    # A visitor reads the raiser of what they registered; a colleague's, masked.
    registrar = {r["标题"]: r["反映人"] for r in download(town.b_worker, "issues:export").records()}
    assert registrar["白杨路灯不亮"] == "李娜"
    colleague = make_person("b_colleague", [Role.VISITOR], region=town.world.baiyang_grid)
    assert {r["标题"]: r["反映人"] for r in download(colleague, "issues:export").records()} == {
        "白杨路灯不亮": "李**", "白杨井盖缺失": ""
    }  # fmt: skip
    # A leader sees every issue, and its raiser masked: the calls are the department's to make.
    theirs = {r["标题"]: r for r in download(leader, "issues:export").records()}
    assert (theirs["白杨路灯不亮"]["反映人"], theirs["白杨路灯不亮"]["反映人电话"]) == ("李**", "139****0000")


def test_it_exports_only_the_visits_the_reader_sees(
    town: Town, leader, xiasha_dispatcher, baiyang_dispatcher, handler
) -> None:
    def numbers(person: Person) -> set[str]:
        return set(download(person, "visits:export", {"month": "all"}).column("走访编号"))

    xiasha = {town.v_oct.number, town.v_nov.number, town.v_dispatcher.number}
    assert numbers(leader) == {*xiasha, town.v_baiyang.number}
    assert numbers(xiasha_dispatcher) == xiasha
    assert numbers(baiyang_dispatcher) == {town.v_baiyang.number}
    # 建设局 came along on 10 October.
    assert numbers(handler) == {town.v_oct.number}


def test_it_exports_only_the_pairings_the_reader_sees(
    town: Town, leader, xiasha_dispatcher, baiyang_dispatcher, handler
) -> None:
    def pairs(person: Person) -> set[tuple[str, str]]:
        records = download(person, "visits:pairings_export").records()
        return {(r["联系对象"], r["包联人账号"] or r["包联部门"]) for r in records}

    xiasha = {
        ("下沙星辰制药有限公司", "x_worker"),
        ("下沙星辰制药有限公司", "建设局"),
        ("-1+1 贸易有限公司", "x_worker"),
    }
    assert pairs(leader) == {*xiasha, ("白杨云帆电子有限公司", "b_worker")}
    assert pairs(xiasha_dispatcher) == xiasha
    assert pairs(baiyang_dispatcher) == {("白杨云帆电子有限公司", "b_worker")}
    assert pairs(handler) == {("下沙星辰制药有限公司", "建设局")}


def test_it_exports_only_the_targets_the_reader_sees(
    town: Town, leader, xiasha_dispatcher, baiyang_dispatcher
) -> None:
    def names(person: Person) -> set[str]:
        return set(download(person, "targets:export", {"kind": "all"}).column("名称"))

    xiasha = {"下沙星辰制药有限公司", "-1+1 贸易有限公司", "头格社区居委会"}
    assert names(leader) == {*xiasha, "白杨云帆电子有限公司", "医药港康瑞生物科技有限公司"}
    assert names(xiasha_dispatcher) == xiasha
    assert names(baiyang_dispatcher) == {"白杨云帆电子有限公司"}


def test_it_exports_only_the_people_the_reader_sees(
    town: Town, leader, xiasha_dispatcher, baiyang_dispatcher, handler
) -> None:
    def accounts(person: Person) -> set[str]:
        return set(download(person, "people:export").column("账号"))

    everyone = {"leader", "xs_dispatcher", "by_dispatcher", "handler", "x_worker", "b_worker"}
    assert accounts(leader) == everyone
    assert accounts(xiasha_dispatcher) == {"xs_dispatcher", "x_worker"}
    assert accounts(baiyang_dispatcher) == {"by_dispatcher", "b_worker"}
    row = next(r for r in download(leader, "people:export").records() if r["账号"] == "x_worker")
    assert (row["所属区域"], row["角色"], row["电话"]) == ("头格第1网格", "走访干部", "13812345678")


def test_it_exports_only_the_coverage_of_the_readers_pairings(
    town: Town, xiasha_dispatcher, baiyang_dispatcher
) -> None:
    params = {"month": "2025-10", "level": "grid"}
    xiasha = download(xiasha_dispatcher, "visits:coverage_export", params)
    assert xiasha.column("网格", 0) == ["头格第1网格"]
    assert set(xiasha.column("联系对象", 1)) == {"下沙星辰制药有限公司", "-1+1 贸易有限公司"}
    # Asking for another street's region does not widen the file.
    elsewhere = download(
        xiasha_dispatcher, "visits:coverage_export", {**params, "region": str(town.world.baiyang.pk)}
    )
    assert "白杨云帆电子有限公司" not in elsewhere.column("联系对象", 1)
    baiyang = download(baiyang_dispatcher, "visits:coverage_export", params)
    assert baiyang.column("网格", 0) == ["白杨第1网格"]
    assert baiyang.column("联系对象", 1) == ["白杨云帆电子有限公司"]


def test_it_exports_only_the_manual_values_of_the_readers_units(
    town: Town, admin_person, xiasha_dispatcher, baiyang_dispatcher
) -> None:
    def values(person: Person, **params: str) -> list[list[str]]:
        return download(person, "race:manual_values_export", params).rows()[1:]

    # By league, indicator, month and unit.
    assert values(admin_person) == [
        ["部门服务评价", "建设局", "2025-10", "95"], ["@规上工业增加值", "下沙街道", "2025-10", "12"],
        ["@规上工业增加值", "白杨街道", "2025-10", "8"], ["@规上工业增加值", "下沙街道", "2025-11", "6"],
    ]  # fmt: skip
    assert values(xiasha_dispatcher) == [
        ["@规上工业增加值", "下沙街道", "2025-10", "12"], ["@规上工业增加值", "下沙街道", "2025-11", "6"],
    ]  # fmt: skip
    assert values(baiyang_dispatcher) == [["@规上工业增加值", "白杨街道", "2025-10", "8"]]
    assert [r[0] for r in values(admin_person, indicator=str(town.service.pk))] == ["部门服务评价"]
    assert values(admin_person, year="2024") == []


# --- the list's own filters --------------------------------------------------------------------------


def test_it_applies_the_issue_lists_filters(town: Town, leader) -> None:
    def titles(**params: str) -> set[str]:
        return set(download(leader, "issues:export", params).column("标题"))

    assert titles(status="assigned") == {"头格路灯不亮", "白杨路灯不亮"}
    assert titles(status="registered") == {'=HYPERLINK("http://evil")', "白杨井盖缺失"}
    assert titles(tier="immediate") == {"头格路灯不亮"}
    assert titles(date_from="2025-10-01", date_to="2025-10-31") == {
        '=HYPERLINK("http://evil")',
        "白杨路灯不亮",
        "白杨井盖缺失",
    }
    assert titles(date_from="2025-10-21", date_to="2025-10-21") == {"白杨井盖缺失"}
    assert titles(date_from="2025-11-01") == {"头格路灯不亮"}
    assert titles(q="路灯") == {"头格路灯不亮", "白杨路灯不亮"}
    assert titles(q=town.b_cover.number) == {"白杨井盖缺失"}
    assert titles(q="白杨", status="registered") == {"白杨井盖缺失"}
    assert titles(region=str(town.world.baiyang.pk)) == {"白杨路灯不亮", "白杨井盖缺失"}
    # Newest first, as the list shows them.
    assert download(leader, "issues:export").column("标题")[0] == "头格路灯不亮"


def test_it_applies_the_target_lists_filters(town: Town, leader) -> None:
    def names(**params: str) -> set[str]:
        return set(download(leader, "targets:export", params).column("名称"))

    firms = {
        "下沙星辰制药有限公司",
        "白杨云帆电子有限公司",
        "医药港康瑞生物科技有限公司",
        "-1+1 贸易有限公司",
    }
    assert names() == firms  # enterprises, like the list's first tab
    assert names(kind="community") == {"头格社区居委会"}
    assert names(kind="all") == {*firms, "头格社区居委会"}
    assert names(kind="all", q="贸易") == {"-1+1 贸易有限公司"}
    assert names(q=str(town.world.baiyang_firm.credit_code)) == {"白杨云帆电子有限公司"}


def test_it_applies_the_visit_lists_month_and_mine(town: Town, leader, xiasha_dispatcher) -> None:
    def numbers(person: Person, **params: str) -> set[str]:
        return set(download(person, "visits:export", params).column("走访编号"))

    october = download(leader, "visits:export", {"month": "2025-10"})
    assert october.filename == "走访记录-202510.xlsx"
    assert set(october.column("走访编号")) == {
        town.v_oct.number,
        town.v_baiyang.number,
        town.v_dispatcher.number,
    }
    assert numbers(leader, month="2025-11") == {town.v_nov.number}
    everything = download(leader, "visits:export", {"month": "all"})
    assert everything.filename == "走访记录-全部.xlsx" and len(everything.records()) == 4
    # Without a month, this month's: none of 2025's.
    now, _ = visit_record(actor=town.x_worker, visited_at=timezone.now() - timedelta(seconds=1),
                          targets=[town.world.xiasha_firm], notes="本月走访了解企业情况")  # fmt: skip
    this_month = download(leader, "visits:export")
    assert this_month.filename == f"走访记录-{timezone.localdate():%Y%m}.xlsx"
    assert this_month.column("走访编号") == [now.number]
    # mine: recorded by the reader, or the reader went along.
    assert numbers(xiasha_dispatcher, month="all", mine="1") == {town.v_dispatcher.number}
    assert numbers(town.x_worker, month="all", mine="1") == {town.v_oct.number, town.v_nov.number, now.number}
    assert numbers(xiasha_dispatcher, month="2025-11", mine="1") == set()


def test_it_applies_the_pairing_lists_search(town: Town, leader) -> None:
    def targets(q: str) -> list[str]:
        return download(leader, "visits:pairings_export", {"q": q}).column("联系对象")

    assert targets("贸易") == ["-1+1 贸易有限公司"]
    assert targets("b_worker") == ["白杨云帆电子有限公司"]
    assert sorted(targets("x_worker")) == sorted(["下沙星辰制药有限公司", "-1+1 贸易有限公司"])
    assert targets("没有这个") == []


def test_it_applies_the_people_lists_filters(
    town: Town, leader, xiasha_dispatcher, baiyang_dispatcher
) -> None:
    def accounts(**params: str) -> set[str]:
        return set(download(leader, "people:export", params).column("账号"))

    assert accounts(role="visitor") == {"x_worker", "b_worker"}
    assert accounts(role="dispatcher") == {"xs_dispatcher", "by_dispatcher"}
    assert accounts(q="x_w") == {"x_worker"}
    assert accounts(q="13812") == {"x_worker"}  # a phone number's beginning
    assert accounts(q="by", role="dispatcher") == {"by_dispatcher"}


def test_it_applies_the_coverage_pages_span_month_region_and_level(town: Town, leader) -> None:
    def summary(**params: str) -> list[list[str]]:
        return download(leader, "visits:coverage_export", params).rows(0)

    # October: 下沙星辰制药 visited by its holder, the risky firm not; 白杨云帆 visited. The quarterly
    # pairing of 建设局 owes nothing in October.
    assert summary(month="2025-10", level="grid") == [
        ["网格", "应走访包联", "已达标", "覆盖率", "应走访次数", "已走访次数", "未覆盖"],
        ["头格第1网格", "2", "1", "50.0%", "2", "1", "1"],
        ["白杨第1网格", "1", "1", "100.0%", "1", "1", "0"],
    ]
    # The fourth quarter: each monthly pairing owes three months; 建设局 came along on 10 October.
    assert summary(month="2025-10", span="quarter", level="street")[1:] == [
        ["白杨街道", "1", "0", "0.0%", "3", "1", "1"],
        ["下沙街道", "3", "1", "33.3%", "7", "3", "2"],
    ]
    assert summary(month="2025-10", span="quarter", level="department")[1:] == [
        ["建设局", "1", "1", "100.0%", "1", "1", "0"]
    ]
    assert summary(month="2025-11", level="person")[1:] == [
        ["b_worker", "1", "0", "0.0%", "1", "0", "1"],
        ["x_worker", "2", "1", "50.0%", "2", "1", "1"],
    ]
    narrowed = download(
        leader, "visits:coverage_export", {"month": "2025-10", "region": str(town.world.xiasha.pk)}
    )
    assert narrowed.column("网格", 0) == ["头格第1网格"]
    assert "白杨云帆电子有限公司" not in narrowed.column("联系对象", 1)
    year = download(leader, "visits:coverage_export", {"month": "2025-10", "span": "year"})
    assert year.filename == "走访覆盖-20250101-20251231.xlsx"


# --- the coverage file agrees with the coverage page ----------------------------------------------


class TableCells(HTMLParser):
    """The text of each body row's cells of the table with a given id."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.inside = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag == "td":
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif self.inside and tag == "td" and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2025-10", "level": "grid"},
        {"month": "2025-10", "span": "quarter", "level": "street"},
        {"month": "2025-10", "span": "quarter", "level": "department"},
        {"month": "2025-11", "level": "person"},
        {"month": "2025-10", "span": "year", "level": "grid", "region": "xiasha"},
    ],
)
@pytest.mark.parametrize("reader", ["leader", "xiasha_dispatcher"])
def test_the_coverage_file_agrees_with_the_coverage_page(
    request: pytest.FixtureRequest, town: Town, reader: str, params: dict[str, str]
) -> None:
    person: Person = request.getfixturevalue(reader)
    if params.get("region") == "xiasha":
        params = {**params, "region": str(town.world.xiasha.pk)}
    page = client_as(person).get(reverse("visits:coverage"), params)
    html = page.content.decode()
    table = TableCells("rollup")
    table.feed(html)
    shown = [row for row in table.rows if len(row) == 5]
    got = download(person, "visits:coverage_export", params)
    assert got.sheet_names()[1] == "包联明细"
    label = got.rows(0)[0][0]
    assert got.sheet_names()[0] == re.sub(r"[/\\]", " ", f"按{label}汇总")
    # The page's columns: unit, pairings owed, fulfilled, gaps, rate.
    assert [[r[0], r[1], r[2], r[6], r[3]] for r in got.rows(0)[1:]] == shown
    counts = re.search(r'id="coverage-counts">(\d+) / (\d+)<', html)
    assert counts is not None
    status = got.column("是否达标", 1)
    assert (status.count("达标"), len(status) - status.count("不计")) == (int(counts[1]), int(counts[2]))


def test_it_lists_every_pairing_in_the_coverage_files_second_sheet(town: Town, leader) -> None:
    got = download(leader, "visits:coverage_export", {"month": "2025-10"})
    assert got.filename == "走访覆盖-20251001-20251031.xlsx"
    assert got.sheet_names() == ["按网格汇总", "包联明细"]
    header, *rows = got.rows(1)
    assert header == ["联系对象", "统一社会信用代码", "网格", "包联人/部门", "走访频次", "应走访次数", "已走访次数",
                      "是否达标", "最近走访", "本期待走访截止"]  # fmt: skip
    details = {(r["联系对象"], r["包联人/部门"]): r for r in got.records(1)}
    assert len(rows) == len(details) == 4
    mine = details[("下沙星辰制药有限公司", "x_worker")]
    assert (mine["走访频次"], mine["应走访次数"], mine["已走访次数"], mine["是否达标"], mine["最近走访"]) == (
        "每月", "1", "1", "达标", "2025-10-10"
    )  # fmt: skip
    assert details[("下沙星辰制药有限公司", "建设局")]["是否达标"] == "不计"
    risky = details[("-1+1 贸易有限公司", "x_worker")]
    assert (risky["是否达标"], risky["最近走访"], risky["网格"]) == ("未达标", "", "头格第1网格")
    assert risky["统一社会信用代码"] == town.risky.credit_code


# --- text that looks like a formula ---------------------------------------------------------------

FORMULA = re.compile(rb"<f[\s>/]")


@pytest.mark.parametrize(
    ("name", "params", "payloads"),
    [
        ("issues:export", {}, ['=HYPERLINK("http://evil")', "+1+1 求修路面"]),
        ("visits:export", {"month": "all"}, ["@SUM(A1) 走访企业了解情况", "-2+3 会议室"]),
        ("targets:export", {"kind": "all"}, ["-1+1 贸易有限公司", '=HYPERLINK("http://evil","点我")']),
        ("people:export", {}, ["=1+1 网格长"]),
        ("visits:pairings_export", {}, ["-1+1 贸易有限公司"]),
        ("visits:coverage_export", {"month": "2025-10"}, ["-1+1 贸易有限公司"]),
        ("race:export", {"month": "2025-10"}, ["@规上工业增加值"]),
        ("race:manual_values_export", {}, ["@规上工业增加值"]),
        ("race:review_export", {}, ["=工作推进"]),
    ],
)
def test_it_writes_formula_like_text_as_text(
    request: pytest.FixtureRequest, town: Town, admin_person, name: str, params: dict[str, str],
    payloads: list[str],
) -> None:  # fmt: skip
    args = [request.getfixturevalue("closed_meeting").pk] if name == "race:review_export" else None
    got = download(admin_person, name, params, args=args)
    book = load_workbook(io.BytesIO(got.data))
    risky = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@")
    ]
    assert set(payloads) <= {cell.value for cell in risky}
    assert all(cell.data_type == "s" for cell in risky), [(c.coordinate, c.data_type) for c in risky]
    with zipfile.ZipFile(io.BytesIO(got.data)) as archive:
        for part in archive.namelist():
            if part.startswith("xl/worksheets/"):
                assert not FORMULA.search(archive.read(part)), part
