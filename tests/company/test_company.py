"""服务企业: an enterprise account sees its own issues, visits and policies, raises problems that land
in triage linked to it, rates the answers to what it raised — and nothing of any other enterprise,
nor anything internal; staff open accounts directly or by an invitation link used once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanfuwu.issues.models import Issue, Source, Status
from sanfuwu.issues.selectors import issue_triage_queue
from sanfuwu.issues.services import issue_register
from sanfuwu.people.models import Person, Role
from sanfuwu.targets.accounts import account_create, invite_create
from sanfuwu.targets.models import EnterpriseAccount, EnterpriseInvite
from sanfuwu.tokens.models import TokenScope
from sanfuwu.tokens.services import token_create
from sanfuwu.visits.models import Visit, VisitTarget
from tests.conftest import client_for
from tests.issues.conftest import Cast, new_issue, payload_for

STRONG = "Xingchen#2026"


@pytest.fixture
def firm(cast: Cast) -> EnterpriseAccount:
    return account_create(target=cast.world.xiasha_firm, username="xc_contact", name="星辰刘经理", phone="13900002222",
                          password=STRONG, actor=cast.people[Role.DISPATCHER])  # fmt: skip


def visited_issue(cast: Cast, title: str = "厂区门口道路破损") -> Issue:
    """A problem the enterprise raised to the grid worker visiting it."""
    visitor = cast.people[Role.VISITOR]
    visit = Visit.objects.create(number=f"ZF-C-{Visit.objects.count()}", visited_at=timezone.now(),
                                 region=cast.world.touge_grid, notes="走访星辰制药。", recorded_by=visitor)  # fmt: skip
    VisitTarget.objects.create(visit=visit, target=cast.world.xiasha_firm, visited_on=timezone.localdate())
    return issue_register(actor=visitor, title=title, description=f"{title}，货车进出困难。", source="visit",
                          category=cast.category, region=cast.world.touge_grid, target=cast.world.xiasha_firm,
                          visit=visit, raiser_name="刘经理", raiser_phone="13900002222")  # fmt: skip


def signed_in(account: EnterpriseAccount) -> Client:
    client = Client()
    assert client.login(username=account.person.username, password=STRONG)
    return client


def answered(cast: Cast, issue: Issue) -> Issue:
    issue = cast.act(issue, "dispatch", Role.DISPATCHER, **payload_for("dispatch", issue, cast))
    issue = cast.act(issue, "accept", Role.HANDLER)
    for item in issue.checklist.all():
        issue = cast.act(issue, "check_item", Role.HANDLER, item_id=item.pk)
    issue = cast.act(issue, "resolve", Role.HANDLER, resolution="内部：工单 LD-9，王科长现场。")
    return cast.act(issue, "feedback", Role.DISPATCHER, feedback="已协调供电公司完成线路迁改。")


def test_it_shows_the_enterprise_its_own_issues_and_not_anothers(cast: Cast, firm: EnterpriseAccount) -> None:
    own = visited_issue(cast)
    other = Issue.objects.create(
        number="WT-X-1", title="白杨云帆的问题", description="别家企业的事。", source="visit", category=cast.category,
        region=cast.world.baiyang_grid, target=cast.world.baiyang_firm, tier="deadline",
    )  # fmt: skip
    client = signed_in(firm)
    home = client.get(reverse("company:home")).content.decode()
    assert own.number in home and other.number not in home and "已受理，正在确定负责办理的部门" in home
    assert client.get(reverse("company:issue", args=[own.pk])).status_code == 200
    assert client.get(reverse("company:issue", args=[other.pk])).status_code == 404
    assert client.get(reverse("company:issue", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/issues/", "/issues/triage/", "/targets/", "/race/ranking/", "/race/dashboard/", "/visits/", "/inbox/",
     "/tokens/", "/admin/", "/public/refusals/", "/people/", "/imports/"],
)  # fmt: skip
def test_an_enterprise_account_reaches_nothing_internal(
    cast: Cast, firm: EnterpriseAccount, url: str
) -> None:
    assert signed_in(firm).get(url).status_code == 404


def test_an_enterprise_account_starts_on_its_own_page_and_cannot_open_staff_issue_pages(
    cast: Cast, firm: EnterpriseAccount
) -> None:
    client = signed_in(firm)
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == reverse("company:home")
    own = new_issue(cast)
    assert client.get(reverse("issues:detail", args=[own.pk])).status_code == 404, (
        "its own issue too, on staff pages"
    )


def test_an_enterprise_account_gets_no_api(cast: Cast, firm: EnterpriseAccount) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        token_create(person=firm.person, name="x", scope=TokenScope.READ, days=1)
    from sanfuwu.tokens.models import ApiToken
    from sanfuwu.tokens.services import PREFIX, token_hash

    raw = PREFIX + "made-behind-the-pages-back"
    ApiToken.objects.create(person=firm.person, name="x", scope="read", prefix=raw[:12], key_hash=token_hash(raw),
                            expires_at=timezone.now() + timedelta(days=1))  # fmt: skip
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/issues").status_code == 401


def test_staff_find_nothing_on_the_enterprise_pages(cast: Cast) -> None:
    assert client_for(cast.people[Role.DISPATCHER]).get(reverse("company:home")).status_code == 404
    stranger = Client().get(reverse("company:home"))
    assert stranger.status_code == 302 and "/login/" in stranger["Location"]


def test_it_raises_a_problem_that_lands_in_triage_linked_to_the_enterprise(
    cast: Cast, firm: EnterpriseAccount
) -> None:
    client = signed_in(firm)
    response = client.post(reverse("company:raise"), {"category": cast.category.pk,
                                                      "description": "厂区门口道路破损，货车进出困难，请尽快修复。"})  # fmt: skip
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert (issue.target, issue.region, issue.source) == (
        cast.world.xiasha_firm,
        cast.world.touge_grid,
        Source.PORTAL,
    )
    assert (issue.registered_by, issue.raiser_name, issue.raiser_phone) == (
        firm.person,
        "星辰刘经理",
        "13900002222",
    )
    assert issue in issue_triage_queue(cast.people[Role.DISPATCHER])
    bad = client.post(reverse("company:raise"), {"category": "", "description": "太短"})
    assert bad.status_code == 400 and "请选择问题类别。" in bad.content.decode()
    assert Issue.objects.count() == 1


def test_it_rates_the_answer_to_what_it_raised_and_unsatisfied_reopens(
    cast: Cast, firm: EnterpriseAccount
) -> None:
    client = signed_in(firm)
    client.post(
        reverse("company:raise"),
        {"category": cast.category.pk, "description": "厂区门口道路破损，请尽快修复。"},
    )
    issue = answered(cast, Issue.objects.get())
    page = client.get(reverse("company:issue", args=[issue.pk])).content.decode()
    assert "已协调供电公司完成线路迁改。" in page and 'id="rate-form"' in page
    assert "内部" not in page and "王科长" not in page, "the handler's own record stays inside"
    response = client.post(reverse("company:rate", args=[issue.pk]),
                           {"rating": "unsatisfied", "note": "还没修好", "version": issue.version})  # fmt: skip
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.status, issue.reopen_count) == (Status.IN_PROGRESS, 1)
    assert issue.events.get(action="rate").actor == firm.person


def test_it_cannot_rate_an_issue_staff_raised_about_it(cast: Cast, firm: EnterpriseAccount) -> None:
    issue = answered(cast, visited_issue(cast))
    client = signed_in(firm)
    assert 'id="rate-form"' not in client.get(reverse("company:issue", args=[issue.pk])).content.decode()
    refused = client.post(
        reverse("company:rate", args=[issue.pk]), {"rating": "satisfied", "version": issue.version}
    )
    assert refused.status_code == 409 and "只能评价" in refused.content.decode()
    assert Issue.objects.get(pk=issue.pk).rating == ""


def test_its_issue_page_shows_no_supervision_instruction_or_handler(
    cast: Cast, firm: EnterpriseAccount
) -> None:
    issue = visited_issue(cast)
    issue = cast.act(issue, "dispatch", Role.DISPATCHER, **payload_for("dispatch", issue, cast))
    cast.act(issue, "supervise", Role.SUPERVISOR, level="key", note="群众反映强烈，挂牌督办")
    cast.act(Issue.objects.get(pk=issue.pk), "instruct", Role.LEADER, text="请建设局三日内办结")
    page = signed_in(firm).get(reverse("company:issue", args=[issue.pk])).content.decode()
    for internal in ("督办", "三日内办结", "i_handler", "i_dispatcher"):
        assert internal not in page, internal
    assert "已交由建设局办理" in page


def test_an_invitation_opens_one_account_once(cast: Cast) -> None:
    dispatcher = client_for(cast.people[Role.DISPATCHER])
    made = dispatcher.post(reverse("targets:invite", args=[cast.world.xiasha_firm.pk]))
    assert made.status_code == 200
    link = re.search(r'id="invite-link" value="([^"]+)"', made.content.decode()).group(1)  # type: ignore[union-attr]
    path = link.split("testserver", 1)[1]
    contact = Client()
    assert contact.get(path).status_code == 200
    weak = contact.post(path, {"username": "xc2", "name": "陈会计", "phone": "", "password": "12345678",
                               "password_again": "12345678"})  # fmt: skip
    assert weak.status_code == 400 and 'data-field-error="password"' in weak.content.decode()
    taken = contact.post(
        path, {"username": "I_DISPATCHER", "name": "陈会计", "password": STRONG, "password_again": STRONG}
    )
    assert taken.status_code == 400 and "该账号已被使用" in taken.content.decode()
    opened = contact.post(path, {"username": "xc2", "name": "陈会计", "phone": "", "password": STRONG,
                                 "password_again": STRONG})  # fmt: skip
    assert opened.status_code == 302 and opened["Location"] == reverse("company:home")
    assert contact.get(reverse("company:home")).status_code == 200, "signed in on the way"
    account = EnterpriseAccount.objects.get(person__username="xc2")
    assert account.target == cast.world.xiasha_firm
    again = Client().post(
        path, {"username": "xc3", "name": "又一个", "password": STRONG, "password_again": STRONG}
    )
    assert again.status_code == 404 and not Person.objects.filter(username="xc3").exists()


def test_an_old_invitation_is_refused(cast: Cast) -> None:
    made = invite_create(target=cast.world.xiasha_firm, actor=cast.people[Role.DISPATCHER])
    EnterpriseInvite.objects.filter(pk=made.invite.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert Client().get(reverse("company:join", args=[made.raw])).status_code == 404
    assert Client().get(reverse("company:join", args=["made-up"])).status_code == 404


@pytest.mark.parametrize(("role", "allowed"), [(Role.DISPATCHER, True), (Role.VISITOR, True), (Role.ADMIN, True),
                                               (Role.LEADER, False), (Role.HANDLER, False)])  # fmt: skip
def test_only_target_editors_open_accounts(cast: Cast, role: str, allowed: bool) -> None:
    person = cast.people[role]
    target = cast.world.xiasha_firm
    client = client_for(person)
    assert client.post(reverse("targets:invite", args=[target.pk])).status_code == (200 if allowed else 403)
    data = {
        "username": f"c_{role}",
        "name": "联系人",
        "phone": "",
        "password": STRONG,
        "password_again": STRONG,
    }
    response = client.post(reverse("targets:account_new", args=[target.pk]), data)
    assert response.status_code == (302 if allowed else 403)
    assert EnterpriseAccount.objects.filter(person__username=f"c_{role}").exists() == allowed


def test_the_enterprise_page_lists_its_accounts_for_staff(cast: Cast, firm: EnterpriseAccount) -> None:
    page = client_for(cast.people[Role.DISPATCHER]).get(
        reverse("targets:detail", args=[cast.world.xiasha_firm.pk])
    )
    text = page.content.decode()
    assert 'data-account="xc_contact"' in text and 'id="invite-create"' in text


def test_what_others_raised_about_the_enterprise_stays_with_the_office(
    cast: Cast, firm: EnterpriseAccount
) -> None:
    """A resident's complaint naming the firm, a hotline call about it, a problem registered without a
    visit: the firm sees none of them, neither listed nor by its number."""
    from tests.raisers.conftest import phone, raise_data

    complaint = phone("10.3.3.3").post(reverse("public:raise"), raise_data(
        cast.category.pk, enterprise=cast.world.xiasha_firm.credit_code,
        description="星辰制药夜里排放刺鼻气体，住在旁边的居民睡不着，请查一查。",
    ))  # fmt: skip
    assert complaint.status_code == 302
    hotline = new_issue(cast)
    whistle = Issue.objects.get(description__startswith="星辰制药夜里")
    assert whistle.target == cast.world.xiasha_firm
    client = signed_in(firm)
    home = client.get(reverse("company:home")).content.decode()
    assert whistle.number not in home and "刺鼻气体" not in home and hotline.number not in home
    assert client.get(reverse("company:issue", args=[whistle.pk])).status_code == 404
    assert client.get(reverse("company:issue", args=[hotline.pk])).status_code == 404


def test_an_account_of_a_deactivated_enterprise_is_refused(cast: Cast, firm: EnterpriseAccount) -> None:
    from sanfuwu.targets.models import Target

    Target.objects.filter(pk=firm.target_id).update(active=False)
    client = signed_in(firm)
    assert client.get(reverse("company:home")).status_code == 403
    assert client.get("/issues/").status_code == 404, "and still nothing of the office's"


def test_its_home_asks_the_same_few_questions_however_many_visits(
    cast: Cast, firm: EnterpriseAccount
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(firm)
    visited_issue(cast)
    client.get(reverse("company:home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("company:home"))
    for n in range(5):
        visited_issue(cast, title=f"问题{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("company:home"))
    assert len(many) == len(few)
