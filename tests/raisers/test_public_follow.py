"""With the code the raiser follows the issue in plain words, sees the answer and rates it — the
rating is the return visit (回访); without it nothing is found, and a flood is refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from sanfuwu.issues.models import Issue, IssueEvent, Rating, Status
from sanfuwu.issues.workflow import NotAllowed, issue_act_as_public
from sanfuwu.people.models import Role
from sanfuwu.raisers.limits import WRONG_CODES_PER_HOUR
from sanfuwu.raisers.models import Attempt, Outcome
from sanfuwu.raisers.services import public_channel
from tests.conftest import client_for, make_person
from tests.issues.conftest import Cast, new_issue, payload_for
from tests.raisers.conftest import phone, raise_data


def _raise(cast: Cast, client: Client) -> tuple[Issue, str]:
    response = client.post(reverse("public:raise"), raise_data(cast.category.pk))
    assert response.status_code == 302, response.content.decode()[:500]
    code = re.search(r"/public/t/([A-Z0-9]+)/", response["Location"]).group(1)  # type: ignore[union-attr]
    return Issue.objects.get(pk=Issue.objects.latest("pk").pk), code


def _handle_and_answer(cast: Cast, issue: Issue, answer: str = "已更换路灯灯头，恢复照明。") -> Issue:
    if issue.status == Status.REGISTERED:
        issue = cast.act(issue, "dispatch", Role.DISPATCHER, **payload_for("dispatch", issue, cast))
        issue = cast.act(issue, "accept", Role.HANDLER)
    for item in issue.checklist.filter(done_at__isnull=True):
        issue = cast.act(issue, "check_item", Role.HANDLER, item_id=item.pk)
    issue = cast.act(issue, "resolve", Role.HANDLER, resolution="内部记录：更换灯头，工单 LD-88。")
    return cast.act(issue, "feedback", Role.DISPATCHER, feedback=answer)


def _rate(client: Client, code: str, issue: Issue, rating: str, note: str = ""):
    issue.refresh_from_db()
    data = {"rating": rating, "note": note, "version": issue.version}
    return client.post(reverse("public:rate", args=[code]), data)


def test_it_tells_the_raiser_each_step_in_plain_words(cast: Cast, resident: Client) -> None:
    issue, code = _raise(cast, resident)
    url = reverse("public:status", args=[code])
    assert "已受理，正在确定负责办理的部门" in resident.get(url).content.decode()
    issue = cast.act(issue, "dispatch", Role.DISPATCHER, **payload_for("dispatch", issue, cast))
    assert "已交由建设局办理" in resident.get(url).content.decode()
    issue = cast.act(issue, "accept", Role.HANDLER)
    assert "建设局正在办理" in resident.get(url).content.decode()
    _handle_and_answer(cast, issue)
    page = resident.get(url).content.decode()
    assert "已答复，请您评价办理结果" in page and "已更换路灯灯头，恢复照明。" in page
    assert 'id="rate-form"' in page


def test_the_page_shows_nothing_of_the_raiser_or_the_office(cast: Cast, resident: Client) -> None:
    issue, code = _raise(cast, resident)
    issue = _handle_and_answer(cast, issue)
    cast.act(issue, "instruct", Role.LEADER, text="请建设局举一反三，排查全线路灯。")
    page = Client().get(reverse("public:status", args=[code])).content.decode()
    for private in ("李女士", "13900001111", "内部记录", "i_handler", "举一反三", "督办"):
        assert private not in page, private


def test_a_wrong_code_finds_nothing_and_says_so_at_the_field(cast: Cast, resident: Client) -> None:
    _raise(cast, resident)
    stranger = phone("10.0.0.99")
    response = stranger.get(reverse("public:track"), {"code": "ABCDE-FGHJK"})
    assert response.status_code == 404
    assert "没有找到这个查询码" in response.content.decode()
    assert stranger.get(reverse("public:status", args=["ABCDEFGHJK"])).status_code == 404
    short = stranger.get(reverse("public:track"), {"code": "12"})
    assert short.status_code == 400 and "查询码是 10 位字母和数字" in short.content.decode()


def test_a_code_typed_with_spaces_and_small_letters_still_finds_it(cast: Cast, resident: Client) -> None:
    _issue, code = _raise(cast, resident)
    typed = f" {code[:5].lower()} - {code[5:]} "
    response = resident.get(reverse("public:track"), {"code": typed})
    assert response.status_code == 302 and response["Location"] == reverse("public:status", args=[code])


def test_guessing_codes_is_stopped_after_twenty_wrong_ones(cast: Cast) -> None:
    guesser = phone("10.0.0.66")
    for n in range(WRONG_CODES_PER_HOUR):
        assert guesser.get(reverse("public:track"), {"code": f"ABCDEFGH{n:02d}"}).status_code in (404, 400)
    response = guesser.get(reverse("public:track"), {"code": "ABCDEFGHJK"})
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()


def test_unsatisfied_reopens_the_issue_and_satisfied_after_the_second_answer_closes_the_loop(
    cast: Cast, resident: Client
) -> None:
    issue, code = _raise(cast, resident)
    issue = _handle_and_answer(cast, issue)
    no_reason = _rate(resident, code, issue, Rating.UNSATISFIED)
    assert no_reason.status_code == 400 and "请写明不满意的原因" in no_reason.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == Status.RESOLVED
    assert _rate(resident, code, issue, Rating.UNSATISFIED, "路灯还是不亮").status_code == 302
    issue.refresh_from_db()
    assert (issue.status, issue.reopen_count, issue.rating) == (Status.IN_PROGRESS, 1, Rating.UNSATISFIED)
    rate = IssueEvent.objects.filter(issue=issue, action="rate").get()
    assert rate.actor == public_channel()
    assert "重新办理" in resident.get(reverse("public:status", args=[code])).content.decode()
    issue = _handle_and_answer(cast, issue, answer="已更换整套灯具并测试，夜间照明正常。")
    assert _rate(resident, code, issue, Rating.SATISFIED).status_code == 302
    issue.refresh_from_db()
    assert (issue.status, issue.rating) == (Status.RESOLVED, Rating.SATISFIED)
    cast.act(issue, "close", Role.DISPATCHER)
    page = resident.get(reverse("public:status", args=[code])).content.decode()
    assert "已办结" in page and 'id="rate-form"' not in page


def test_it_refuses_a_rating_before_the_answer_and_changes_nothing(cast: Cast, resident: Client) -> None:
    issue, code = _raise(cast, resident)
    response = _rate(resident, code, issue, Rating.SATISFIED)
    assert response.status_code == 409
    assert "不能回访" in response.content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.rating) == (Status.REGISTERED, "")


def test_a_rating_on_a_page_left_open_while_the_issue_moved_is_refused(cast: Cast, resident: Client) -> None:
    issue, code = _raise(cast, resident)
    issue = _handle_and_answer(cast, issue)
    stale = issue.version
    cast.act(issue, "instruct", Role.LEADER, text="请注意回访质量。")
    response = resident.post(reverse("public:rate", args=[code]), {"rating": "satisfied", "version": stale})
    assert response.status_code == 409 and "办理情况刚刚有了变化" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).rating == ""


def test_the_channel_rates_only_what_it_raised(cast: Cast) -> None:
    issue = _handle_and_answer(cast, new_issue(cast))
    with pytest.raises(NotAllowed):
        issue_act_as_public(issue=issue, action="rate", channel=public_channel(), version=issue.version,
                            rating="satisfied")  # fmt: skip
    fresh = Issue.objects.get(pk=issue.pk)
    assert (fresh.rating, fresh.version) == ("", issue.version), "a refused step changes nothing"


def test_a_flood_is_refused_past_the_limit_writes_nothing_and_staff_see_it(cast: Cast) -> None:
    for _ in range(5):  # five phones behind one address: the address's hourly limit
        _raise(cast, phone("10.0.0.7"))
    flood = phone("10.0.0.7")
    for _ in range(3):
        response = flood.post(reverse("public:raise"), raise_data(cast.category.pk))
        assert response.status_code == 429
        assert "提交过于频繁，请稍后再试" in response.content.decode()
    assert Issue.objects.count() == 5
    assert Attempt.objects.filter(outcome=Outcome.TOO_MANY, address="10.0.0.7").count() == 3
    dispatcher = cast.people[Role.DISPATCHER]
    page = client_for(dispatcher).get(reverse("public:refusals")).content.decode()
    assert 'data-address="10.0.0.7"' in page and "过于频繁" in page
    assert "近 7 天拒绝 3 次" in page


def test_one_phone_is_limited_even_across_addresses(cast: Cast) -> None:
    client = phone("10.0.1.1")
    for n in range(3):
        client.defaults["REMOTE_ADDR"] = f"10.0.1.{n + 1}"
        assert client.post(reverse("public:raise"), raise_data(cast.category.pk)).status_code == 302
    client.defaults["REMOTE_ADDR"] = "10.0.1.9"
    assert client.post(reverse("public:raise"), raise_data(cast.category.pk)).status_code == 429
    assert Issue.objects.count() == 3


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.DISPATCHER, 200), (Role.ADMIN, 200), (Role.LEADER, 403), (Role.HANDLER, 403), (Role.VISITOR, 403),
     (Role.SUPERVISOR, 403), (Role.EVALUATOR, 403), (Role.HEAD, 403)],
)  # fmt: skip
def test_only_dispatchers_and_admins_see_the_refusals(cast: Cast, role: str, expected: int) -> None:
    person = make_person(f"r_{role}", [role], region=cast.world.baiyang)
    assert client_for(person).get(reverse("public:refusals")).status_code == expected


def test_strangers_reach_the_public_pages_but_not_the_refusals(cast: Cast) -> None:
    stranger = Client()
    assert stranger.get(reverse("public:raise")).status_code == 200
    assert stranger.get(reverse("public:track")).status_code == 200
    refused = stranger.get(reverse("public:refusals"))
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("login"))


def test_once_content_the_raiser_cannot_take_it_back(cast: Cast, resident: Client) -> None:
    issue, code = _raise(cast, resident)
    issue = _handle_and_answer(cast, issue)
    assert _rate(resident, code, issue, Rating.SATISFIED).status_code == 302
    refused = _rate(resident, code, issue, Rating.UNSATISFIED, "又不满意了")
    assert refused.status_code == 409 and "不能重复评价" in refused.content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.rating) == (Status.RESOLVED, Rating.SATISFIED)
