from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sanfuwu.imports.kinds import kinds_for
from sanfuwu.notify.selectors import unread_badge
from sanfuwu.people.roles import VISIT_RECORDERS
from sanfuwu.portal.nav import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    entries = nav_for(user)
    parts = request.path.strip("/").split("/")
    # A page with an entry of its own ("issues/triage", "visits/coverage") marks that entry;
    # any other page marks its app's first entry ("issues", "visits").
    two = "/".join(parts[:2])
    section = two if two in {entry.section for entry in entries} else parts[0]
    bell, bell_capped = unread_badge(user)
    return {
        "bell": bell,
        "bell_capped": bell_capped,
        "nav_entries": entries,
        "nav_section": section,
        "may_record_visits": user.is_superuser or user.has_role(*VISIT_RECORDERS),
        # What the reader may import, so that a list offers its import next to its export.
        "may_import": {kind.key for kind in kinds_for(user)},
    }
