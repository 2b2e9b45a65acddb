from datetime import date
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from sanfuwu.core.demokit import demo_build


class Command(BaseCommand):
    help = "建立演示区（可重复执行，不会重复创建）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2025, help="随机种子，相同种子得到相同的演示数据")
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="演示数据的“今天”，YYYY-MM-DD"
        )
        parser.add_argument("--no-migrate", action="store_true", help="不先执行数据库迁移")
        parser.add_argument("--small", action="store_true", help="小规模演示数据（用于测试）")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", verbosity=0, interactive=False)
        self.stdout.write("正在建立演示区……")
        demo_build(
            seed=options["seed"],
            today=options["today"] or date.today(),
            out=self.stdout,  # type: ignore[arg-type]
            small=options["small"],
        )
        self.stdout.write(self.style.SUCCESS("演示区已就绪。"))
