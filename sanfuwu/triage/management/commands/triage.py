from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfuwu.issues.models import Issue
from sanfuwu.triage.similar import issues_bands_backfill, similar_to
from sanfuwu.triage.split import split_notes
from sanfuwu.triage.suggest import advise
from sanfuwu.triage.topics import issues_topics_backfill
from sanfuwu.triage.training import district_train, shipped_write


class Command(BaseCommand):
    help = (
        "智能分拨：train 训练模型（--shipped 只用随产品的语料，重写随产品发布的模型文件）；"
        "suggest 文本 —— 建议的分类；split 段落 —— 拆出的问题；similar 文本 —— 相似的问题；"
        "index —— 为尚未建立相似索引的问题建立索引。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["train", "suggest", "split", "similar", "index"])
        parser.add_argument("text", nargs="?", default="")
        parser.add_argument("--shipped", action="store_true", help="只用随产品的语料训练并写入模型文件")

    def handle(self, *args: Any, **options: Any) -> None:
        action, text = options["action"], options["text"].strip()
        if action in {"suggest", "split", "similar"} and not text:
            raise CommandError('请在命令后给出文本，例如：sanfuwu triage suggest "小区电梯经常困人"。')
        if action == "train":
            if options["shipped"]:
                size = shipped_write()
                self.stdout.write(f"已重写随产品发布的模型（{size} 字节）。")
            else:
                row = district_train()
                self.stdout.write(
                    f"已训练模型 #{row.pk}：样本 {row.examples} 条，其中本区交办记录 {row.history} 条。"
                )
        elif action == "suggest":
            for guess in advise(text).categories:
                self.stdout.write(f"{guess.category.code}\t{guess.category.name}\t{guess.confidence:.3f}")
        elif action == "split":
            for problem in split_notes(text):
                self.stdout.write(f"{problem.text}\t{problem.code}")
        elif action == "similar":
            matches = similar_to(text, floor=0.2)
            issues = Issue.objects.in_bulk([m.issue_id for m in matches])
            for m in matches:
                issue = issues[m.issue_id]
                self.stdout.write(f"{issue.number}\t{m.similarity:.3f}\t{issue.title}")
        else:
            done = issues_bands_backfill(Issue.objects.all())
            topics = issues_topics_backfill(Issue.objects.all())
            self.stdout.write(f"已为 {done} 个问题建立相似索引，为 {topics} 个问题归入问题类型。")
