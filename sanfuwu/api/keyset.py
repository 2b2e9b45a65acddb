"""Keyset pages, newest first: a page ends where the next begins, at a moment and an id, so a page
deep in a million rows costs what the first one does (no OFFSET)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from sanfuwu.api.errors import ApiError


def cursor_of(moment: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode()


def before_cursor(field: str, cursor: str) -> Q:
    """The rows after `cursor` in (-field, -pk) order; a cursor not made here is a 400 at `after`."""
    try:
        moment, _sep, pk = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        at, last = datetime.fromisoformat(moment), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(
            400, _("翻页参数 after 无效，请使用上一页返回的 next。"), {"after": [_("无效的翻页参数。")]}
        ) from None
    return Q(**{f"{field}__lt": at}) | Q(**{field: at, "pk__lt": last})
