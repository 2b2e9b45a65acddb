from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfuwu.notify.models import Receiver
from sanfuwu.notify.robots import robot_send, test_body


class Command(BaseCommand):
    help = "工作群机器人：notify test 编号或名称 —— 发送一条测试消息并显示对方应答，用于检查配置。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["test"])
        parser.add_argument("receiver", help="机器人的编号或名称")

    def handle(self, *args: Any, **options: Any) -> None:
        key = options["receiver"]
        receiver = (
            Receiver.objects.filter(pk=int(key)).first()
            if key.isdigit()
            else Receiver.objects.filter(name=key).first()
        )
        if receiver is None:
            raise CommandError(f"没有编号或名称为“{key}”的工作群机器人。")
        answer = robot_send(receiver, test_body(receiver))
        self.stdout.write(f"{receiver.name}（{receiver.get_kind_display()}）")
        self.stdout.write(
            f"HTTP 状态：{answer.status if answer.status is not None else '无应答'}，耗时 {answer.ms} 毫秒"
        )
        self.stdout.write(f"对方应答：{answer.text}")
        self.stdout.write("结果：" + ("成功" if answer.ok else "失败"))
        if not answer.ok:
            raise CommandError("测试消息未被接受，请检查地址、密钥和机器人的安全设置。")
