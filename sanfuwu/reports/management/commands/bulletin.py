from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sanfuwu.core.periods import previous_span, span_bounds, week_monday
from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.reports.bulletin import bulletin_document
from sanfuwu.reports.figures import bulletin_figures
from sanfuwu.scoring.models import League
from sanfuwu.scoring.standings import league_board


class Command(BaseCommand):
    help = (
        "生成通报（Word）：sanfuwu bulletin --unit 下沙街道 --period 2025-10 OUT.docx；"
        "周通报 --period 2025-W42；--unit 省略为全区。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path)
        parser.add_argument("--unit", default="", help="街道、园区等区域名称，默认全区")
        parser.add_argument("--period", required=True, help="月份 YYYY-MM，或周 YYYY-Www（如 2025-W42）")
        parser.add_argument("--span", choices=["month", "quarter", "year"], default="month")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["unit"]:
            unit = Region.objects.filter(name=options["unit"]).first()
        else:
            unit = Region.objects.filter(kind=RegionKind.DISTRICT).first()
        if unit is None:
            raise CommandError(f"没有名为“{options['unit']}”的区域。")
        raw = options["period"].strip().upper()
        if "-W" in raw:
            monday = week_monday(raw)
            if monday is None:
                raise CommandError("--period 的周应写成 YYYY-Www，如 2025-W42。")
            start, end = monday, monday + timedelta(days=6)
            previous = (start - timedelta(days=7), end - timedelta(days=7))
        else:
            try:
                year, month = (int(p) for p in raw.split("-"))
                date(year, month, 1)
            except ValueError:
                raise CommandError(
                    "--period 应为 YYYY-MM（如 2025-10）或 YYYY-Www（如 2025-W42）。"
                ) from None
            start, end = span_bounds(options["span"], f"{year}-{month}", timezone.localdate())
            previous = previous_span(options["span"], start)
        board = league_board(League.TERRITORY, start, end, previous=previous)
        data = bulletin_document(
            bulletin_figures(unit, start, end), board, issuer=f"{unit.name}“三服务”工作领导小组办公室"
        )
        options["out"].write_bytes(data)
        self.stdout.write(f"已生成通报：{options['out']}")
