"""Writes that start an issue's life; everything after registration goes through workflow.issue_act."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.core.numbering import number_next
from sanfuwu.issues.models import (
    ChecklistItem,
    ChecklistTemplateItem,
    Issue,
    IssueCounter,
    IssueEvent,
    Source,
    Status,
    Tier,
)
from sanfuwu.issues.workflow import Action, actor_holds
from sanfuwu.orgs.models import Category, Region
from sanfuwu.people.models import Person, Role
from sanfuwu.people.scope import scope_of
from sanfuwu.targets.models import Target

if TYPE_CHECKING:
    from sanfuwu.visits.models import Visit

REGISTRARS = frozenset({Role.VISITOR, Role.DISPATCHER, Role.ADMIN})


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
) -> Issue:
    if not actor_holds(actor, REGISTRARS):
        raise ValidationError({"__all__": _("您的角色不能登记问题。")})
    scope = scope_of(actor)
    if target is not None and not (scope.covers(target.region) or scope.covers(target.grid)):
        raise ValidationError({"target": _("该联系对象不在您的管辖范围内。")})
    if not scope.covers(region):
        raise ValidationError({"region": _("所选区域不在您的管辖范围内。")})
    if source not in Source.values:
        raise ValidationError({"source": _("请选择问题来源。")})
    if tier not in Tier.values:
        raise ValidationError({"tier": _("请选择办理类型。")})
    if not category.active:
        raise ValidationError({"category": _("该事项分类已停用。")})
    resolution = resolution.strip()
    if tier == Tier.DONE and len(resolution) < 2:
        raise ValidationError({"resolution": _("已经办的问题请填写现场办理结果。")})
    now = registered_at or timezone.now()
    done = tier == Tier.DONE
    issue = Issue(
        number=issue_next_number(year=timezone.localtime(now).year),
        title=title.strip(), description=description.strip(), source=source, category=category,
        region=region, tier=tier, target=target, raiser_name=raiser_name.strip(),
        raiser_phone=raiser_phone.strip(), registered_at=now, registered_by=actor, visit=visit,
        status=Status.RESOLVED if done else Status.REGISTERED,
        resolution=resolution if done else "", resolved_at=now if done else None,
    )  # fmt: skip
    issue.full_clean()
    issue.save()
    changes = {"tier": tier}
    if done:
        changes.update(resolution=resolution, resolved_at=now.isoformat())
    IssueEvent.objects.create(
        issue=issue, seq=1, action=Action.REGISTER, actor=actor, at=now, from_status="",
        to_status=issue.status, note=resolution if done else "", changes=changes,
    )  # fmt: skip
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(issue=issue, label=item.label, required=item.required, sort_order=item.sort_order)
            for item in ChecklistTemplateItem.objects.filter(category=category)
        ]
    )
    return issue
