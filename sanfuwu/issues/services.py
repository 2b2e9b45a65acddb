"""Writes that start an issue's life; everything after registration goes through workflow.issue_act."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.core.numbering import number_next
from sanfuwu.issues.history import History, NotAllowed, history_save_step
from sanfuwu.issues.models import Action, ChecklistTemplateItem, Issue, IssueCounter, Tier
from sanfuwu.issues.places import point_check
from sanfuwu.issues.rules import NEW, Actor
from sanfuwu.orgs.models import Category, Region
from sanfuwu.people.models import Person
from sanfuwu.targets.models import Target
from sanfuwu.triage.intake import issue_note_intake

if TYPE_CHECKING:
    from sanfuwu.visits.models import Visit


REFERENCES = ["category", "region", "target", "registered_by", "visit"]


def issue_next_number(*, year: int) -> str:
    """WT-2025-000123: numbers run per year and are never reused (a void issue keeps its number)."""
    return number_next(IssueCounter, "WT", year=year)


@transaction.atomic
def issue_register(
    *,
    actor: Person,
    title: str,
    description: str,
    source: str,
    category: Category,
    region: Region,
    tier: str = Tier.DEADLINE,
    target: Target | None = None,
    raiser_name: str = "",
    raiser_phone: str = "",
    resolution: str = "",
    registered_at: datetime | None = None,
    visit: Visit | None = None,
    told_on_spot: bool = False,
    spot_rating: str = "",
    address: str = "",
    latitude: object = None,
    longitude: object = None,
    public: bool = False,
) -> Issue:
    """Write a problem down: its first event, and its category's checklist to work through.

    A problem solved on the spot (已经办) whose raiser was told there and rated it (`told_on_spot`,
    `spot_rating`) is answered, rated and closed with it: four events, all written or none."""
    if told_on_spot and tier != Tier.DONE:
        raise ValidationError({"told_on_spot": _("只有已经办（当场办结）的问题可以当场告知后直接销号。")})
    at = registered_at or timezone.now()
    latitude, longitude = point_check(latitude, longitude)
    issue = Issue(
        title=title.strip(), description=description.strip(), source=source, category=category,
        region=region, target=target, raiser_name=raiser_name.strip(), raiser_phone=raiser_phone.strip(),
        registered_at=at, registered_by=actor, visit=visit, status=NEW, tier=tier,
        address=address.strip(), latitude=latitude, longitude=longitude,
    )  # fmt: skip
    h = History(issue)
    checklist = list(ChecklistTemplateItem.objects.filter(category=category))
    try:
        h.apply(
            Action.REGISTER,
            # `public`: `actor` is the public channel's account, raising for a resident.
            Actor.public(actor) if public else Actor.of(actor),
            at,
            {"tier": tier, "resolution": resolution, "checklist": checklist},
        )
    except NotAllowed as exc:
        raise ValidationError(
            {"region" if exc.refusal.kind == "relation" else "__all__": exc.refusal.message}
        ) from None
    issue.number = issue_next_number(year=timezone.localtime(at).year)
    # The fields' own rules (lengths, choices, the phone number); not a query per related row the
    # caller handed over as an object, nor the number the counter just issued, nor the closed
    # issue's constraint a new one cannot meet: the database holds those, and intake is the
    # busiest write there is.
    issue.full_clean(exclude=REFERENCES, validate_unique=False, validate_constraints=False)
    issue.save()
    history_save_step(h)
    issue_note_intake(issue=issue)
    if told_on_spot:
        issue = _close_on_spot(issue, actor, spot_rating)
    return issue


def _close_on_spot(issue: Issue, actor: Person, rating: str) -> Issue:
    from sanfuwu.issues.aftercare import issue_close_on_spot

    try:
        return issue_close_on_spot(issue=issue, actor=actor, version=issue.version, rating=rating)
    except NotAllowed as exc:
        raise ValidationError({"told_on_spot": exc.refusal.message}) from None
    except ValidationError as exc:
        # Said at the registration form's own fields; raised here, the registration rolls back too.
        fields = {"rating": "spot_rating"}
        raise ValidationError(
            {fields.get(k, "told_on_spot"): v for k, v in exc.message_dict.items()}
        ) from None
