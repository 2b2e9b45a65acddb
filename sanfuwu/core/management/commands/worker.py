from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfuwu.core.jobs import consumer


class Command(BaseCommand):
    help = "运行后台任务（导入、定时督办等）。使用 Redis 时需单独运行；默认由 serve 在进程内运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SANFUWU_REDIS_URL:
            raise CommandError(
                "未设置 SANFUWU_REDIS_URL：后台任务已由 sanfuwu serve 在进程内运行，无需单独的 worker。"
            )
        from sanfuwu.core.jobs import jobs_recover
        from sanfuwu.imports.runs import import_runs_recover

        again = jobs_recover()
        if again:
            self.stdout.write(f"上次被中断的后台任务 {again} 个，已重新排队。")
        cut = import_runs_recover()
        if cut:
            self.stdout.write(f"上次被中断的导入 {cut} 个，已标记为出错（没有写入任何数据）。")
        self.stdout.write(f"后台任务进程已启动（{options['workers']} 个线程），Ctrl+C 停止。")
        self.stdout.flush()
        consumer(workers=options["workers"]).run()
