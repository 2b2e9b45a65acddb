from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfuwu.core.dbstate import tables_built
from sanfuwu.workdays.calendar import UnknownYearError, add_workdays


class Command(BaseCommand):
    help = "计算期限：从某日起 N 个工作日后的到期日（到期日当天结束为止）。例：sanfuwu workdays 2025-04-30 3"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("start", help="起算日（交办日），YYYY-MM-DD")
        parser.add_argument("days", type=int, help="工作日数")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = date.fromisoformat(options["start"])
        except ValueError:
            raise CommandError(f"日期格式不对：{options['start']}，应为 YYYY-MM-DD。") from None
        # Right after installation the package's calendar answers alone; the admin's own days
        # and years count once the database is built.
        stored = tables_built()
        try:
            due = add_workdays(start, options["days"], stored=stored)
        except (UnknownYearError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(due.isoformat())
