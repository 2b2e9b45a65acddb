from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfuwu.scoring.rollup import rollup_month, rollup_recent


class Command(BaseCommand):
    help = "重新统计赛马月度数据（默认本月及前两个月；后台任务每小时执行一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("months", nargs="*", help="要统计的月份，如 2025-10")

    def handle(self, *args: Any, **options: Any) -> None:
        months: list[date] = []
        if not options["months"]:
            months = rollup_recent()
        else:
            for raw in options["months"]:
                try:
                    year, number = (int(p) for p in raw.split("-"))
                    months.append(date(year, number, 1))
                except ValueError:
                    raise CommandError(f"月份格式应为 YYYY-MM：{raw}") from None
            counted: set[tuple[str, date]] = set()  # each quarter's and year's coverage once
            for month in months:
                rollup_month(month, counted=counted)
        self.stdout.write("已统计：" + "、".join(f"{m:%Y-%m}" for m in months))
