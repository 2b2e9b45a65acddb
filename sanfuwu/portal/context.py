from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sanfuwu.portal.nav import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    section = request.path.strip("/").split("/")[0] if request.path else ""
    return {"nav_entries": nav_for(user), "nav_section": section}
