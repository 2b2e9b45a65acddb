from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfuwu.core.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "备份：数据库（SQLite 在线备份或 pg_dump）与上传的文件，写入一个归档文件，附每张表的行数与校验和。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="归档文件路径，例如 /srv/backup/sanfuwu-20261203.tar")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        try:
            manifest = backup_write(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"已备份到 {out}：{manifest['engine']}，{len(manifest['tables'])} 张表 {rows} 行，"
            f"上传文件 {manifest['media']['files']} 个，{out.stat().st_size / 1e6:.1f} MB。"
        )
