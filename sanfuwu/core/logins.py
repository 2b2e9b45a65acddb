from __future__ import annotations

from django.conf import settings

from sanfuwu.people.models import Person

# The demo's own logins, in the order a newcomer would try them.
DEMO_LOGINS = ["admin", "leader", "dispatcher", "handler", "head", "visitor", "supervisor", "evaluator"]


def demo_logins_text() -> str:
    found = {
        p.username: p
        for p in Person.objects.filter(username__in=DEMO_LOGINS).select_related("region", "department")
    }
    if not found:
        return ""
    lines = [f"演示账号（密码均为 {settings.SANFUWU_DEMO_PASSWORD}）："]
    for username in DEMO_LOGINS:
        person = found.get(username)
        if person:
            lines.append(
                f"  {username:<11} {person.name}  {'、'.join(person.role_labels())}  {person.unit_name}"
            )
    return "\n".join(lines)
