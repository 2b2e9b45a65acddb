from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfuwu.orgs.catalog import DEFAULT_CATALOG, CatalogError, catalog_load


class Command(BaseCommand):
    help = "载入区域、部门和事项分类目录（默认为产品自带的目录），可重复执行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_CATALOG, help="目录 YAML 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"找不到目录文件：{path}")
        try:
            result = catalog_load(path=path)
        except CatalogError as exc:
            raise CommandError(str(exc)) from None
        c = result.created
        self.stdout.write(
            f"目录已载入（{result.district.name}）：新增区域 {c['region']} 个、部门 {c['department']} 个、"
            f"事项分类 {c['category']} 个。"
        )
