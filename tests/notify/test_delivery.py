"""Delivery to group robots: signed and shaped as each robot expects, retried with back-off until
it is taken, recorded delivered exactly once, never in the way of the action, and within the
robot's rate."""

from __future__ import annotations

import json
import random
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from django.utils import timezone
from huey import RedisHuey

from sanfuwu.core.jobs import queue
from sanfuwu.issues.models import Status
from sanfuwu.notify import outbox
from sanfuwu.notify.models import Attempt, Delivery, DeliveryState, Kind, Receiver, RobotKind
from sanfuwu.notify.robots import SIGNATURE_HEADER, body_of, dingtalk_sign, json_signature, signed_url
from sanfuwu.notify.services import notices_send
from sanfuwu.people.models import Role
from tests.issues.conftest import Cast, new_issue, payload_for
from tests.notify.robot_server import robot_on_loopback

pytestmark = pytest.mark.django_db

# Computed with openssl, not with the code under test:
#   printf '1700000000000\nSEC0123456789abcdef' | openssl dgst -sha256 -hmac SEC0123456789abcdef -binary | base64
DINGTALK_SECRET = "SEC0123456789abcdef"
DINGTALK_SIGN = "TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D"
#   printf '{"a": 1}' | openssl dgst -sha256 -hmac s3cret
JSON_SIGNATURE = "sha256=1a9fab6cd4b8cdcaad8640f3eca73fa924c62ff24f3833254ef3547232153767"


def robot_for(cast: Cast, url: str, kind: str = RobotKind.JSON, **fields: object) -> Receiver:
    return Receiver.objects.create(
        name="建设局工作群", kind=kind, url=url, department=cast.world.jianshe, **fields
    )


def dispatch(cast: Cast) -> None:
    issue = new_issue(cast)
    cast.act(issue, "dispatch", Role.DISPATCHER, **payload_for("dispatch", issue, cast))


def test_it_signs_a_dingtalk_url_as_dingtalk_documents_it() -> None:
    assert dingtalk_sign(DINGTALK_SECRET, 1700000000000) == DINGTALK_SIGN
    robot = Receiver(
        kind=RobotKind.DINGTALK,
        url="https://oapi.dingtalk.com/robot/send?access_token=abc",
        secret=DINGTALK_SECRET,
    )
    query = parse_qs(urlparse(signed_url(robot, 1700000000000)).query)
    assert query == {
        "access_token": ["abc"],
        "timestamp": ["1700000000000"],
        "sign": [parse_qs(f"s={DINGTALK_SIGN}")["s"][0]],
    }


def test_it_signs_a_generic_body_with_hmac() -> None:
    assert json_signature("s3cret", b'{"a": 1}') == JSON_SIGNATURE


def test_it_shapes_each_robots_body_field_by_field(cast: Cast) -> None:
    d = Delivery(
        kind=Kind.DISPATCHED, text="WT-1 路面塌陷：已交办", link="/issues/7/", created_at=timezone.now()
    )
    ding = json.loads(body_of(Receiver(kind=RobotKind.DINGTALK), [d]))
    assert ding["msgtype"] == "markdown"
    assert ding["markdown"]["title"] == "交办到本部门"
    assert "WT-1 路面塌陷：已交办" in ding["markdown"]["text"]
    assert "http://127.0.0.1:8000/issues/7/" in ding["markdown"]["text"]
    wecom = json.loads(body_of(Receiver(kind=RobotKind.WECOM), [d]))
    assert set(wecom) == {"msgtype", "markdown"} and wecom["msgtype"] == "markdown"
    assert "WT-1 路面塌陷：已交办" in wecom["markdown"]["content"]
    generic = json.loads(body_of(Receiver(kind=RobotKind.JSON), [d, d]))
    assert generic["source"] == "sanfuwu"
    assert len(generic["messages"]) == 2
    assert generic["messages"][0] == {
        "kind": "dispatched", "kind_label": "交办到本部门", "text": "WT-1 路面塌陷：已交办",
        "link": "http://127.0.0.1:8000/issues/7/", "at": d.created_at.isoformat(),
    }  # fmt: skip


def test_it_records_one_delivery_after_two_failures_and_three_attempts(cast: Cast) -> None:
    script = [(500, "busy"), (502, "bad gateway"), (200, "{}")]
    with robot_on_loopback(script) as robot:
        receiver = robot_for(cast, robot.url, secret="s3cret")
        dispatch(cast)  # in a test transaction: nothing is sent until the queue is run below
        assert robot.received == []
        [delivery] = Delivery.objects.all()
        now = timezone.now()
        for _ in range(3):
            outbox.receiver_deliver(receiver_id=receiver.pk, now=now)
            now += timedelta(hours=2)  # past any back-off
        assert len(robot.received) == 3
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 3
    assert Attempt.objects.filter(receiver=receiver).count() == 3
    assert [a.ok for a in Attempt.objects.order_by("at")] == [False, False, True]
    assert Delivery.objects.filter(state=DeliveryState.DELIVERED).count() == 1
    body = robot.received[-1]
    headers = body["headers"]
    assert isinstance(headers, dict)
    assert headers[SIGNATURE_HEADER] == json_signature("s3cret", str(body["body"]).encode())


def test_it_takes_a_dingtalk_refusal_for_a_failure(cast: Cast) -> None:
    with robot_on_loopback([(200, '{"errcode":130101,"errmsg":"send too fast"}')]) as robot:
        receiver = robot_for(cast, robot.url, kind=RobotKind.DINGTALK)
        dispatch(cast)
        outbox.receiver_deliver(receiver_id=receiver.pk)
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1
    assert "130101" in Attempt.objects.get().answer


def test_it_backs_off_exponentially_with_jitter() -> None:
    rng = random.Random(1)
    waits = [outbox.backoff(n, rng).total_seconds() for n in (1, 2, 3, 4)]
    assert 30 <= waits[0] <= 36 and 60 <= waits[1] <= 72 and 120 <= waits[2] <= 144 and 240 <= waits[3] <= 288
    assert outbox.backoff(30).total_seconds() <= 3600 * 1.2


def test_it_retries_nothing_before_its_time(cast: Cast) -> None:
    with robot_on_loopback([(503, "down")]) as robot:
        receiver = robot_for(cast, robot.url)
        dispatch(cast)
        now = timezone.now()
        outbox.receiver_deliver(receiver_id=receiver.pk, now=now)
        outbox.receiver_deliver(receiver_id=receiver.pk, now=now + timedelta(seconds=5))
        assert len(robot.received) == 1


def test_it_returns_the_action_at_once_and_sends_after_the_commit(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    with robot_on_loopback() as robot:
        robot_for(cast, robot.url)
        queue.immediate = False  # the production way: the job waits in the queue for a worker
        try:
            before = queue.pending_count()
            with django_capture_on_commit_callbacks(execute=True):
                dispatch(cast)
            assert robot.received == [], "the action returned before any robot was called"
            assert queue.pending_count() == before + 1
            # The job itself, as a worker runs it (without the worker's connection hygiene, which
            # would close the test's own connection).
            queue.dequeue().execute()
        finally:
            queue.storage.flush_all()
            queue.immediate = True
        assert len(robot.received) == 1
    assert Delivery.objects.get().state == DeliveryState.DELIVERED


def test_a_robot_that_is_down_fails_no_action(cast: Cast, django_capture_on_commit_callbacks) -> None:
    robot_for(cast, "http://127.0.0.1:9/nothing-listens-here")
    with django_capture_on_commit_callbacks(execute=True):  # the queue runs at once under test
        dispatch(cast)
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1
    assert Attempt.objects.get().ok is False


def test_the_sweep_delivers_once_what_a_dead_worker_claimed(cast: Cast) -> None:
    with robot_on_loopback() as robot:
        receiver = robot_for(cast, robot.url)
        dispatch(cast)
        now = timezone.now()
        # A worker claims the delivery and dies before sending or recording it.
        token, claimed = outbox.claim(receiver, now)
        assert len(claimed) == 1
        assert outbox.receiver_deliver(receiver_id=receiver.pk, now=now).sent == 0, (
            "another worker leaves it be"
        )
        assert outbox.deliveries_sweep(now + timedelta(minutes=1)) == [], (
            "the claim is still within its lease"
        )
        later = now + outbox.LEASE + timedelta(seconds=1)
        assert outbox.deliveries_sweep(later) == [receiver.pk]
        assert outbox.receiver_deliver(receiver_id=receiver.pk, now=later).sent == 1
        # The dead worker's claim, were it to come back, records nothing a second time.
        from sanfuwu.notify.robots import Answer

        assert outbox.record(receiver, token, claimed, Answer(True, 200, "{}", 1), later) == 0
        assert len(robot.received) == 1
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 1


def test_it_sends_at_most_twenty_messages_for_a_hundred_events_in_a_minute(cast: Cast) -> None:
    with robot_on_loopback() as robot:
        receiver = robot_for(cast, robot.url)
        people = [cast.people[Role.HANDLER]]
        start = timezone.now() + timedelta(seconds=1)  # each event due by the time it is sent
        for n in range(100):
            notices_send(kind=Kind.OVERDUE, recipients=people, text=f"第 {n} 件已超期", link="")
            outbox.receiver_deliver(receiver_id=receiver.pk, now=start + timedelta(seconds=n * 0.5))
        assert len(robot.received) == 20
        # What waited goes together, in one message, once the minute frees a slot.
        outbox.receiver_deliver(receiver_id=receiver.pk, now=start + timedelta(seconds=61))
        lines = [len(b["messages"]) for b in robot.bodies()]  # type: ignore[arg-type]
    assert lines == [1] * 20 + [80]
    assert Delivery.objects.filter(state=DeliveryState.DELIVERED).count() == 100


def test_it_runs_deliveries_through_a_worker_on_redis(cast: Cast) -> None:
    from sanfuwu.notify import jobs

    redis_queue = RedisHuey(f"sanfuwu-test-{uuid.uuid4().hex}", url="redis://127.0.0.1:6379/0")
    job = redis_queue.task()(jobs.deliver.func)
    with robot_on_loopback() as robot:
        receiver = robot_for(cast, robot.url)
        dispatch(cast)
        try:
            result = job(receiver.pk)
            assert redis_queue.pending_count() == 1 and robot.received == []
            redis_queue.execute(redis_queue.dequeue())
            assert result.get() == 1
        finally:
            redis_queue.storage.flush_all()
        assert len(robot.received) == 1
    assert Delivery.objects.get().state == DeliveryState.DELIVERED


def test_an_admin_tests_a_robot_from_the_command_line(cast: Cast, capsys) -> None:
    with robot_on_loopback([(200, '{"errcode":0,"errmsg":"ok"}')]) as robot:
        receiver = robot_for(cast, robot.url, kind=RobotKind.DINGTALK, secret=DINGTALK_SECRET)
        call_command("notify", "test", str(receiver.pk))
        sent = robot.received[0]
    out = capsys.readouterr().out
    assert "200" in out and "errcode" in out
    assert "sign=" in str(sent["path"]) and "timestamp=" in str(sent["path"])
    assert json.loads(str(sent["body"]))["msgtype"] == "markdown"


def test_the_command_names_an_unknown_robot_in_chinese(cast: Cast) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有"):
        call_command("notify", "test", "999")


def test_an_issue_status_untouched_by_delivery(cast: Cast) -> None:
    # The workflow's state is the action's; a robot's failure leaves it as the action made it.
    robot_for(cast, "http://127.0.0.1:9/")
    dispatch(cast)
    from sanfuwu.issues.models import Issue

    assert Issue.objects.get().status == Status.ASSIGNED


def test_it_forgets_old_notices_and_pushes_but_not_recent_ones(cast: Cast) -> None:
    from sanfuwu.notify.models import Notice

    handler = cast.people[Role.HANDLER]
    receiver = robot_for(cast, "http://127.0.0.1:9/")
    now = timezone.now()
    old, recent = now - timedelta(days=400), now - timedelta(days=10)
    Notice.objects.bulk_create([
        Notice(recipient=handler, kind=Kind.OVERDUE, text="旧已读", created_at=now - timedelta(days=200), read_at=now),
        Notice(recipient=handler, kind=Kind.OVERDUE, text="旧未读", created_at=old),
        Notice(recipient=handler, kind=Kind.OVERDUE, text="一年内未读", created_at=now - timedelta(days=200)),
        Notice(recipient=handler, kind=Kind.OVERDUE, text="近期已读", created_at=recent, read_at=now),
    ])  # fmt: skip
    Delivery.objects.create(receiver=receiver, kind=Kind.DIGEST, text="旧推送", created_at=old)
    Delivery.objects.create(receiver=receiver, kind=Kind.DIGEST, text="新推送", created_at=recent)
    Attempt.objects.create(receiver=receiver, at=old)
    assert outbox.notices_forget(now=now) >= 4
    assert sorted(Notice.objects.values_list("text", flat=True)) == sorted(["一年内未读", "近期已读"])
    assert list(Delivery.objects.values_list("text", flat=True)) == ["新推送"]
    assert not Attempt.objects.exists()
