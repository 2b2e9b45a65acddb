"""`sanfuwu token create USER` makes an API token from the command line (for scripts and for the
API check that fuzzes the running server); `sanfuwu token revoke PREFIX` revokes one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanfuwu.people.models import Person
from sanfuwu.tokens.models import ApiToken, TokenScope
from sanfuwu.tokens.services import token_create, token_revoke


class Command(BaseCommand):
    help = "创建或撤销接口令牌。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        create = sub.add_parser("create", help="为某人创建令牌，打印令牌本身（仅此一次）")
        create.add_argument("username")
        create.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        create.add_argument("--days", type=int, default=30)
        create.add_argument("--name", default="命令行创建")
        revoke = sub.add_parser("revoke", help="按令牌前缀撤销")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "create":
            person = Person.objects.filter(username__iexact=options["username"], is_active=True).first()
            if person is None:
                raise CommandError(f"没有在岗人员 {options['username']}。")
            try:
                made = token_create(
                    person=person, name=options["name"], scope=options["scope"], days=options["days"]
                )
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from None
            self.stdout.write(made.raw)
            return
        token = ApiToken.objects.filter(prefix=options["prefix"][:12], revoked_at__isnull=True).first()
        if token is None:
            raise CommandError(f"没有以 {options['prefix']} 开头的有效令牌。")
        token_revoke(token=token)
        self.stdout.write(f"已撤销 {token.prefix}…（{token.person}：{token.name}）")
