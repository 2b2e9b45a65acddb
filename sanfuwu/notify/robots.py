"""What each kind of group robot is sent and how it says it took it: DingTalk's custom robot
(signed URL), WeCom's group robot, and a generic JSON endpoint signed with HMAC."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.notify.models import Delivery, Kind, Receiver, RobotKind

TIMEOUT_SECONDS = 5  # a slow robot delays its own queue, never an action
SIGNATURE_HEADER = "X-Sanfuwu-Signature"


@dataclass(frozen=True)
class Answer:
    ok: bool
    status: int | None
    text: str
    ms: int


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature: HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret, base64, then
    URL-encoded for the query string."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def signed_url(receiver: Receiver, timestamp_ms: int) -> str:
    if receiver.kind != RobotKind.DINGTALK or not receiver.secret:
        return receiver.url
    joiner = "&" if "?" in receiver.url else "?"
    return (
        f"{receiver.url}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(receiver.secret, timestamp_ms)}"
    )


def _absolute(link: str) -> str:
    return f"{settings.SANFUWU_SITE_URL}{link}" if link.startswith("/") else link


def markdown_of(deliveries: Sequence[Delivery]) -> tuple[str, str]:
    """(title, text) of one message carrying every delivery: one line each, newest last."""
    if len(deliveries) == 1:
        d = deliveries[0]
        title = str(Kind(d.kind).label)
    else:
        title = _("三服务平台：%(n)s 条新消息") % {"n": len(deliveries)}
    lines = [f"#### {title}"]
    for d in deliveries:
        line = f"- 【{Kind(d.kind).label}】{d.text}"
        if d.link:
            line += f" [{_('查看')}]({_absolute(d.link)})"
        lines.append(line)
    return title, "\n".join(lines)


def body_of(receiver: Receiver, deliveries: Sequence[Delivery]) -> bytes:
    title, text = markdown_of(deliveries)
    if receiver.kind == RobotKind.DINGTALK:
        payload: dict[str, object] = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    elif receiver.kind == RobotKind.WECOM:
        payload = {"msgtype": "markdown", "markdown": {"content": text}}
    else:
        payload = {
            "source": "sanfuwu",
            "title": title,
            "messages": [
                {"kind": d.kind, "kind_label": str(Kind(d.kind).label), "text": d.text,
                 "link": _absolute(d.link) if d.link else "", "at": d.created_at.isoformat()}
                for d in deliveries
            ],
        }  # fmt: skip
    return json.dumps(payload, ensure_ascii=False).encode()


def json_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def robot_send(receiver: Receiver, body: bytes) -> Answer:
    """POST one message; the robot's answer, successful only when it says so (DingTalk and WeCom
    answer 200 with errcode ≠ 0 when they refuse, as when sent too fast)."""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if receiver.kind == RobotKind.JSON and receiver.secret:
        headers[SIGNATURE_HEADER] = json_signature(receiver.secret, body)
    url = signed_url(receiver, int(time.time() * 1000))
    started = time.perf_counter()
    status: int | None = None
    try:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
            text = response.read(4000).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status = error.code
        text = error.read(4000).decode("utf-8", "replace")
    except (OSError, ValueError) as error:
        text = str(error) or type(error).__name__
    ms = int((time.perf_counter() - started) * 1000)
    return Answer(_accepted(receiver, status, text), status, text[:4000], ms)


def _accepted(receiver: Receiver, status: int | None, text: str) -> bool:
    if status is None or not 200 <= status < 300:
        return False
    if receiver.kind == RobotKind.JSON:
        return True
    try:
        return int(json.loads(text).get("errcode", -1)) == 0
    except (ValueError, AttributeError, TypeError):
        return False


def test_body(receiver: Receiver) -> bytes:
    probe = Delivery(
        receiver=receiver,
        kind=Kind.DIGEST,
        text=_("测试消息：三服务平台与本群的连接正常。"),
        created_at=timezone.now(),
    )
    return body_of(receiver, [probe])
