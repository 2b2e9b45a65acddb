from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfuwu.core.backup import BackupError, backup_read_manifest, backup_restore


class Command(BaseCommand):
    help = "恢复：用备份归档替换当前数据库与上传的文件，并逐表核对行数与校验和。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="sanfuwu backup 写出的归档文件")
        parser.add_argument("--yes", action="store_true", help="确认替换当前的全部数据")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        try:
            manifest = backup_read_manifest(archive)
            if not options["yes"]:
                raise CommandError(
                    f"恢复会用 {manifest['created_at']} 的备份替换当前的全部数据与上传文件；确认请加 --yes。"
                )
            backup_restore(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"已从 {archive} 恢复：{len(manifest['tables'])} 张表 {rows} 行、上传文件 {manifest['media']['files']} 个，"
            "与备份清单逐表核对一致。"
        )
