from __future__ import annotations

from django.conf import settings

from sanfuwu.people.models import Person

# The demo's own logins, in the order a newcomer would try them.
DEMO_LOGINS = [
    "admin",
    "leader",
    "dispatcher",
    "handler",
    "head",
    "visitor",
    "supervisor",
    "evaluator",
    "qiye",
]


def demo_logins_text() -> str:
    found = {
        p.username: p
        for p in Person.objects.filter(username__in=DEMO_LOGINS).select_related(
            "region", "department", "enterprise_account__target"
        )
    }
    if not found:
        return ""
    lines = [f"演示账号（密码均为 {settings.SANFUWU_DEMO_PASSWORD}）："]
    for username in DEMO_LOGINS:
        person = found.get(username)
        if person is None:
            continue
        account = getattr(person, "enterprise_account", None)
        if account is not None:  # 服务企业: the enterprise's own login
            lines.append(f"  {username:<11} {person.name}  企业账号  {account.target.name}")
        else:
            lines.append(
                f"  {username:<11} {person.name}  {'、'.join(person.role_labels())}  {person.unit_name}"
            )
    return "\n".join(lines)
