import ipaddress
import socket
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfuwu.core.jobs import start_in_process
from sanfuwu.core.logins import demo_logins_text


class Command(BaseCommand):
    help = "启动网站（waitress；--workers 大于 1 时为 gunicorn 多进程），并列出演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8, help="每个进程的线程数")
        parser.add_argument(
            "--workers", type=int, default=1, help="进程数；大于 1 时由 gunicorn 启动多个进程"
        )
        parser.add_argument("--public", action="store_true", help="允许监听非本机地址")
        parser.add_argument("--no-jobs", action="store_true", help="不在本进程内运行后台任务")

    def handle(self, *args: Any, **options: Any) -> None:
        host = options["host"]
        if not options["public"] and not _is_loopback(host):
            raise CommandError(f"{host} 不是本机地址；确需对外服务请加 --public。")
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers 和 --threads 至少为 1。")
        self._recover()
        if options["workers"] > 1:
            self._serve_with_workers(host, options)
            return

        from waitress import serve

        from sanfuwu.wsgi import application

        logins = demo_logins_text()
        if logins:
            self.stdout.write(logins)
        if settings.SANFUWU_REDIS_URL:
            self.stdout.write("后台任务在 Redis 队列中，请另行运行 sanfuwu worker。")
        elif not options["no_jobs"]:
            start_in_process()
        self.stdout.write(f"三服务平台已启动：http://{host}:{options['port']}/  （Ctrl+C 停止）")
        self.stdout.flush()
        serve(application, host=host, port=options["port"], threads=options["threads"], ident="sanfuwu")

    def _serve_with_workers(self, host: str, options: dict[str, Any]) -> None:
        from sanfuwu.core import server
        from sanfuwu.core.staticfiles import collect_for_serving

        logins = demo_logins_text()
        if logins:
            self.stdout.write(logins)
        if settings.SANFUWU_REDIS_URL:
            self.stdout.write("后台任务在 Redis 队列中，请另行运行 sanfuwu worker。")
        self.stdout.write("正在检查静态文件……")
        self.stdout.flush()
        if collect_for_serving():
            self.stdout.write(f"静态文件已按内容哈希收集到 {settings.STATIC_ROOT}。")
        workers = options["workers"]

        def ready() -> None:
            self.stdout.write(
                f"三服务平台已启动：http://{host}:{options['port']}/  （{workers} 个进程，Ctrl+C 停止）"
            )
            self.stdout.flush()

        web = server.WebServer(
            host=host, port=options["port"], workers=workers, threads=options["threads"], ready=ready
        )
        jobs = not settings.SANFUWU_REDIS_URL and not options["no_jobs"]
        code = server.serve(web, jobs=jobs)
        if code:
            sys.exit(code if code > 0 else 128 - code)

    def _recover(self) -> None:
        from sanfuwu.core.jobs import jobs_recover
        from sanfuwu.imports.runs import import_runs_recover

        if not settings.SANFUWU_REDIS_URL:  # the jobs run in this process: its last life's are its own
            again = jobs_recover()
            if again:
                self.stdout.write(f"上次被中断的后台任务 {again} 个，已重新排队。")
        cut = import_runs_recover()
        if cut:
            self.stdout.write(f"上次被中断的导入 {cut} 个，已标记为出错（没有写入任何数据）。")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        return False
