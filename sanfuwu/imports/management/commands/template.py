from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanfuwu.imports.kinds import KINDS
from sanfuwu.imports.workbook import template_workbook


class Command(BaseCommand):
    help = "生成导入模板：sanfuwu template KIND OUT.xlsx（含中文列名、填写说明和示例行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("out", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        kind = KINDS[options["kind"]]
        template_workbook(kind.columns, str(kind.title)).save(options["out"])
        self.stdout.write(f"已生成{kind.title}导入模板：{options['out']}")
