"""Reads of the horse race that depend on who is reading."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from sanfuwu.people.models import Person
from sanfuwu.people.roles import MEETING_CHAIRS
from sanfuwu.scoring.models import ReviewMeeting


def meetings_visible_to(person: Person) -> QuerySet[ReviewMeeting]:
    """Leaders and admins see every meeting, evaluators their own; everyone sees closed results."""
    qs = ReviewMeeting.objects.all()
    if person.is_superuser or person.has_role(*MEETING_CHAIRS):
        return qs
    return qs.filter(Q(evaluators=person) | Q(closed_at__isnull=False)).distinct()


def meeting_get_for(person: Person, pk: int) -> ReviewMeeting:
    meeting = meetings_visible_to(person).filter(pk=pk).first()
    if meeting is None:
        raise Http404("没有找到该测评会议")
    return meeting
