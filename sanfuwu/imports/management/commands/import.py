import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from sanfuwu.imports.kinds import KINDS
from sanfuwu.imports.models import RunState
from sanfuwu.imports.runs import import_run_create, import_run_execute
from sanfuwu.imports.workbook import FileRefused, SheetReader
from sanfuwu.people.models import Person


class ProgressBar:
    """A bar on the terminal, redrawn in place; a line per tenth when the output is a file."""

    def __init__(self, out: OutputWrapper) -> None:
        self.out, self.started, self.shown = out, time.monotonic(), -1
        self.tty = out.isatty()

    def __call__(self, done: int, total: int) -> None:
        total = max(total, done, 1)
        share = done / total
        elapsed = max(time.monotonic() - self.started, 1e-6)
        text = f"{share:6.1%} {done:>8,}/{total:,} 行  {done / elapsed:,.0f} 行/秒"
        if self.tty:
            filled = int(share * 30)
            self.out.write(
                f"\r[{'█' * filled}{'·' * (30 - filled)}] {text}", ending="\n" if done >= total else ""
            )
            self.out.flush()
        elif int(share * 10) > self.shown:
            self.shown = int(share * 10)
            self.out.write(text)


class Command(BaseCommand):
    help = "从 Excel 导入数据：sanfuwu import KIND FILE [--dry-run]。任何一行有误则整份文件都不写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--user", default="admin", help="以哪个账号的权限导入（默认 admin）")
        parser.add_argument("--report", type=Path, help="有问题时，把标注了问题的 Excel 写到这里")
        parser.add_argument("--quiet", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = KINDS[options["kind"]]
        actor = Person.objects.filter(username__iexact=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"没有账号 {options['user']}。")
        if not kind.allowed(actor):
            raise CommandError(f"账号 {actor.username} 的角色不能导入{kind.title}。")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        data = path.read_bytes()
        try:
            SheetReader(data, kind.columns, path.name)
        except FileRefused as refused:
            raise CommandError(str(refused)) from None
        run = import_run_create(
            actor=actor, kind=kind, filename=path.name, data=data, dry_run=options["dry_run"]
        )
        bar = None if options["quiet"] else ProgressBar(self.stderr)
        run = import_run_execute(run_id=run.pk, progress=bar)
        if run.state == RunState.REFUSED and run.message:
            raise CommandError(run.message)
        for error in run.errors:
            self.stderr.write(f"第 {error['row']} 行 {error['column'] or '整行'}：{error['message']}")
        if run.error_count > len(run.errors):
            self.stderr.write(f"……另有 {run.error_count - len(run.errors)} 处问题。")
        if run.error_count:
            if options["report"] and run.report is not None:
                options["report"].write_bytes(bytes(run.report.data))
                self.stderr.write(f"标注了问题的 Excel：{options['report']}")
            raise CommandError(f"有 {run.error_count} 处问题，没有写入任何数据。")
        verb = "检查通过，将" if options["dry_run"] else "已"
        self.stdout.write(
            f"{verb}新增 {run.created} 条，更新 {run.updated} 条，跳过 {run.skipped} 条{kind.title}（共 {run.rows} 行）。"
        )
        for notice in run.notices:
            self.stdout.write(notice)
