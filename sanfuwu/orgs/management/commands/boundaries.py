from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfuwu.orgs.boundaries import regions_boundaries_import


class Command(BaseCommand):
    help = (
        "导入区域边界：boundaries FILE.geojson —— 每个要素以 properties.name 注明区域；有任何错误则不写入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            n = regions_boundaries_import(raw=path.read_bytes())
        except ValidationError as exc:
            raise CommandError("边界文件有误，未写入任何边界：\n" + "\n".join(exc.messages)) from None
        self.stdout.write(f"已导入 {n} 个区域的边界。")
