"""Reading one's notices: every read is scoped to the reader, so another person's notice is as
missing as one that never was."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from sanfuwu.core.paging import badge_count
from sanfuwu.notify.models import Notice
from sanfuwu.people.models import Person

SHOWS = ("unread", "read", "all")


def notices_of(person: Person, show: str = "unread") -> QuerySet[Notice]:
    qs = Notice.objects.filter(recipient=person)
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    elif show == "read":
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-id")


def notice_get_for(person: Person, pk: int) -> Notice:
    notice = Notice.objects.filter(recipient=person, pk=pk).first()
    if notice is None:
        raise Http404
    return notice


def unread_badge(person: Person) -> tuple[int, bool]:
    """The bell's figure, counted to 999+ from the inbox index alone."""
    return badge_count(Notice.objects.filter(recipient=person, read_at__isnull=True))
