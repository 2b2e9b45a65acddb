"""Whether the reader may print supervision notices, for the button beside the supervision badge."""

from __future__ import annotations

from typing import Any

from django import template

from sanfuwu.people.roles import NOTICE_PRINTERS

register = template.Library()


@register.filter
def prints_notices(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.has_role(*NOTICE_PRINTERS))
