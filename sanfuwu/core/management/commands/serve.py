import ipaddress
import socket
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfuwu.core.jobs import start_in_process
from sanfuwu.core.logins import demo_logins_text


class Command(BaseCommand):
    help = "启动网站（waitress），并列出演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--public", action="store_true", help="允许监听非本机地址")
        parser.add_argument("--no-jobs", action="store_true", help="不在本进程内运行后台任务")

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from sanfuwu.wsgi import application

        host = options["host"]
        if not options["public"] and not _is_loopback(host):
            raise CommandError(f"{host} 不是本机地址；确需对外服务请加 --public。")
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


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        return False
