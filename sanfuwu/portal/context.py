from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sanfuwu.portal.nav import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    parts = request.path.strip("/").split("/")
    # "issues/triage" marks its own entry; any other issue page marks the issue list.
    section = (
        "/".join(parts[:2])
        if parts[:2] in (["issues", "triage"], ["issues", "work"], ["issues", "mine"])
        else parts[0]
    )
    return {"nav_entries": nav_for(user), "nav_section": section}
