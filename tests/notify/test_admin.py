"""The administrator's side: a robot is configured with its checks at the field, in Chinese, and
nothing saved when one fails; the record of pushes is read only and a failed one can be retried."""

from __future__ import annotations

from typing import cast

import pytest
from django.urls import reverse

from sanfuwu.notify.models import Delivery, DeliveryState, Kind, Receiver, RobotKind
from sanfuwu.people.models import Person, Role
from tests.conftest import World, client_for, make_person
from tests.notify.robot_server import robot_on_loopback

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world: World) -> Person:
    return make_person("robot_admin", [Role.ADMIN], region=world.district, staff=True)


def robot_post(world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "建设局工作群", "kind": RobotKind.DINGTALK,
        "url": "https://oapi.dingtalk.com/robot/send?access_token=abc", "secret": "SECabc",
        "department": world.jianshe.pk, "region": "", "per_minute": 20, "active": "on",
    }  # fmt: skip
    data.update(changes)
    return data


def test_an_admin_adds_a_dingtalk_robot_for_a_department(world: World, admin: Person) -> None:
    response = client_for(admin).post(reverse("admin:notify_receiver_add"), robot_post(world))
    assert response.status_code == 302
    assert Receiver.objects.get().department == world.jianshe


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"department": "", "region": ""}, "department", "二者选一"),
        ({"url": "https://oapi.dingtalk.com/robot/send"}, "url", "access_token"),
        ({"kind": RobotKind.WECOM, "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "secret": ""}, "url", "key="),
        ({"secret": "abc"}, "secret", "SEC 开头"),
        ({"per_minute": 0}, "per_minute", "1 至 600"),
    ],
)  # fmt: skip
def test_it_refuses_a_bad_robot_at_its_field(
    world: World, admin: Person, changes: dict[str, object], field: str, words: str
) -> None:
    response = client_for(admin).post(reverse("admin:notify_receiver_add"), robot_post(world, **changes))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and words in " ".join(errors[field])
    assert not Receiver.objects.exists()


def test_only_administrators_reach_the_robots_and_the_record(
    world: World, admin: Person, leader: Person
) -> None:
    for name in (
        "admin:notify_receiver_changelist",
        "admin:notify_delivery_changelist",
        "admin:notify_attempt_changelist",
    ):
        assert client_for(admin).get(reverse(name)).status_code == 200
        assert client_for(leader).get(reverse(name)).status_code in (302, 403)


def test_an_admin_retries_a_failed_push_and_it_is_delivered(world: World, admin: Person) -> None:
    with robot_on_loopback() as robot:
        receiver = Receiver.objects.create(
            name="群", kind=RobotKind.JSON, url=robot.url, department=world.jianshe
        )
        failed = Delivery.objects.create(
            receiver=receiver, kind=Kind.DIGEST, text="简报", state=DeliveryState.FAILED, attempts=8
        )
        done = Delivery.objects.create(
            receiver=receiver, kind=Kind.DIGEST, text="已送达", state=DeliveryState.DELIVERED
        )
        response = client_for(admin).post(
            reverse("admin:notify_delivery_changelist"),
            {"action": "retry", "_selected_action": [failed.pk, done.pk]},
            follow=True,
        )
        assert "已安排重新发送" in response.content.decode()
        assert len(robot.received) == 1
        messages = cast(list[dict[str, str]], robot.bodies()[0]["messages"])
        assert [m["text"] for m in messages] == ["简报"]
    failed.refresh_from_db()
    done.refresh_from_db()
    assert failed.state == DeliveryState.DELIVERED
    assert done.state == DeliveryState.DELIVERED and done.attempts == 0, (
        "what was delivered is not sent again"
    )


def test_the_push_record_is_read_only(world: World, admin: Person) -> None:
    receiver = Receiver.objects.create(
        name="群", kind=RobotKind.JSON, url="http://127.0.0.1:9/", department=world.jianshe
    )
    delivery = Delivery.objects.create(receiver=receiver, kind=Kind.DIGEST, text="简报")
    client = client_for(admin)
    assert client.get(reverse("admin:notify_delivery_add")).status_code == 403
    assert (
        client.post(reverse("admin:notify_delivery_delete", args=[delivery.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Delivery.objects.filter(pk=delivery.pk).exists()
