"""The supervision notice (督办通知书): who may print it, and what it says about the issue."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from sanfuwu.issues.models import Issue, Status, SupervisionLevel
from sanfuwu.people.models import Role
from sanfuwu.reports.supervision_notice import REQUIREMENTS, notice_number
from tests.conftest import client_for, make_person
from tests.issues.conftest import Cast, issue_in

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def supervised(cast: Cast, level: str = "key") -> Issue:
    issue = issue_in(Status.IN_PROGRESS, cast)
    issue = cast.act(issue, "supervise", Role.SUPERVISOR, level=level, note="群众反映强烈")
    return cast.act(issue, "instruct", Role.LEADER, text="请建设局本周内办结，并向反映人说明。")


def text_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    return "\n".join(p.text for p in doc.paragraphs)


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.LEADER, Role.DISPATCHER, Role.ADMIN])
def test_those_who_press_for_the_issue_download_its_notice(cast: Cast, role: str) -> None:
    issue = supervised(cast)
    response = client_for(cast.people[role]).get(reverse("issues:notice", args=[issue.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("role", [Role.HANDLER, Role.VISITOR, Role.EVALUATOR])
def test_roles_not_concerned_with_supervision_are_refused(cast: Cast, role: str) -> None:
    issue = supervised(cast)
    response = client_for(cast.people[role]).get(reverse("issues:notice", args=[issue.pk]))
    assert response.status_code == 403


def test_a_street_outside_the_issue_gets_not_found(cast: Cast) -> None:
    issue = supervised(cast)  # in 下沙街道's grid
    world = cast.world
    for person in (
        make_person("by_sup", [Role.SUPERVISOR], region=world.baiyang),
        make_person("by_disp", [Role.DISPATCHER], region=world.baiyang),
        make_person("park_sup", [Role.SUPERVISOR], region=world.park),
    ):
        response = client_for(person).get(reverse("issues:notice", args=[issue.pk]))
        assert response.status_code == 404, person.username
    # The street of the issue sees it and prints it.
    xiasha = make_person("xs_sup", [Role.SUPERVISOR], region=world.xiasha)
    assert client_for(xiasha).get(reverse("issues:notice", args=[issue.pk])).status_code == 200


def test_an_issue_not_supervised_gets_a_reason_instead_of_a_file(cast: Cast) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    client = client_for(cast.people[Role.SUPERVISOR])
    response = client.get(reverse("issues:notice", args=[issue.pk]), follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert response.redirect_chain[-1][0] == reverse("issues:detail", args=[issue.pk])
    assert "该问题未挂牌督办，没有督办通知书。" in response.content.decode()


def test_the_notice_states_number_department_problem_deadline_requirement_and_instruction(cast: Cast) -> None:
    issue = supervised(cast, level="key")
    response = client_for(cast.people[Role.SUPERVISOR]).get(reverse("issues:notice", args=[issue.pk]))
    text = text_of(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    issue.refresh_from_db()
    year = issue.events.get(action="supervise").at.year
    due = issue.due_date
    assert due is not None
    assert "督办通知书" in text
    assert f"督办〔{year}〕第1号" in text
    assert "建设局：" in text
    assert issue.number in text and issue.title in text and issue.description in text
    assert "下沙星辰制药有限公司（下沙街道头格社区头格第1网格）反映的" in text
    assert "督办事由：群众反映强烈" in text
    assert f"请于{due.year}年{due.month}月{due.day}日前办结" in text
    assert "3个工作日" in text
    assert REQUIREMENTS[SupervisionLevel.KEY] in text
    assert "请建设局本周内办结，并向反映人说明。" in text
    assert "杭州测试区“三服务”工作领导小组办公室" in text


def test_a_general_level_notice_carries_the_general_requirement(cast: Cast) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    issue = cast.act(issue, "supervise", Role.SUPERVISOR, level="general", note="")
    response = client_for(cast.people[Role.LEADER]).get(reverse("issues:notice", args=[issue.pk]))
    text = text_of(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert REQUIREMENTS[SupervisionLevel.GENERAL] in text and REQUIREMENTS[SupervisionLevel.KEY] not in text
    assert "领导批示" not in text


def test_notices_are_numbered_in_the_order_issues_were_first_supervised_and_keep_their_number(
    cast: Cast,
) -> None:
    first, second = supervised(cast), supervised(cast)
    # Raising the first one's level again does not give it a new number.
    cast.act(first, "supervise", Role.LEADER, level="key", note="再次督办")
    assert notice_number(first)[0].endswith("第1号")
    assert notice_number(second)[0].endswith("第2号")


def test_the_issue_page_offers_the_notice_only_to_its_printers_and_only_when_supervised(cast: Cast) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    url = reverse("issues:detail", args=[issue.pk])
    supervisor = client_for(cast.people[Role.SUPERVISOR])
    assert 'id="notice-download"' not in supervisor.get(url).content.decode()
    supervised_issue = cast.act(issue, "supervise", Role.SUPERVISOR, level="general", note="")
    assert 'id="notice-download"' in supervisor.get(url).content.decode()
    handler = client_for(cast.people[Role.HANDLER])
    assert 'id="notice-download"' not in handler.get(url).content.decode()
    assert supervised_issue.supervised


def test_a_grid_named_after_its_street_is_named_once(cast: Cast) -> None:
    from sanfuwu.orgs.services import region_create
    from sanfuwu.reports.supervision_notice import _issuer_and_place

    grid = region_create(name="医药港小镇第2网格", kind="grid", parent=cast.world.park)
    assert _issuer_and_place(grid) == ("杭州测试区“三服务”工作领导小组办公室", "医药港小镇第2网格")
