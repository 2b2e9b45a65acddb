"""Importing the historic problem ledger (问题台账): each row becomes an issue whose history is the
events the workflow would have written to bring it where the row says it ended, at the row's times.
Whatever contradicts a row's own status is refused at its column, and nothing is written."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sanfuwu.imports.cells import date_text, moment_text
from sanfuwu.issues.models import (
    Action,
    Assignment,
    AssignmentState,
    ChecklistItem,
    ChecklistTemplateItem,
    Issue,
    IssueCounter,
    IssueEvent,
    Rating,
    Status,
    SupervisionLevel,
    Tier,
)
from sanfuwu.issues.replay import issue_replay, issue_state
from sanfuwu.issues.rules import RULES
from sanfuwu.issues.services import issue_next_number, issue_register
from sanfuwu.issues.workflow import WorkflowError, issue_act
from sanfuwu.orgs.models import Category, Department
from sanfuwu.people.models import Person, Role
from sanfuwu.targets.models import Target
from sanfuwu.visits.services import visit_record
from tests.conftest import World, make_code, make_person
from tests.imports.helpers import export_bytes, exported, problems, run, run_rows

pytestmark = pytest.mark.django_db

KIND = "issues"
Cells = dict[str, object]

DISPATCH: Cells = {"主办部门": "建设局", "协办部门": "城市管理局", "交办时间": "2025-03-03 14:00",
                   "办理期限": "2025-03-14"}  # fmt: skip
ACCEPT: Cells = {"签收时间": "2025-03-04 09:30"}
RESOLVE: Cells = {"办结时间": "2025-03-12 16:00", "办理结果": "已修复破损路面并恢复通行。"}
CLOSE: Cells = {"答复内容": "您反映的道路破损问题已修复。", "回访评价": "满意", "回访时间": "2025-03-13 10:00",
                "销号时间": "2025-03-13 11:00"}  # fmt: skip
RETURN_REASON = "不属于本部门职责范围，请改派。"
PLAN = "分三期推进道路改造，年内完成。"

# One row per final status, as a district's ledger would have it.
FINAL: dict[str, Cells] = {
    "已登记": {},
    "已交办": DISPATCH,
    "办理中": {**DISPATCH, **ACCEPT},
    "已退回": {**DISPATCH, "退回原因": RETURN_REASON},
    "长效办理": {**DISPATCH, **ACCEPT, "办理类型": "长效办", "办理期限": "", "长效办理计划": PLAN},
    "已办结": {**DISPATCH, **ACCEPT, **RESOLVE},
    "已销号": {**DISPATCH, **ACCEPT, **RESOLVE, **CLOSE},
    "已作废": {"作废原因": "与 WT-2025-000001 重复登记。"},
    "已经办": {
        "办理类型": "已经办",
        "状态": "已办结",
        "办结时间": "2025-03-03 10:00",
        "办理结果": "现场协调物业清理了占道杂物。",
    },
}
STATUS_OF = {"已经办": Status.RESOLVED, **{str(label): value for value, label in Status.choices}}
ACCEPTED = {Status.IN_PROGRESS, Status.LONG_TERM, Status.RESOLVED, Status.CLOSED}


@pytest.fixture
def road(world: World) -> Category:
    category = Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    ChecklistTemplateItem.objects.bulk_create(
        [
            ChecklistTemplateItem(category=category, label=label, sort_order=i)
            for i, label in enumerate(["走访", "回访"])
        ]
    )
    return category


@pytest.fixture
def chengguan(world: World) -> Department:
    return Department.objects.create(code="chengguan", name="城市管理局", region=world.district)


@pytest.fixture
def ready(road: Category, chengguan: Department) -> None:
    """The category with its checklist and a second department, for co-departments."""


def ledger_row(world: World, number: str, status: str = "已登记", **cells: object) -> Cells:
    """A row of `status` (a key of FINAL) for 下沙星辰制药 in 头格第1网格, with `cells` on top."""
    row: Cells = {
        "编号": number, "标题": "企业门前道路破损", "问题描述": "企业反映门前道路破损，货车进出困难。",
        "来源": "走访", "事项分类": "道路交通", "办理类型": "限期办", "所属区域": "头格第1网格",
        "联系对象": world.xiasha_firm.name, "统一社会信用代码": world.xiasha_firm.credit_code,
        "反映人": "王伟", "反映人电话": "13812345678", "状态": status, "登记时间": "2025-03-03 09:00",
    }  # fmt: skip
    row.update(FINAL.get(status, {}))
    row.update(cells)
    return row


def final_rows(world: World) -> list[Cells]:
    return [ledger_row(world, f"WT-2025-{i:06d}", status) for i, status in enumerate(FINAL, start=101)]


def history_problems(issue: Issue) -> list[str]:
    """Everything wrong with an issue's history, as sentences; empty when it is sound."""
    wrong: list[str] = []
    events = list(issue.events.order_by("seq"))
    if [e.seq for e in events] != list(range(1, len(events) + 1)) or issue.version != len(events):
        wrong.append(f"seq {[e.seq for e in events]} / version {issue.version}")
    if not events or events[0].action != Action.REGISTER or events[0].from_status:
        wrong.append("the history does not start with a registration")
    if issue_replay(events) != issue_state(issue):
        wrong.append(f"replay {issue_replay(events)} != state {issue_state(issue)}")
    for before, event in pairwise(events):
        if event.from_status != before.to_status:
            wrong.append(f"#{event.seq} {event.action} from {event.from_status}, was {before.to_status}")
        rule = RULES.get(event.action)
        if rule is None or event.from_status not in rule.sources:
            wrong.append(f"#{event.seq} {event.action} may not start from {event.from_status}")
        if event.at < before.at:
            wrong.append(f"#{event.seq} {event.action} at {event.at} is before #{before.seq} at {before.at}")
    if events and events[-1].to_status != issue.status:
        wrong.append(f"last event ends in {events[-1].to_status}, issue is {issue.status}")
    assignments = list(issue.assignments.all())
    if (issue.status in ACCEPTED and issue.tier != Tier.DONE) or issue.status == Status.RESOLVED:
        pending = [a for a in assignments if a.state == AssignmentState.PENDING]
        if pending:
            wrong.append(f"pending assignments left on a {issue.status} issue: {pending}")
    return wrong


def assert_sound(issue: Issue) -> None:
    assert history_problems(issue) == [], issue.number


def assert_as_the_row_says(issue: Issue, row: Cells) -> None:
    times = {"登记时间": "registered_at", "交办时间": "dispatched_at", "签收时间": "accepted_at",
             "办结时间": "resolved_at", "销号时间": "closed_at"}  # fmt: skip
    for column, name in times.items():
        expected = str(row.get(column, ""))
        if column == "签收时间" and not expected and issue.status in ACCEPTED and issue.tier != Tier.DONE:
            expected = str(row["交办时间"])  # the import's documented default
        assert moment_text(getattr(issue, name)) == expected, (issue.number, column)
    assert date_text(issue.due_date) == str(row.get("办理期限", "")), issue.number
    if row.get("回访时间"):
        rated = issue.events.filter(action=Action.RATE).order_by("-seq").first()
        assert rated is not None and moment_text(rated.at) == row["回访时间"]


def get(number: str) -> Issue:
    return Issue.objects.get(number=number)


def test_it_imports_one_issue_per_final_status_with_the_rows_status_and_times(
    world: World, admin_person: Person, ready: None
) -> None:
    rows = final_rows(world)
    outcome = run_rows(KIND, rows, admin_person)
    assert (outcome.errors, outcome.created, outcome.written) == ([], len(FINAL), True)
    for row, key in zip(rows, FINAL, strict=True):
        issue = get(str(row["编号"]))
        assert issue.status == STATUS_OF[key], key
        assert_as_the_row_says(issue, row)
        assert issue.registered_by == admin_person and issue.target == world.xiasha_firm
        assert (issue.region, issue.raiser_name, issue.raiser_phone) == (
            world.touge_grid,
            "王伟",
            "13812345678",
        )


def test_every_imported_history_replays_to_its_issue_and_follows_the_workflows_rules(
    world: World, admin_person: Person, ready: None
) -> None:
    assert run_rows(KIND, final_rows(world), admin_person).errors == []
    assert Issue.objects.count() == len(FINAL)
    for issue in Issue.objects.all():
        assert_sound(issue)


def test_it_writes_the_steps_the_workflow_would_have_taken(
    world: World, admin_person: Person, ready: None
) -> None:
    assert run_rows(KIND, final_rows(world), admin_person).errors == []

    def actions(number: str) -> list[str]:
        return [e.action for e in get(number).events.order_by("seq") if e.action != Action.CHECK_ITEM]

    assert actions("WT-2025-000101") == ["register"]
    assert actions("WT-2025-000102") == ["register", "dispatch"]
    assert actions("WT-2025-000103") == ["register", "dispatch", "accept", "accept"]  # lead, then co
    assert actions("WT-2025-000104") == ["register", "dispatch", "return"]
    assert actions("WT-2025-000105") == ["register", "dispatch", "accept", "accept", "make_long_term"]
    assert actions("WT-2025-000106") == ["register", "dispatch", "accept", "accept", "resolve"]
    assert actions("WT-2025-000107") == [
        "register", "dispatch", "accept", "accept", "resolve", "feedback", "rate", "close",
    ]  # fmt: skip
    assert actions("WT-2025-000108") == ["register", "void"]
    assert actions("WT-2025-000109") == ["register"]
    assert get("WT-2025-000109").resolution == "现场协调物业清理了占道杂物。"
    closed = get("WT-2025-000107")
    assert (closed.resolution, closed.feedback, closed.rating) == (
        "已修复破损路面并恢复通行。", "您反映的道路破损问题已修复。", Rating.SATISFIED,
    )  # fmt: skip
    assert get("WT-2025-000105").long_term_plan == PLAN and get("WT-2025-000105").tier == Tier.LONG_TERM
    assert get("WT-2025-000108").void_reason == "与 WT-2025-000001 重复登记。"


def test_assignments_are_accepted_for_accepted_issues_and_a_returned_one_carries_its_reason(
    world: World, admin_person: Person, ready: None, chengguan: Department
) -> None:
    assert run_rows(KIND, final_rows(world), admin_person).errors == []

    def states(number: str) -> dict[tuple[str, bool], str]:
        return {(a.department.name, a.is_lead): a.state for a in get(number).assignments.all()}

    assert (
        states("WT-2025-000101") == {} and states("WT-2025-000108") == {} and states("WT-2025-000109") == {}
    )
    assert states("WT-2025-000102") == {("建设局", True): "pending", ("城市管理局", False): "pending"}
    for number in ("WT-2025-000103", "WT-2025-000105", "WT-2025-000106", "WT-2025-000107"):
        assert states(number) == {("建设局", True): "accepted", ("城市管理局", False): "accepted"}, number
        issue = get(number)
        for part in issue.assignments.all():
            assert part.accepted_at == issue.accepted_at
    returned = get("WT-2025-000104")
    assert returned.lead_department is None
    lead = returned.assignments.get(is_lead=True)
    assert (lead.department, lead.state, lead.return_reason) == (
        world.jianshe,
        AssignmentState.RETURNED,
        RETURN_REASON,
    )
    assert lead.returned_at is not None
    assert returned.assignments.get(is_lead=False).state == AssignmentState.WITHDRAWN
    assert returned.events.get(action=Action.RETURN).note == RETURN_REASON


def test_the_categorys_checklist_is_done_on_closed_issues_and_open_on_the_others(
    world: World, admin_person: Person, ready: None
) -> None:
    assert run_rows(KIND, final_rows(world), admin_person).errors == []
    for issue in Issue.objects.all():
        items = list(issue.checklist.all())
        assert [i.label for i in items] == ["走访", "回访"], issue.number
        if issue.status == Status.CLOSED:
            assert all(i.done_at is not None and i.done_by == admin_person for i in items)
            assert issue.events.filter(action=Action.CHECK_ITEM).count() == 2
        else:
            assert all(i.done_at is None for i in items), issue.number


def test_an_answer_rated_unsatisfied_reopens_the_issue_still_in_progress(
    world: World, admin_person: Person, ready: None
) -> None:
    row = ledger_row(world, "WT-2025-000201", "办理中", 回访评价="不满意", 回访时间="2025-03-13 10:00")
    outcome = run_rows(KIND, [row], admin_person)
    assert outcome.errors == []
    issue = get("WT-2025-000201")
    assert issue.status == Status.IN_PROGRESS
    assert (issue.reopen_count, issue.feedback, issue.resolved_at) == (1, "", None)
    assert issue.rating == Rating.UNSATISFIED
    assert_sound(issue)
    assert_as_the_row_says(issue, row)
    rate = issue.events.get(action=Action.RATE)
    assert (rate.from_status, rate.to_status) == (Status.RESOLVED, Status.IN_PROGRESS)
    assert all(i.done_at is None for i in issue.checklist.all())


def test_an_issue_reopened_by_the_return_visit_and_resolved_again_ends_resolved(
    world: World, admin_person: Person, ready: None
) -> None:
    row = ledger_row(
        world, "WT-2025-000202", "已办结", 回访评价="不满意", 回访时间="2025-03-13 10:00",
        办结时间="2025-03-20 16:00", 办理结果="重新铺设沥青路面，已恢复通行。",
    )  # fmt: skip
    outcome = run_rows(KIND, [row], admin_person)
    assert outcome.errors == []
    issue = get("WT-2025-000202")
    assert issue.status == Status.RESOLVED and issue.reopen_count == 1
    assert issue.resolution == "重新铺设沥青路面，已恢复通行。"
    assert moment_text(issue.resolved_at) == "2025-03-20 16:00"
    assert_sound(issue)
    assert_as_the_row_says(issue, row)
    actions = [e.action for e in issue.events.order_by("seq")]
    assert actions[-4:] == ["resolve", "feedback", "rate", "resolve"]
    assert issue.assignments.filter(state=AssignmentState.PENDING).count() == 0


def test_the_return_visit_of_a_reopened_issue_comes_after_the_first_resolution(
    world: World, admin_person: Person, ready: None
) -> None:
    """A reopened issue was rated before it was resolved again: 办结时间 before 回访时间 is refused."""
    row = ledger_row(
        world, "WT-2025-000203", "已办结", 回访评价="不满意", 回访时间="2025-03-13 10:00",
        办结时间="2025-03-12 16:00", 办理结果="重新铺设沥青路面。",
    )  # fmt: skip
    outcome = run_rows(KIND, [row], admin_person)
    assert problems(outcome) == {(2, "办结时间")} and "回访时间" in outcome.errors[0].message
    assert Issue.objects.count() == 0


@pytest.mark.parametrize(
    ("label", "level"), [("一般", SupervisionLevel.GENERAL), ("重点", SupervisionLevel.KEY)]
)
def test_supervision_sets_the_flag_and_its_level_with_a_supervise_event(
    world: World, admin_person: Person, ready: None, label: str, level: str
) -> None:
    rows = [
        ledger_row(world, "WT-2025-000301", "办理中", 督办=label),
        ledger_row(world, "WT-2025-000302", "已销号", 督办=label),
        ledger_row(world, "WT-2025-000303", "已登记", 督办=label),
        ledger_row(world, "WT-2025-000304", "已退回", 督办=label),
        ledger_row(world, "WT-2025-000305", "已办结"),
    ]
    outcome = run_rows(KIND, rows, admin_person)
    assert outcome.errors == []
    for row in rows[:4]:
        issue = get(str(row["编号"]))
        assert (issue.supervised, issue.supervision_level) == (True, level), issue.number
        event = issue.events.get(action=Action.SUPERVISE)
        assert event.changes == {"supervised": True, "supervision_level": level}
        assert event.from_status == event.to_status
        assert_sound(issue)
    plain = get("WT-2025-000305")
    assert not plain.supervised and not plain.events.filter(action=Action.SUPERVISE).exists()


def test_a_late_issue_goes_on_the_board_the_morning_after_its_deadline(
    world: World, admin_person: Person, ready: None
) -> None:
    row = ledger_row(world, "WT-2025-000306", "已办结", 督办="重点", 办结时间="2025-03-20 16:00")
    assert run_rows(KIND, [row], admin_person).errors == []
    issue = get("WT-2025-000306")
    assert moment_text(issue.events.get(action=Action.SUPERVISE).at) == "2025-03-15 09:00"
    assert_sound(issue)


def test_it_links_the_visit_that_raised_the_issue(world: World, admin_person: Person, ready: None) -> None:
    visit, _issues = visit_record(
        actor=admin_person, visited_at=timezone.make_aware(datetime(2025, 3, 2, 10, 0)),
        targets=[world.xiasha_firm], notes="走访企业了解经营情况。", number="ZF-2025-000042",
    )  # fmt: skip
    outcome = run_rows(
        KIND, [ledger_row(world, "WT-2025-000401", 来源走访编号="ZF-2025-000042")], admin_person
    )
    assert outcome.errors == [] and get("WT-2025-000401").visit == visit


def test_a_registrar_named_in_the_row_is_kept(
    world: World, admin_person: Person, ready: None, grid_worker: Person
) -> None:
    outcome = run_rows(
        KIND, [ledger_row(world, "WT-2025-000402", "已交办", 登记人账号="gridder")], admin_person
    )
    assert outcome.errors == []
    issue = get("WT-2025-000402")
    assert issue.registered_by == grid_worker
    registered, dispatched = issue.events.order_by("seq")
    # The registrar registered it; every later step was recorded by whoever imported the ledger.
    assert (registered.actor, dispatched.actor) == (grid_worker, admin_person)


def test_a_registrar_must_be_one_who_may_register_there(
    world: World, admin_person: Person, ready: None, leader: Person, grid_worker: Person
) -> None:
    make_person("by_gridder", [Role.VISITOR], region=world.baiyang_grid)
    rows = [
        ledger_row(world, "WT-2025-000402", 登记人账号="leader"),  # leaders do not register issues
        ledger_row(world, "WT-2025-000403", 登记人账号="by_gridder"),  # a grid worker of another grid
        ledger_row(world, "WT-2025-000404", 登记人账号="gridder"),
    ]
    outcome = run_rows(KIND, rows, admin_person)
    assert problems(outcome) == {(2, "登记人账号"), (3, "登记人账号")}, outcome.errors
    first, second = (e.message for e in sorted(outcome.errors, key=lambda e: e.row))
    assert "不能登记问题" in first and "管辖范围" in second
    assert Issue.objects.count() == 0


def test_a_registrar_must_be_within_the_importers_own_territory(
    world: World, xiasha_dispatcher: Person, baiyang_dispatcher: Person, ready: None
) -> None:
    make_person("by_gridder", [Role.VISITOR], region=world.baiyang_grid)
    row = ledger_row(world, "WT-2025-000402", 登记人账号="by_dispatcher")
    outcome = run_rows(KIND, [row], xiasha_dispatcher)
    assert problems(outcome) == {(2, "登记人账号")}
    assert "您的管辖范围内没有账号" in outcome.errors[0].message


def test_a_target_is_found_by_its_credit_code_alone(world: World, admin_person: Person, ready: None) -> None:
    outcome = run_rows(
        KIND, [ledger_row(world, "WT-2025-000403", 联系对象="", 统一社会信用代码=world.park_firm.credit_code)],
        admin_person,
    )  # fmt: skip
    assert outcome.errors == [] and get("WT-2025-000403").target == world.park_firm


def test_a_name_two_targets_share_needs_the_credit_code(
    world: World, admin_person: Person, ready: None
) -> None:
    twin = Target.objects.create(
        kind="enterprise", name=world.xiasha_firm.name, credit_code=make_code("330114MA2XHA009"),
        region=world.touge, grid=world.touge_grid,
    )  # fmt: skip
    refused = run_rows(KIND, [ledger_row(world, "WT-2025-000404", 统一社会信用代码="")], admin_person)
    assert problems(refused) == {(2, "联系对象")}
    outcome = run_rows(
        KIND, [ledger_row(world, "WT-2025-000404", 统一社会信用代码=twin.credit_code)], admin_person
    )
    assert outcome.errors == [] and get("WT-2025-000404").target == twin


BAD_ROWS: list[tuple[str, str, Cells, str, str]] = [
    ("bad-date", "已交办", {"办理期限": "2025-13-01"}, "办理期限", "不是有效日期"),
    ("bad-time", "已登记", {"登记时间": "三月三日上午"}, "登记时间", "不是有效时间"),
    ("no-time", "已登记", {"登记时间": ""}, "登记时间", "请填写登记时间"),
    ("resolved-before-dispatch", "已办结", {"签收时间": "", "办结时间": "2025-03-03 12:00"}, "办结时间",
     "早于交办时间"),
    ("accepted-before-dispatch", "办理中", {"签收时间": "2025-03-03 13:00"}, "签收时间", "早于交办时间"),
    ("closed-in-the-future", "已销号", {"销号时间": "2099-01-01 10:00"}, "销号时间", "不能晚于现在"),
    ("registered-in-the-future", "已登记", {"登记时间": "2099-01-01 10:00"}, "登记时间", "不能晚于现在"),
    ("unknown-category", "已登记", {"事项分类": "环境保护"}, "事项分类", "没有名为“环境保护”的事项分类"),
    ("unknown-status", "已登记", {"状态": "处理中"}, "状态", "状态应为"),
    ("unknown-tier", "已登记", {"办理类型": "马上办"}, "办理类型", "办理类型应为"),
    ("unknown-source", "已登记", {"来源": "信访"}, "来源", "来源应为"),
    ("closed-without-answer", "已销号", {"答复内容": ""}, "答复内容", "销号前须答复反映人"),
    ("closed-unsatisfied", "已销号", {"回访评价": "不满意"}, "回访评价", "满意"),
    ("closed-without-time", "已销号", {"销号时间": ""}, "销号时间", "请填写销号时间"),
    ("assigned-without-lead", "已交办", {"主办部门": ""}, "主办部门", "请填写主办部门"),
    ("assigned-without-time", "已交办", {"交办时间": ""}, "交办时间", "请填写交办时间"),
    ("unknown-lead", "已交办", {"主办部门": "宣传部"}, "主办部门", "没有名为“宣传部”的部门"),
    ("co-same-as-lead", "已交办", {"协办部门": "建设局"}, "协办部门", "不能与主办部门相同"),
    ("deadline-without-due-date", "已交办", {"办理期限": ""}, "办理期限", "请填写办理期限"),
    ("due-before-dispatch", "已交办", {"办理期限": "2025-03-01"}, "办理期限", "不能早于交办日期"),
    ("done-with-lead", "已经办", {"主办部门": "建设局"}, "主办部门", "不填主办部门"),
    ("done-still-open", "已经办", {"状态": "办理中"}, "状态", "已经办"),
    ("registered-with-lead", "已登记", {"主办部门": "建设局"}, "主办部门", "尚未交办"),
    ("return-reason-not-returned", "办理中", {"退回原因": RETURN_REASON}, "退回原因", "只有已退回的问题"),
    ("returned-without-reason", "已退回", {"退回原因": ""}, "退回原因", "请填写退回原因"),
    ("void-without-reason", "已作废", {"作废原因": ""}, "作废原因", "请填写作废原因"),
    ("long-term-without-plan", "长效办理", {"长效办理计划": ""}, "长效办理计划", "请填写长效办理计划"),
    ("plan-on-a-deadline-tier", "办理中", {"长效办理计划": PLAN}, "办理类型", "应为长效办"),
    ("resolved-without-result", "已办结", {"办理结果": ""}, "办理结果", "请填写办理结果"),
    ("open-with-resolution-time", "办理中", {"办结时间": "2025-03-12 16:00"}, "办结时间", "尚未办结"),
    ("unknown-rating", "已销号", {"回访评价": "很好"}, "回访评价", "回访评价应为"),
    ("unknown-supervision", "办理中", {"督办": "特急"}, "督办", "一般"),
    ("no-such-visit", "已登记", {"来源走访编号": "ZF-2025-009999"}, "来源走访编号", "ZF-2025-009999"),
    ("unknown-region", "已登记", {"所属区域": "不存在街道"}, "所属区域", "没有找到"),
    ("unknown-target", "已登记", {"联系对象": "不存在的公司", "统一社会信用代码": ""}, "联系对象", "不存在的公司"),
    ("unknown-credit-code", "已登记", {"联系对象": "", "统一社会信用代码": make_code("330114MA2QQQ999")},
     "统一社会信用代码", "统一社会信用代码"),
    ("bad-credit-code", "已登记", {"联系对象": "", "统一社会信用代码": "91330114MA2XHA0019"}, "统一社会信用代码",
     "统一社会信用代码"),
    ("no-title", "已登记", {"标题": ""}, "标题", "请填写标题"),
    ("space-in-number", "已登记", {"编号": "WT 2025 000001"}, "编号", "空格"),
    ("unknown-registrar", "已登记", {"登记人账号": "nobody"}, "登记人账号", "nobody"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("status", "cells", "column", "message"), [b[1:] for b in BAD_ROWS], ids=[b[0] for b in BAD_ROWS]
)
def test_it_refuses_a_row_at_the_column_that_is_wrong_with_a_chinese_message(
    world: World, admin_person: Person, ready: None, status: str, cells: Cells, column: str, message: str
) -> None:
    good = ledger_row(world, "WT-2025-000001", "已销号")
    outcome = run_rows(KIND, [good, ledger_row(world, "WT-2025-000002", status, **cells)], admin_person)
    assert (3, column) in problems(outcome), outcome.errors
    said = [e.message for e in outcome.errors if e.column == column]
    assert any(message in m for m in said), said
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e.message) for e in outcome.errors)
    assert not any(e.row == 2 for e in outcome.errors)
    assert not outcome.written
    assert (Issue.objects.count(), IssueEvent.objects.count(), Assignment.objects.count()) == (0, 0, 0)


def test_a_bad_credit_code_beside_a_name_is_refused_at_the_credit_code(
    world: World, admin_person: Person, ready: None
) -> None:
    outcome = run_rows(
        KIND,
        [ledger_row(world, "WT-2025-000001", 统一社会信用代码=make_code("330114MA2QQQ999"))],
        admin_person,
    )
    assert (2, "统一社会信用代码") in problems(outcome), outcome.errors
    assert Issue.objects.count() == 0


def test_a_street_dispatcher_imports_their_own_street_and_nothing_beyond(
    world: World, xiasha_dispatcher: Person, admin_person: Person, ready: None
) -> None:
    mine = ledger_row(world, "WT-2025-000001", "已销号")
    elsewhere = ledger_row(world, "WT-2025-000002", 所属区域="白杨第1网格", 联系对象="", 统一社会信用代码="")
    their_firm = ledger_row(
        world, "WT-2025-000003", 联系对象=world.baiyang_firm.name, 统一社会信用代码=""
    )  # fmt: skip
    their_code = ledger_row(
        world, "WT-2025-000004", 联系对象="", 统一社会信用代码=world.baiyang_firm.credit_code
    )  # fmt: skip
    visit_record(
        actor=admin_person, visited_at=timezone.make_aware(datetime(2025, 3, 2, 10, 0)),
        targets=[world.baiyang_firm], notes="走访白杨街道企业。", number="ZF-2025-000043",
    )  # fmt: skip
    their_visit = ledger_row(world, "WT-2025-000005", 来源走访编号="ZF-2025-000043")
    outcome = run_rows(KIND, [mine, elsewhere, their_firm, their_code, their_visit], xiasha_dispatcher)
    assert problems(outcome) == {
        (3, "所属区域"),
        (4, "联系对象"),
        (5, "统一社会信用代码"),
        (6, "来源走访编号"),
    }
    assert all("管辖范围" in e.message for e in outcome.errors if e.row < 6)
    assert Issue.objects.count() == 0
    outcome = run_rows(KIND, [mine], xiasha_dispatcher)
    assert (outcome.errors, outcome.created) == ([], 1)
    assert_sound(get("WT-2025-000001"))


def test_a_number_twice_in_the_file_is_refused_at_the_second_row(
    world: World, admin_person: Person, ready: None
) -> None:
    outcome = run_rows(
        KIND,
        [ledger_row(world, "WT-2025-000001"), ledger_row(world, "WT-2025-000001", "办理中")],
        admin_person,
    )
    assert problems(outcome) == {(3, "编号")} and "与第 2 行重复" in outcome.errors[0].message
    assert Issue.objects.count() == 0


def test_importing_the_same_ledger_twice_imports_it_once(
    world: World, admin_person: Person, ready: None
) -> None:
    rows = final_rows(world)
    first = run_rows(KIND, rows, admin_person)
    assert (first.errors, first.created) == ([], len(rows))
    counts = (Issue.objects.count(), IssueEvent.objects.count(), Assignment.objects.count())
    again = run_rows(KIND, rows, admin_person)
    assert (again.errors, again.created, again.skipped) == ([], 0, len(rows))
    assert all(line.action == "skip" for line in again.preview)
    assert (Issue.objects.count(), IssueEvent.objects.count(), Assignment.objects.count()) == counts


def test_a_number_already_there_is_skipped_even_when_its_row_differs(
    world: World, admin_person: Person, ready: None
) -> None:
    assert run_rows(KIND, [ledger_row(world, "WT-2025-000001")], admin_person).created == 1
    outcome = run_rows(
        KIND,
        [ledger_row(world, "WT-2025-000001", "已销号"), ledger_row(world, "WT-2025-000002")],
        admin_person,
    )
    assert (outcome.errors, outcome.created, outcome.skipped) == ([], 1, 1)
    assert get("WT-2025-000001").status == Status.REGISTERED


def test_importing_a_number_moves_the_years_counter_past_it(
    world: World, admin_person: Person, ready: None
) -> None:
    outcome = run_rows(
        KIND, [ledger_row(world, "WT-2025-000500"), ledger_row(world, "WT-2025-000020")], admin_person
    )
    assert outcome.errors == []
    assert IssueCounter.objects.get(year=2025).last == 500
    assert issue_next_number(year=2025) == "WT-2025-000501"


def test_a_dry_run_writes_nothing_yet_reports_what_it_would_create(
    world: World, admin_person: Person, ready: None
) -> None:
    rows = final_rows(world)
    outcome = run_rows(KIND, rows, admin_person, dry_run=True)
    assert (outcome.errors, outcome.created, outcome.written) == ([], len(rows), False)
    assert [line.row for line in outcome.preview] == list(range(2, len(rows) + 2))
    assert all(line.action == "create" for line in outcome.preview)
    assert outcome.preview[0].label == "WT-2025-000101 企业门前道路破损"
    assert (Issue.objects.count(), IssueEvent.objects.count(), Assignment.objects.count()) == (0, 0, 0)
    assert ChecklistItem.objects.count() == 0 and not IssueCounter.objects.exists()


def round_trip_rows(world: World) -> list[Cells]:
    rows = final_rows(world)
    rows += [
        ledger_row(world, "WT-2025-000201", "办理中", 回访评价="不满意", 回访时间="2025-03-13 10:00"),
        ledger_row(
            world,
            "WT-2025-000202",
            "已办结",
            回访评价="不满意",
            回访时间="2025-03-13 10:00",
            办结时间="2025-03-20 16:00",
            办理结果="重新铺设沥青路面。",
            答复内容="已重新铺设。",
        ),
        ledger_row(
            world,
            "WT-2025-000301",
            "办理中",
            督办="一般",
            登记时间="2025-04-01 08:15",
            交办时间="2025-04-01 09:00",
            签收时间="",
            办理期限="2025-04-08",
            协办部门="",
        ),
        ledger_row(world, "WT-2025-000302", "已销号", 督办="重点", 回访时间="", 回访评价="基本满意"),
        ledger_row(
            world,
            "WT-2025-000303",
            "已办结",
            回访评价="满意",
            答复内容="已电话答复。",
            所属区域="医药港第1网格",
            联系对象=world.park_firm.name,
            统一社会信用代码=world.park_firm.credit_code,
            来源="热线",
            反映人="",
            反映人电话="",
        ),
        ledger_row(world, "WT-2025-000304", "已作废", **DISPATCH, **ACCEPT, 作废原因="企业已搬迁。"),
        ledger_row(world, "WT-2025-000305", "已登记", 来源走访编号="ZF-2025-000042", 办理类型="立刻办"),
        ledger_row(
            world,
            "WT-2025-000306",
            "已经办",
            状态="已销号",
            答复内容="现场已答复。",
            回访评价="满意",
            回访时间="2025-03-03 11:00",
            销号时间="2025-03-03 12:00",
        ),
    ]
    return rows


def test_issues_from_the_ledger_go_out_and_come_back_identical(
    world: World, admin_person: Person, ready: None
) -> None:
    visit_record(
        actor=admin_person, visited_at=timezone.make_aware(datetime(2025, 3, 2, 10, 0)),
        targets=[world.xiasha_firm], notes="走访企业了解经营情况。", number="ZF-2025-000042",
    )  # fmt: skip
    rows = round_trip_rows(world)
    outcome = run_rows(KIND, rows, admin_person)
    assert (outcome.errors, outcome.created) == ([], len(rows))
    for issue in Issue.objects.all():
        assert_sound(issue)
    before = exported(KIND, admin_person)
    assert len(before) == len(rows) + 1
    data = export_bytes(KIND, admin_person)
    IssueEvent.objects.all().delete()
    Assignment.objects.all().delete()
    ChecklistItem.objects.all().delete()
    Issue.objects.all().delete()
    again = run(KIND, data, admin_person)
    assert (again.errors, again.created, again.written) == ([], len(rows), True)
    assert exported(KIND, admin_person) == before
    for issue in Issue.objects.all():
        assert_sound(issue)


# Rows a ledger may hold for a void issue: it was voided at some point of its life.
VOID_ROWS: list[tuple[str, Cells]] = [
    ("dispatched", {**DISPATCH}),
    ("accepted", {**DISPATCH, **ACCEPT}),
    ("resolved", {**DISPATCH, **ACCEPT, **RESOLVE}),
    ("done-on-the-spot", {"办理类型": "已经办", "办理结果": "现场已解决。"}),
    (
        "reopened-after-acceptance",
        {**DISPATCH, **ACCEPT, "回访评价": "不满意", "回访时间": "2025-03-13 10:00"},
    ),
    ("resolved-without-dispatch", {**RESOLVE}),
    ("resolved-without-acceptance", {**DISPATCH, **RESOLVE}),
    ("reopened-without-dispatch", {"回访评价": "不满意", "回访时间": "2025-03-13 10:00"}),
    ("reopened-without-acceptance", {**DISPATCH, "回访评价": "不满意", "回访时间": "2025-03-13 10:00"}),
]


@pytest.mark.parametrize("cells", [v[1] for v in VOID_ROWS], ids=[v[0] for v in VOID_ROWS])
def test_a_void_issue_is_either_refused_or_given_a_history_the_workflow_allows(
    world: World, admin_person: Person, ready: None, cells: Cells
) -> None:
    row = ledger_row(world, "WT-2025-000601", "已作废", **cells)
    outcome = run_rows(KIND, [row], admin_person)
    if outcome.errors:
        assert not outcome.written and Issue.objects.count() == 0
        return
    issue = get("WT-2025-000601")
    assert issue.status == Status.VOID
    assert history_problems(issue) == []


def test_every_step_of_a_history_is_stamped_in_order(world: World, admin_person: Person, ready: None) -> None:
    rows = round_trip_rows(world)[:-2]
    assert run_rows(KIND, rows, admin_person).errors == []
    for issue in Issue.objects.all():
        moments = list(issue.events.order_by("seq").values_list("at", flat=True))
        assert moments == sorted(moments), issue.number
        assert moments[0] == issue.registered_at
        assert moments[-1] <= timezone.now() + timedelta(minutes=5)


def test_the_times_are_read_as_beijing_time(world: World, admin_person: Person, ready: None) -> None:
    assert run_rows(KIND, [ledger_row(world, "WT-2025-000001")], admin_person).errors == []
    issue = get("WT-2025-000001")
    assert issue.registered_at == timezone.make_aware(datetime(2025, 3, 3, 9, 0))
    assert timezone.localtime(issue.registered_at).date() == date(2025, 3, 3)


class Desk:
    """Issues taken through the workflow by the people whose job each step is."""

    def __init__(self, world: World, handler: Person) -> None:
        self.world = world
        self.dispatcher = make_person("w_dispatcher", [Role.DISPATCHER], region=world.district)
        self.leader = make_person("w_leader", [Role.LEADER], region=world.district)
        self.admin = make_person("w_admin", [Role.ADMIN], region=world.district)
        self.handler = handler
        self.co_handler = make_person(
            "w_co_handler", [Role.HANDLER], department=Department.objects.get(code="chengguan")
        )
        self.by_role = {Role.DISPATCHER: self.dispatcher, Role.LEADER: self.leader, Role.ADMIN: self.admin,
                        Role.HANDLER: self.handler, "co": self.co_handler}  # fmt: skip

    def register(self, title: str, tier: str = Tier.DEADLINE, resolution: str = "") -> Issue:
        return issue_register(
            actor=self.dispatcher, title=title, description=f"{title}，群众反映多次。", source="hotline",
            category=Category.objects.get(code="road"), region=self.world.touge_grid, tier=tier,
            target=self.world.xiasha_firm, raiser_name="李娜", raiser_phone="13912345678", resolution=resolution,
        )  # fmt: skip

    def act(self, issue: Issue, role: str, action: str, **payload: object) -> Issue:
        issue = Issue.objects.get(pk=issue.pk)
        return issue_act(
            issue=issue, action=action, actor=self.by_role[role], version=issue.version, **payload
        )

    def dispatch(self, issue: Issue, co: bool = True) -> Issue:
        co_departments = list(Department.objects.filter(code="chengguan")) if co else []
        return self.act(issue, Role.DISPATCHER, "dispatch", lead_department=self.world.jianshe,
                        co_departments=co_departments, tier=Tier.DEADLINE, workdays=3)  # fmt: skip

    def resolve(self, issue: Issue, result: str) -> Issue:
        for item in issue.checklist.filter(done_at__isnull=True):
            issue = self.act(issue, Role.HANDLER, "check_item", item_id=item.pk)
        return self.act(issue, Role.HANDLER, "resolve", resolution=result)

    def answer(self, issue: Issue, rating: str) -> Issue:
        issue = self.act(issue, Role.DISPATCHER, "feedback", feedback="已电话告知反映人办理结果。")
        return self.act(issue, Role.DISPATCHER, "rate", rating=rating)


def round_trip(person: Person) -> tuple[list[list[str]], list[list[str]], list[object]]:
    """The export, the export after deleting every issue and importing the first, and the problems."""
    before = exported(KIND, person)
    data = export_bytes(KIND, person)
    IssueEvent.objects.all().delete()
    Assignment.objects.all().delete()
    ChecklistItem.objects.all().delete()
    Issue.objects.all().delete()
    outcome = run(KIND, data, person)
    return before, exported(KIND, person), list(outcome.errors)


def test_issues_handled_through_the_workflow_go_out_and_come_back_identical(
    world: World, admin_person: Person, ready: None, handler: Person
) -> None:
    desk = Desk(world, handler)
    reopened = desk.dispatch(desk.register("路灯不亮"))
    reopened = desk.act(reopened, Role.HANDLER, "accept")
    reopened = desk.act(reopened, "co", "accept")
    reopened = desk.answer(desk.resolve(reopened, "已更换灯泡。"), Rating.UNSATISFIED)
    desk.act(
        desk.answer(desk.resolve(reopened, "已更换整套灯具。"), Rating.SATISFIED), Role.DISPATCHER, "close"
    )
    returned = desk.act(
        desk.dispatch(desk.register("井盖缺失")), Role.HANDLER, "return", reason="不属于本部门职责范围。"
    )
    desk.act(returned, Role.ADMIN, "void", reason="已由供水公司处理。")
    desk.act(
        desk.dispatch(desk.register("人行道砖松动")), Role.HANDLER, "return", reason="不属于本部门职责范围。"
    )
    late = desk.act(desk.dispatch(desk.register("路面积水"), co=False), Role.HANDLER, "accept")
    late = desk.act(late, Role.HANDLER, "request_extension", workdays=3, reason="需要协调排水公司。")
    late = desk.act(late, Role.DISPATCHER, "approve_extension", decision_note="同意")
    desk.act(late, Role.LEADER, "supervise", level="key", note="群众反映强烈")
    plan = desk.act(desk.dispatch(desk.register("道路拓宽"), co=False), Role.HANDLER, "accept")
    desk.act(plan, Role.HANDLER, "make_long_term", plan="分两期完成道路拓宽。",
             milestones=[("完成设计", timezone.localdate() + timedelta(days=30))])  # fmt: skip
    desk.answer(desk.register("占道堆物", tier=Tier.DONE, resolution="现场清理完毕。"), Rating.BASIC)
    desk.register("绿化带缺损")
    before, after, errors = round_trip(admin_person)
    assert errors == []
    assert len(before) == 8 and after == before
    for issue in Issue.objects.all():
        assert_sound(issue)


def test_an_issue_done_on_the_spot_and_rated_unsatisfied_goes_out_and_comes_back(
    world: World, admin_person: Person, ready: None, handler: Person
) -> None:
    """The workflow lets a 已经办 issue be rated 不满意 (it reopens, in progress with no department);
    the ledger must then take back what the export writes of it, or the workflow refuse the rating."""
    desk = Desk(world, handler)
    issue = desk.register("占道堆物", tier=Tier.DONE, resolution="现场清理完毕。")
    try:
        desk.answer(issue, Rating.UNSATISFIED)
    except (ValidationError, WorkflowError):
        return  # refused: nothing impossible was recorded
    before, after, errors = round_trip(admin_person)
    assert errors == []
    assert after == before


def test_admins_and_dispatchers_may_import_the_ledger_and_others_may_not(
    world: World, admin_person: Person, xiasha_dispatcher: Person, grid_worker: Person, handler: Person
) -> None:
    from sanfuwu.imports.kinds import KINDS

    kind = KINDS[KIND]
    assert kind.allowed(admin_person) and kind.allowed(xiasha_dispatcher)
    assert not kind.allowed(grid_worker) and not kind.allowed(handler)


def test_a_credit_code_must_belong_to_the_target_named_beside_it(
    world: World, admin_person: Person, ready: None
) -> None:
    row = ledger_row(
        world, "WT-2025-000901", 联系对象="下沙星辰制药有限公司", 统一社会信用代码=world.park_firm.credit_code
    )
    outcome = run_rows(KIND, [row], admin_person)
    assert (
        problems(outcome) == {(2, "统一社会信用代码")}
        and "医药港康瑞生物科技有限公司" in outcome.errors[0].message
    )
    assert not Issue.objects.exists()


def test_a_ledger_reaching_into_a_rolled_up_month_has_the_horse_race_recount_it(
    world: World, admin_person: Person, ready: None, django_capture_on_commit_callbacks
) -> None:
    from datetime import date

    from sanfuwu.scoring.models import League, MonthlyCount, Source
    from sanfuwu.scoring.rollup import rollup_month

    rollup_month(date(2025, 3, 1))  # March is settled: rankings read its roll-up, not the issues
    assert not MonthlyCount.objects.filter(month=date(2025, 3, 1), source=Source.RESOLUTION).exists()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = run_rows(KIND, [ledger_row(world, "WT-2025-000950", "已销号")], admin_person)
    assert outcome.written
    counted = MonthlyCount.objects.get(
        month=date(2025, 3, 1), league=League.TERRITORY, source=Source.RESOLUTION, unit=world.xiasha.pk
    )
    assert (counted.numerator, counted.denominator) == (1, 1)


@pytest.mark.parametrize(
    ("status", "cells", "column"),
    [
        # Struck off, though no department was ever handed it, let alone signed for it.
        (
            "已销号",
            {"主办部门": "", "协办部门": "", "交办时间": "", "办理期限": "", "签收时间": ""},
            "签收时间",
        ),
        # Resolved by nobody: never handed to a department.
        (
            "已办结",
            {"主办部门": "", "协办部门": "", "交办时间": "", "办理期限": "", "签收时间": ""},
            "签收时间",
        ),
        # Returned by a department it was never handed to.
        ("已退回", {"主办部门": "", "协办部门": "", "交办时间": "", "办理期限": ""}, "退回原因"),
    ],
)
def test_the_workflows_rules_refuse_an_impossible_history_even_when_the_row_checks_miss_it(
    world: World, admin_person: Person, ready: None, monkeypatch, status: str, cells: Cells, column: str
) -> None:
    row = ledger_row(world, "WT-2025-000501", status, **cells)
    checked = run_rows(KIND, [row], admin_person)
    assert checked.errors and {e.row for e in checked.errors} == {2}
    # Without the row's own checks, the history is still built step by step through the rules.
    monkeypatch.setattr("sanfuwu.imports.ledger.ledger_problems", lambda entry, now=None: {})
    outcome = run_rows(KIND, [row], admin_person)
    assert problems(outcome) == {(2, column)}, outcome.errors
    assert outcome.errors[0].message.startswith("按办理流程不能发生：")
    assert Issue.objects.count() == 0 and IssueEvent.objects.count() == 0
