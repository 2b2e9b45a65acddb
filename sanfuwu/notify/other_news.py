"""News that is not an issue's step: an import finished, for its author; a review meeting that
evaluators are called to."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from sanfuwu.notify.models import Kind
from sanfuwu.notify.services import notices_send
from sanfuwu.people.models import Person


def import_finished_news(
    *, author: Person, run_id: int, filename: str, state_label: str, summary: str
) -> None:
    text = _("《%(file)s》%(state)s。%(summary)s") % {
        "file": filename,
        "state": state_label,
        "summary": summary,
    }
    notices_send(
        kind=Kind.IMPORT_DONE, recipients=[author], text=text, link=reverse("imports:run", args=[run_id])
    )


def review_opened_news(*, evaluators: Iterable[Person], meeting_id: int, name: str, held_on: str) -> None:
    text = _("请参加测评会议“%(name)s”（%(day)s）并打分。") % {"name": name, "day": held_on}
    notices_send(
        kind=Kind.REVIEW_OPENED,
        recipients=evaluators,
        text=text,
        link=reverse("race:review", args=[meeting_id]),
    )
