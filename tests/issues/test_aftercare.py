"""办结后续: the dispatcher's queue of resolved issues waiting for 答复, 回访 and 销号 — who may use
it, what each tab holds and in what order, batches in which one row is refused, the return visit
inline, and the one-step close of an 已经办 case whose raiser was told on the spot."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sanfuwu.issues.aftercare import aftercare_queues, answer_fill
from sanfuwu.issues.models import Issue, IssueEvent, Status, Tier
from sanfuwu.issues.replay import issue_replay, issue_state
from sanfuwu.issues.services import issue_register
from sanfuwu.orgs.models import Category
from sanfuwu.people.models import Person, Role
from sanfuwu.visits.services import Problem, visit_record
from tests.conftest import client_for, make_person
from tests.issues.conftest import Cast, new_issue

HX = {"HX-Request": "true"}


@pytest.fixture
def street_dispatcher(cast: Cast) -> Person:
    """The dispatcher of 下沙街道, where the cast's issues are raised."""
    return make_person("ac_xs_dispatcher", [Role.DISPATCHER], region=cast.world.xiasha)


@pytest.fixture
def other_dispatcher(cast: Cast) -> Person:
    return make_person("ac_by_dispatcher", [Role.DISPATCHER], region=cast.world.baiyang)


def resolved(cast: Cast, *, days_ago: int = 0, check: bool = True, title: str = "") -> Issue:
    """Handled and resolved by 建设局, waiting for its answer; resolved `days_ago`."""
    issue = new_issue(cast)
    if title:
        Issue.objects.filter(pk=issue.pk).update(title=title)
    issue = cast.act(issue, "dispatch", Role.DISPATCHER, lead_department=cast.world.jianshe,
                     tier=Tier.DEADLINE, workdays=3)  # fmt: skip
    issue = cast.act(issue, "accept", Role.HANDLER)
    if check:
        for item in issue.checklist.all():
            issue = cast.act(issue, "check_item", Role.HANDLER, item_id=item.pk)
    issue = cast.act(issue, "resolve", Role.HANDLER, resolution="已修复破损路面并恢复通行。")
    Issue.objects.filter(pk=issue.pk).update(resolved_at=timezone.now() - timedelta(days=days_ago))
    return Issue.objects.get(pk=issue.pk)


def answered(cast: Cast, issue: Issue) -> Issue:
    return cast.act(issue, "feedback", Role.DISPATCHER, feedback="已电话告知反映人办理结果。")


def rated(cast: Cast, issue: Issue) -> Issue:
    return cast.act(answered(cast, issue), "rate", Role.DISPATCHER, rating="satisfied")


def on_the_spot(cast: Cast, *, category: Category | None = None) -> Issue:
    return issue_register(
        actor=cast.people[Role.VISITOR], title="企业门口井盖松动", description="企业门口井盖松动，车辆经过有响声。",
        source="visit", category=category or cast.category, region=cast.world.touge_grid, tier=Tier.DONE,
        resolution="网格员联系物业当场加固井盖",
    )  # fmt: skip


def actions_of(issue: Issue) -> list[str]:
    return list(IssueEvent.objects.filter(issue=issue).order_by("seq").values_list("action", flat=True))


def row_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="aftercare-row-(\d+)"', html)]


def tab_counts(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-count="(\w+)">([^<]+)<', html))


@pytest.fixture
def no_checklist(cast: Cast) -> Category:
    """A category without the 五个一, so that nothing but the answer and the visit stands before 销号."""
    return Category.objects.create(code="misc", name="其他事项", default_department=cast.world.jianshe)


# --- Who may open the queue and act on it -----------------------------------------------------


def test_only_those_who_answer_and_close_may_open_the_queue(cast: Cast):
    # The administrator passes every page's role check, as with the triage queue.
    for role, person in cast.people.items():
        status = client_for(person).get(reverse("issues:aftercare")).status_code
        assert (status == 200) == (role in (Role.DISPATCHER, Role.ADMIN)), (role, status)


@pytest.mark.parametrize("role", [Role.HANDLER, Role.VISITOR, Role.LEADER])
def test_others_may_not_act_through_it(cast: Cast, role):
    issue = rated(cast, resolved(cast))
    client = client_for(cast.people[role])
    posts = [
        (reverse("issues:aftercare_close"), {"issue": issue.pk, f"v_{issue.pk}": issue.version}),
        (reverse("issues:aftercare_rate", args=[issue.pk]), {"version": issue.version, "rating": "satisfied"}),
        (reverse("issues:aftercare_answer"), {"answer_issue": issue.pk, f"answer_v_{issue.pk}": issue.version,
                                              f"answer_{issue.pk}": "答复"}),
    ]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data, headers=HX).status_code == 403
    assert Issue.objects.get(pk=issue.pk).status == Status.RESOLVED and actions_of(issue)[-1] == "rate"


def test_a_dispatcher_sees_and_closes_only_their_territorys_issues(
    cast: Cast, street_dispatcher, other_dispatcher
):
    issue = rated(cast, resolved(cast))
    html = client_for(other_dispatcher).get(reverse("issues:aftercare"), {"tab": "close"}).content.decode()
    assert row_ids(html) == [] and tab_counts(html) == {"answer": "0", "visit": "0", "close": "0"}
    client = client_for(other_dispatcher)
    url = reverse("issues:aftercare_rate", args=[issue.pk])
    assert client.post(url, {"version": issue.version, "rating": "satisfied"}, headers=HX).status_code == 404
    response = client.post(reverse("issues:aftercare_close"), {"issue": issue.pk, f"v_{issue.pk}": issue.version},
                           headers=HX)  # fmt: skip
    assert "没有找到该问题" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == Status.RESOLVED

    html = client_for(street_dispatcher).get(reverse("issues:aftercare"), {"tab": "close"}).content.decode()
    assert row_ids(html) == [issue.pk]
    client_for(street_dispatcher).post(reverse("issues:aftercare_close"),
                                       {"issue": issue.pk, f"v_{issue.pk}": issue.version}, headers=HX)  # fmt: skip
    assert Issue.objects.get(pk=issue.pk).status == Status.CLOSED


# --- Tabs, counts, order ----------------------------------------------------------------------


def test_each_tab_holds_what_waits_for_its_step_oldest_first(cast: Cast, street_dispatcher):
    newer, older = resolved(cast, days_ago=1), resolved(cast, days_ago=5)
    to_visit = answered(cast, resolved(cast, days_ago=3))
    to_close = rated(cast, resolved(cast, days_ago=2))
    reopened = cast.act(answered(cast, resolved(cast)), "rate", Role.DISPATCHER, rating="unsatisfied")
    closed = cast.act(rated(cast, resolved(cast)), "close", Role.DISPATCHER)
    client = client_for(street_dispatcher)
    pages = {tab: client.get(reverse("issues:aftercare"), {"tab": tab}).content.decode()
             for tab in ("answer", "visit", "close")}  # fmt: skip
    assert row_ids(pages["answer"]) == [older.pk, newer.pk]
    assert row_ids(pages["visit"]) == [to_visit.pk]
    assert row_ids(pages["close"]) == [to_close.pk]
    assert tab_counts(pages["answer"]) == {"answer": "2", "visit": "1", "close": "1"}
    assert reopened.pk not in row_ids("".join(pages.values())) and closed.pk not in row_ids(
        "".join(pages.values())
    )
    assert "办结后已等待 5" in pages["answer"]


def test_a_reopened_issue_resolved_again_needs_a_new_return_visit(cast: Cast, street_dispatcher):
    issue = cast.act(answered(cast, resolved(cast)), "rate", Role.DISPATCHER, rating="unsatisfied")
    issue = cast.act(issue, "resolve", Role.HANDLER, resolution="再次修复，已验收。")
    issue = answered(cast, issue)
    assert [i.pk for i in aftercare_queues(street_dispatcher)["visit"]] == [issue.pk]


def test_the_menu_shows_how_many_wait_to_the_dispatcher_only(cast: Cast, street_dispatcher):
    resolved(cast), answered(cast, resolved(cast))
    html = client_for(street_dispatcher).get(reverse("issues:list")).content.decode()
    assert re.search(r'data-nav-count="issues:aftercare">2<', html)
    html = client_for(cast.people[Role.HANDLER]).get(reverse("issues:list")).content.decode()
    assert "issues:aftercare" not in html and reverse("issues:aftercare") not in html


def test_the_queue_pages_like_the_other_lists(cast: Cast, street_dispatcher, settings):
    settings.SANFUWU_PAGE_SIZE = 2
    issues = [resolved(cast, days_ago=9 - i) for i in range(3)]
    client = client_for(street_dispatcher)
    first = client.get(reverse("issues:aftercare"), {"tab": "answer"}).content.decode()
    second = client.get(reverse("issues:aftercare"), {"tab": "answer", "page": "2"}).content.decode()
    assert row_ids(first) == [issues[0].pk, issues[1].pk] and row_ids(second) == [issues[2].pk]
    assert "?tab=answer&page=2" in first


# --- Batch answer from a template --------------------------------------------------------------


def test_the_preview_fills_each_rows_placeholders(cast: Cast, street_dispatcher):
    issue = resolved(cast, title="头格社区路面塌陷")
    text = "您反映的“{标题}”问题，已由{承办部门}办理：{办理结果}。感谢您对我们工作的支持！"
    assert (
        answer_fill(text, issue)
        == "您反映的“头格社区路面塌陷”问题，已由建设局办理：已修复破损路面并恢复通行。感谢您对我们工作的支持！"
    )
    response = client_for(street_dispatcher).post(
        reverse("issues:aftercare_preview"),
        {"template": "standard", "text": text, "issue": [issue.pk], f"v_{issue.pk}": issue.version}, headers=HX,
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and f'name="answer_{issue.pk}"' in html
    assert "已由建设局办理：已修复破损路面并恢复通行。感谢" in html
    assert not IssueEvent.objects.filter(issue=issue, action="feedback").exists()  # a preview writes nothing


@pytest.mark.parametrize(
    ("data", "field"),
    [({"text": "您好"}, "__all__"), ({"text": "", "issue": "X"}, "text")],
)
def test_a_preview_without_rows_or_text_is_refused_at_its_field(cast: Cast, street_dispatcher, data, field):
    issue = resolved(cast)
    data = {k: (issue.pk if v == "X" else v) for k, v in data.items()}
    response = client_for(street_dispatcher).post(reverse("issues:aftercare_preview"), data, headers=HX)
    assert response.status_code == 400 and f'data-field-error="{field}"' in response.content.decode()


def test_a_batch_answer_takes_each_row_on_its_own_and_says_what_became_of_it(cast: Cast, street_dispatcher):
    good, emptied, stale = resolved(cast, days_ago=3), resolved(cast, days_ago=2), resolved(cast, days_ago=1)
    # Someone answers `stale` after the dispatcher read the queue.
    stale_version = stale.version
    answered(cast, stale)
    data = {"answer_issue": [good.pk, emptied.pk, stale.pk],
            f"answer_v_{good.pk}": good.version, f"answer_{good.pk}": "您反映的问题已由建设局办理完毕。",
            f"answer_v_{emptied.pk}": emptied.version, f"answer_{emptied.pk}": " ",
            f"answer_v_{stale.pk}": stale_version, f"answer_{stale.pk}": "您反映的问题已办理。"}  # fmt: skip
    response = client_for(street_dispatcher).post(reverse("issues:aftercare_answer"), data, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert Issue.objects.get(pk=good.pk).feedback == "您反映的问题已由建设局办理完毕。"
    fresh = Issue.objects.get(pk=emptied.pk)
    assert (fresh.feedback, fresh.version) == ("", emptied.version) and "请填写答复反映人的内容" in html
    assert Issue.objects.get(pk=stale.pk).feedback == "已电话告知反映人办理结果。"
    assert "i_dispatcher 已于" in html and "答复" in html  # who acted first, and what they did
    outcomes = dict(re.findall(r'aftercare-outcome[^"]*" data-issue="(\d+)" data-done="(\d)"', html))
    assert outcomes == {str(good.pk): "1", str(emptied.pk): "0", str(stale.pk): "0"}
    assert row_ids(html) == [emptied.pk]  # the rows still waiting, counted again
    assert tab_counts(html)["visit"] == "2"


# --- Batch close-out ---------------------------------------------------------------------------


def test_a_batch_close_closes_what_may_close_and_says_why_not_for_the_rest(cast: Cast, street_dispatcher):
    ready = rated(cast, resolved(cast, days_ago=2))
    unchecked = rated(cast, resolved(cast, days_ago=1, check=False))
    before = (unchecked.version, IssueEvent.objects.filter(issue=unchecked).count())
    client = client_for(street_dispatcher)
    page = client.get(reverse("issues:aftercare"), {"tab": "close"}).content.decode()
    assert "清单事项未完成：走访、回访" in page  # said before anyone tries
    data = {
        "issue": [ready.pk, unchecked.pk],
        f"v_{ready.pk}": ready.version,
        f"v_{unchecked.pk}": unchecked.version,
    }
    response = client.post(reverse("issues:aftercare_close"), data, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert Issue.objects.get(pk=ready.pk).status == Status.CLOSED and actions_of(ready)[-1] == "close"
    fresh = Issue.objects.get(pk=unchecked.pk)
    assert fresh.status == Status.RESOLVED and fresh.closed_at is None
    assert (fresh.version, IssueEvent.objects.filter(issue=unchecked).count()) == before
    assert "还不能销号" in html and "清单事项（走访、回访）" in html
    # The menu's count is redrawn with the list: one issue still waits.
    assert re.search(r'id="nav-count-issues-aftercare"[^>]*hx-swap-oob="true">1<', html)


def test_closing_nothing_is_refused_at_the_form(cast: Cast, street_dispatcher):
    response = client_for(street_dispatcher).post(reverse("issues:aftercare_close"), {}, headers=HX)
    assert response.status_code == 400 and 'data-field-error="issue"' in response.content.decode()


# --- Return visit inline -----------------------------------------------------------------------


def test_a_good_return_visit_moves_the_row_on_to_close_out(cast: Cast, street_dispatcher):
    issue = answered(cast, resolved(cast))
    response = client_for(street_dispatcher).post(
        reverse("issues:aftercare_rate", args=[issue.pk]),
        {"version": issue.version, "rating": "basic", "note": "企业负责人表示基本满意"}, headers=HX,
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "转入待销号" in html
    assert tab_counts(html) == {"answer": "0", "visit": "0", "close": "1"} and 'hx-swap-oob="true"' in html
    event = IssueEvent.objects.filter(issue=issue).latest("seq")
    assert (event.action, event.note) == ("rate", "基本满意：企业负责人表示基本满意。")


def test_an_unsatisfied_return_visit_sends_it_back_for_handling_again(cast: Cast, street_dispatcher):
    issue = answered(cast, resolved(cast))
    response = client_for(street_dispatcher).post(
        reverse("issues:aftercare_rate", args=[issue.pk]), {"version": issue.version, "rating": "unsatisfied"},
        headers=HX,
    )  # fmt: skip
    assert response.status_code == 200 and "退回建设局重办" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == Status.IN_PROGRESS


def test_a_return_visit_without_a_rating_is_refused_at_the_rating(cast: Cast, street_dispatcher):
    issue = answered(cast, resolved(cast))
    response = client_for(street_dispatcher).post(
        reverse("issues:aftercare_rate", args=[issue.pk]), {"version": issue.version}, headers=HX
    )
    assert response.status_code == 400 and 'data-field-error="rating"' in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).version == issue.version


def test_a_return_visit_on_a_row_changed_meanwhile_is_a_conflict_saying_what_changed(
    cast: Cast, street_dispatcher
):
    issue = answered(cast, resolved(cast))
    cast.act(issue, "rate", Role.DISPATCHER, rating="satisfied")
    response = client_for(street_dispatcher).post(
        reverse("issues:aftercare_rate", args=[issue.pk]), {"version": issue.version, "rating": "basic"},
        headers=HX,
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 409 and "i_dispatcher 已于" in html and "回访" in html
    assert Issue.objects.get(pk=issue.pk).rating == "satisfied"


# --- 已经办, told on the spot: closed in one step ----------------------------------------------


def test_the_queue_closes_a_told_on_the_spot_case_in_one_step(cast: Cast, street_dispatcher, no_checklist):
    issue = on_the_spot(cast, category=no_checklist)
    client = client_for(street_dispatcher)
    page = client.get(reverse("issues:aftercare"), {"tab": "answer"}).content.decode()
    assert "当场已告知，直接销号" in page and row_ids(page) == [issue.pk]
    response = client.post(reverse("issues:aftercare_spot", args=[issue.pk]),
                           {"version": issue.version, "rating": "satisfied"}, headers=HX)  # fmt: skip
    assert response.status_code == 200 and "已答复、回访（满意）并销号" in response.content.decode()
    events = list(IssueEvent.objects.filter(issue=issue).order_by("seq"))
    assert [(e.action, e.to_status, e.actor) for e in events] == [
        ("register", Status.RESOLVED, cast.people[Role.VISITOR]),
        ("feedback", Status.RESOLVED, street_dispatcher),
        ("rate", Status.RESOLVED, street_dispatcher),
        ("close", Status.CLOSED, street_dispatcher),
    ]
    assert [e.seq for e in events] == [1, 2, 3, 4]


def test_the_one_step_close_writes_nothing_when_its_last_step_is_refused(cast: Cast, street_dispatcher):
    issue = on_the_spot(cast)  # the 五个一 still open: 销号 is refused, so answer and rating are undone too
    page = client_for(street_dispatcher).get(reverse("issues:aftercare")).content.decode()
    assert "清单事项未完成：走访、回访" in page
    response = client_for(street_dispatcher).post(
        reverse("issues:aftercare_spot", args=[issue.pk]), {"version": issue.version, "rating": "satisfied"},
        headers=HX,
    )  # fmt: skip
    assert response.status_code == 400 and "还不能销号" in response.content.decode()
    assert actions_of(issue) == ["register"] and Issue.objects.get(pk=issue.pk).feedback == ""


def test_the_one_step_close_is_only_for_cases_solved_on_the_spot(cast: Cast, street_dispatcher):
    issue = resolved(cast)
    response = client_for(street_dispatcher).post(
        reverse("issues:aftercare_spot", args=[issue.pk]), {"version": issue.version, "rating": "satisfied"},
        headers=HX,
    )  # fmt: skip
    assert response.status_code == 400 and "只有已经办" in response.content.decode()
    assert actions_of(issue)[-1] == "resolve"


def registration(cast: Cast, category: Category, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "企业门口井盖松动", "description": "企业门口井盖松动，车辆经过有响声。", "source": "visit",
        "category": category.pk, "tier": "done", "target": cast.world.xiasha_firm.pk,
        "resolution": "网格员联系物业当场加固井盖", "told_on_spot": "on", "spot_rating": "satisfied",
    }  # fmt: skip
    data.update(changes)
    return data


def test_a_grid_worker_registers_a_told_on_the_spot_case_closed(cast: Cast, no_checklist):
    visitor = cast.people[Role.VISITOR]
    response = client_for(visitor).post(reverse("issues:new"), registration(cast, no_checklist))
    issue = Issue.objects.get(title="企业门口井盖松动")
    assert response.status_code == 302 and issue.status == Status.CLOSED and issue.rating == "satisfied"
    events = list(IssueEvent.objects.filter(issue=issue).order_by("seq"))
    assert [(e.seq, e.action, e.from_status, e.to_status, e.actor) for e in events] == [
        (1, "register", "", Status.RESOLVED, visitor),
        (2, "feedback", Status.RESOLVED, Status.RESOLVED, visitor),
        (3, "rate", Status.RESOLVED, Status.RESOLVED, visitor),
        (4, "close", Status.RESOLVED, Status.CLOSED, visitor),
    ]
    assert "已当场向反映人告知办理结果：网格员联系物业当场加固井盖" in events[1].note
    assert issue_replay(events) == issue_state(issue)  # the history alone tells the issue's state


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"spot_rating": ""}, "spot_rating"), ({"tier": "deadline"}, "told_on_spot"),
     ({"spot_rating": "unsatisfied"}, "spot_rating")],
)  # fmt: skip
def test_a_told_on_the_spot_registration_needs_a_case_solved_there_and_a_good_rating(
    cast: Cast, no_checklist, changes, field
):
    response = client_for(cast.people[Role.VISITOR]).post(
        reverse("issues:new"), registration(cast, no_checklist, **changes)
    )
    assert response.status_code == 200 and f'data-field-error="{field}"' in response.content.decode()
    assert not Issue.objects.exists()


def test_a_told_on_the_spot_registration_that_cannot_close_registers_nothing(cast: Cast):
    response = client_for(cast.people[Role.VISITOR]).post(
        reverse("issues:new"), registration(cast, cast.category)
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-field-error="told_on_spot"' in html and "清单事项" in html
    assert not Issue.objects.exists() and not IssueEvent.objects.exists()


def test_a_visits_problem_row_told_on_the_spot_is_closed_with_the_visit(cast: Cast, no_checklist):
    visitor = cast.people[Role.VISITOR]
    problem = Problem(description="企业门口井盖松动，车辆经过有响声。", category=no_checklist, tier=Tier.DONE,
                      resolution="当场加固井盖", told_on_spot=True, spot_rating="basic")  # fmt: skip
    _visit, issues = visit_record(actor=visitor, visited_at=timezone.now(), targets=[cast.world.xiasha_firm],
                                  notes="走访企业了解生产经营情况。", problems=[problem])  # fmt: skip
    assert issues[0].status == Status.CLOSED and actions_of(issues[0]) == [
        "register",
        "feedback",
        "rate",
        "close",
    ]


def test_a_grid_worker_may_not_answer_a_case_someone_else_solved_on_the_spot(cast: Cast, no_checklist):
    from sanfuwu.issues.workflow import NotAllowed, issue_act

    issue = on_the_spot(cast, category=no_checklist)
    colleague = make_person("ac_colleague", [Role.VISITOR], region=cast.world.touge_grid)
    with pytest.raises(NotAllowed):
        issue_act(issue=issue, action="feedback", actor=colleague, version=issue.version, feedback="已告知。")
    assert actions_of(issue) == ["register"]


def test_a_raiser_calling_back_is_found_by_number_or_title(cast: Cast, street_dispatcher):
    road, lamp, other = (resolved(cast, title=t) for t in ("路面塌陷", "路灯不亮", "井盖松动"))
    client = client_for(street_dispatcher)
    html = client.get(reverse("issues:aftercare"), {"tab": "answer", "q": "路灯"}).content.decode()
    assert row_ids(html) == [lamp.pk] and tab_counts(html)["answer"] == "3"
    both = client.get(reverse("issues:aftercare"), {"tab": "answer", "q": f"{road.number}，{other.number}"})
    assert sorted(row_ids(both.content.decode())) == sorted([road.pk, other.pk])


def test_a_visits_problem_row_told_on_the_spot_needs_the_raisers_rating(cast: Cast, no_checklist):
    from sanfuwu.visits.forms import ProblemForm

    data = {"description": "企业门口井盖松动，车辆经过有响声。", "category": no_checklist.pk, "solved": "on",
            "resolution": "当场加固井盖", "told_on_spot": "on"}  # fmt: skip
    form = ProblemForm(data)
    assert not form.is_valid() and "spot_rating" in form.errors
    form = ProblemForm({**data, "spot_rating": "satisfied"})
    assert form.is_valid() and form.problem().told_on_spot and form.problem().spot_rating == "satisfied"
