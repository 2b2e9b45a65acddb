from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfuwu.imports.kinds import KINDS
from sanfuwu.imports.workbook import FileRefused, read_sheet
from sanfuwu.people.models import Person


class Command(BaseCommand):
    help = "从 Excel 导入数据：sanfuwu import KIND FILE [--dry-run]。任何一行有误则整份文件都不写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--user", default="admin", help="以哪个账号的权限导入（默认 admin）")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = KINDS[options["kind"]]
        actor = Person.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"没有账号 {options['user']}。")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        with path.open("rb") as upload:
            try:
                sheet = read_sheet(upload, kind.columns, size=path.stat().st_size)
            except FileRefused as refused:
                raise CommandError(str(refused)) from None
        outcome = kind.run(sheet=sheet, actor=actor, dry_run=options["dry_run"])
        for error in outcome.errors:
            self.stderr.write(f"第 {error.row} 行 {error.column or '整行'}：{error.message}")
        if outcome.errors:
            raise CommandError(f"有 {len(outcome.errors)} 处问题，没有写入任何数据。")
        verb = "检查通过，将" if options["dry_run"] else "已"
        self.stdout.write(f"{verb}新增 {outcome.created} 条，更新 {outcome.updated} 条{kind.title}。")
