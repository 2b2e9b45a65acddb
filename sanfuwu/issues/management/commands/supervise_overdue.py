from typing import Any

from django.core.management.base import BaseCommand

from sanfuwu.issues.tasks import issues_flag_overdue


class Command(BaseCommand):
    help = "把超期未办结的问题自动挂牌督办（一般）。可每天定时执行，重复执行不会重复挂牌。"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"已挂牌督办 {issues_flag_overdue()} 件超期问题。")
