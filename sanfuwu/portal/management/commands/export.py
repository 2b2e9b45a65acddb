from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404, QueryDict

from sanfuwu.core.xlsx import xlsx_save
from sanfuwu.people.models import Person
from sanfuwu.portal.exporting import EXPORTS


class Command(BaseCommand):
    help = (
        "导出 Excel：sanfuwu export KIND OUT.xlsx [条件=值 ...]，条件与列表页的查询参数相同，"
        "如 status=closed month=2025-10；走访记录 month=all 导出全部月份。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(EXPORTS))
        parser.add_argument("out", type=Path)
        parser.add_argument("filters", nargs="*", help="条件=值，如 tier=deadline")
        parser.add_argument("--user", default="admin", help="按哪个账号的可见范围导出（默认 admin）")

    def handle(self, *args: Any, **options: Any) -> None:
        person = Person.objects.filter(username__iexact=options["user"], is_active=True).first()
        if person is None:
            raise CommandError(f"没有账号 {options['user']}。")
        params = QueryDict(mutable=True)
        for item in options["filters"]:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise CommandError(f"条件应写成 条件=值：{item}")
            params.appendlist(key, value)
        try:
            built = EXPORTS[options["kind"]](person, params)
        except Http404 as missing:
            raise CommandError(str(missing)) from None
        xlsx_save(options["out"], built.sheets)
        self.stdout.write(f"已导出：{options['out']}")
