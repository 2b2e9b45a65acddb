"""专题协调 where leaders look: the bulletin's sixth part, and the pages, each for whom it is."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from sanfuwu.coordination.models import Coordination, CoordinationStatus
from sanfuwu.coordination.services import coordination_decide, coordination_raise, coordination_task_add
from sanfuwu.people.models import Role
from sanfuwu.reports.bulletin import bulletin_document
from sanfuwu.reports.figures import bulletin_figures
from tests.conftest import client_for, make_person
from tests.coordination.conftest import PARKING, Desk


def shared(desk: Desk):
    w = desk.world
    return [
        desk.register(t, r)
        for t, r in zip(PARKING[:3], [w.touge_grid, w.baiyang_grid, w.park_grid], strict=True)
    ]


def raised(desk: Desk):
    return coordination_raise(
        actor=desk.leader,
        title="关于停车位不足的专题协调",
        issues=shared(desk),
        category=desk.parking,
        topic="停车位不足",
    )


def test_the_bulletin_names_the_coordination_and_the_common_problem(desk: Desk, settings):
    settings.SANFUWU_COMMON_PROBLEM_PLACES = 3
    c = raised(desk)
    coordination_decide(
        coordination=c, actor=desk.leader, meeting_date=timezone.localdate(), decision="城管牵头增设车位"
    )
    coordination_task_add(
        coordination=c, actor=desk.leader, department=desk.chengguan, text="增设车位", workdays=5
    )
    today = timezone.localdate()
    figures = bulletin_figures(desk.world.district, today.replace(day=1), today)
    text = "\n".join(
        p.text for p in Document(io.BytesIO(bulletin_document(figures, None, issuer="办公室"))).paragraphs
    )
    assert "六、共性问题与专题协调" in text
    assert "1. 关于停车位不足的专题协调（推进中）：纳入问题3件" in text and "交办任务1项，已完成0项" in text
    assert "停车位不足（停车管理）：反映3件，涉及3个地点" in text


def test_the_bulletin_says_when_there_is_nothing_shared(desk: Desk):
    today = timezone.localdate()
    figures = bulletin_figures(desk.world.district, today.replace(day=1), today)
    text = "\n".join(
        p.text for p in Document(io.BytesIO(bulletin_document(figures, None, issuer="办公室"))).paragraphs
    )
    assert "本期没有由3个以上地点反映的共性问题" in text


@pytest.mark.parametrize(("role", "status"), [
    (Role.LEADER, 200), (Role.ADMIN, 200), (Role.SUPERVISOR, 200), (Role.DISPATCHER, 200),
    (Role.VISITOR, 403), (Role.HANDLER, 403), (Role.EVALUATOR, 403),
])  # fmt: skip
def test_who_reads_the_common_problems_page(desk: Desk, role, status):
    person = make_person(
        f"r_{role}",
        [role],
        region=None if role == Role.HANDLER else desk.world.district,
        department=desk.chengguan if role == Role.HANDLER else None,
    )
    assert client_for(person).get(reverse("common:page")).status_code == status


def test_strangers_are_sent_to_sign_in(desk: Desk):
    response = Client().get(reverse("common:page"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_shows_a_common_problem_and_its_map(desk: Desk, settings):
    settings.SANFUWU_COMMON_PROBLEM_PLACES = 3
    shared(desk)
    body = client_for(desk.leader).get(reverse("common:page")).content.decode()
    assert 'data-problem="parking:停车位不足"' in body
    assert 'data-district-map="common-map-data"' in body and 'id="common-map-data"' in body
    assert "data-raise" in body  # the leadership may raise it


def test_a_dispatcher_reads_but_does_not_raise(desk: Desk, settings):
    settings.SANFUWU_COMMON_PROBLEM_PLACES = 3
    shared(desk)
    dispatcher = make_person("d_r", [Role.DISPATCHER], region=desk.world.district)
    body = client_for(dispatcher).get(reverse("common:page")).content.decode()
    assert 'data-problem="parking:停车位不足"' in body and "data-raise" not in body
    answer = client_for(dispatcher).post(
        reverse("common:raise"), {"p": "parking:停车位不足", "title": "x", "months": 3}
    )
    assert answer.status_code == 403


def test_the_leader_raises_from_the_page_and_follows_it_to_close_out(desk: Desk, settings):
    settings.SANFUWU_COMMON_PROBLEM_PLACES = 3
    shared(desk)
    client = client_for(desk.leader)
    answer = client.post(
        reverse("common:raise"), {"p": "parking:停车位不足", "title": "关于停车难的专题协调", "months": 3}
    )
    assert answer.status_code == 302
    c = Coordination.objects.get(title="关于停车难的专题协调")
    assert c.links.count() == 3

    def url(action: str) -> str:
        return reverse("common:coordination_act", args=[c.pk, action])

    refused = client.post(url("task"), {"department": desk.chengguan.pk, "text": "增设车位", "workdays": 5})
    assert refused.status_code == 400 and "请先记录会议决定" in refused.content.decode()
    empty = client.post(url("decide"), {"meeting_date": "", "decision": ""})
    assert empty.status_code == 400
    assert (
        'data-field-error="meeting_date"' in empty.content.decode()
        and 'data-field-error="decision"' in empty.content.decode()
    )
    assert (
        client.post(
            url("decide"), {"meeting_date": timezone.localdate().isoformat(), "decision": "城管牵头"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url("task"), {"department": desk.chengguan.pk, "text": "增设车位", "workdays": 5}
        ).status_code
        == 302
    )
    task = c.tasks.get()
    early = client.post(url("close"), {"summary": "办结"})
    assert early.status_code == 400 and "还有任务未完成" in early.content.decode()
    handler_client = client_for(desk.handler)
    assert handler_client.get(reverse("common:coordination", args=[c.pk])).status_code == 200
    assert handler_client.post(url("done"), {"task": task.pk, "note": "已增设 80 个车位"}).status_code == 302
    assert client.post(url("close"), {"summary": "车位已增设，问题已解决"}).status_code == 302
    c.refresh_from_db()
    assert c.status == CoordinationStatus.CLOSED
    issue = c.links.order_by("id")[0].issue
    assert c.title in client.get(reverse("issues:detail", args=[issue.pk])).content.decode()


def test_a_department_not_tasked_cannot_open_the_coordination(desk: Desk):
    c = raised(desk)
    assert client_for(desk.handler).get(reverse("common:coordination", args=[c.pk])).status_code == 404
    visitor = make_person("v_c", [Role.VISITOR], region=desk.world.district)
    assert client_for(visitor).get(reverse("common:coordination", args=[c.pk])).status_code == 404
    assert (
        client_for(visitor)
        .post(reverse("common:coordination_act", args=[c.pk, "note"]), {"text": "x"})
        .status_code
        == 404
    )


def test_odd_digits_are_refused_not_crashed_on(desk: Desk):
    client = client_for(desk.leader)
    assert client.get(reverse("issues:list"), {"region": "²"}).status_code == 200
    assert client.get(reverse("common:page"), {"months": "²", "k": "³"}).status_code == 200
    c = raised(desk)
    answer = client.post(
        reverse("common:coordination_act", args=[c.pk, "task"]),
        {"department": "²", "text": "x", "workdays": "²"},
    )
    assert answer.status_code == 400


def test_a_street_dispatcher_sees_only_coordinations_of_their_street(desk: Desk):
    w = desk.world
    theirs = coordination_raise(
        actor=desk.leader,
        title="白杨的",
        issues=[desk.register(PARKING[0], w.baiyang_grid)],
        category=desk.parking,
    )
    ours = coordination_raise(
        actor=desk.leader,
        title="下沙的",
        issues=[desk.register(PARKING[1], w.touge_grid)],
        category=desk.parking,
    )
    street = make_person("xs_c", [Role.DISPATCHER], region=w.xiasha)
    client = client_for(street)
    assert client.get(reverse("common:coordination", args=[ours.pk])).status_code == 200
    assert client.get(reverse("common:coordination", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("common:coordination_act", args=[theirs.pk, "note"]), {"text": "x"}).status_code
        == 404
    )
