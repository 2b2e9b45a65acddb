"""Writes of the horse race: an evaluator's scores and the closing of a review meeting."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.orgs.models import Department, Region
from sanfuwu.people.models import Person
from sanfuwu.people.roles import MEETING_CHAIRS
from sanfuwu.people.scope import scope_of
from sanfuwu.scoring.models import (
    Indicator,
    League,
    ManualValue,
    ReviewCriterion,
    ReviewMeeting,
    ReviewScore,
    Source,
)


def review_scores_submit(
    *, meeting: ReviewMeeting, evaluator: Person, raw: dict[tuple[Any, int], str]
) -> int:
    """Save one evaluator's scores, (unit id, criterion id) → text typed, all or none."""
    if not meeting.evaluators.filter(pk=evaluator.pk).exists():
        raise ValidationError({"__all__": [_("您不是本次测评的评分员。")]})
    criteria = {c.pk: c for c in meeting.criteria.all()}
    errors: dict[str, list[str]] = {}
    parsed: dict[tuple[Any, int], Decimal] = {}
    for (unit, criterion_id), text in raw.items():
        criterion = criteria.get(criterion_id)
        field = f"score-{unit}-{criterion_id}"
        if criterion is None:
            errors[field] = [_("没有这个评分项。")]
            continue
        text = (text or "").strip()
        if not text:
            errors[field] = [_("请为每一项打分。")]
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            errors[field] = [_("请填写数字。")]
            continue
        if not Decimal(0) <= value <= criterion.max_score or value != value.quantize(Decimal("0.1")):
            errors[field] = [_("分数应在 0 到 %(max)s 之间，最多一位小数。") % {"max": criterion.max_score}]
            continue
        parsed[(unit, criterion_id)] = value
    if errors:
        raise ValidationError(errors)
    unit_field = "department_id" if meeting.league == League.DEPARTMENT else "region_id"
    with transaction.atomic():
        # Lock the meeting so that a close and a late submission cannot both succeed.
        locked = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.closed_at is not None:
            raise ValidationError({"__all__": [_("测评已结束，评分不能再提交或修改。")]})
        for (unit, criterion_id), value in parsed.items():
            ReviewScore.objects.update_or_create(
                criterion_id=criterion_id, evaluator=evaluator, **{unit_field: unit},
                defaults={"score": value, "scored_at": timezone.now()},
            )  # fmt: skip
    return len(parsed)


def review_meeting_close(*, meeting: ReviewMeeting, actor: Person) -> None:
    if not (actor.is_superuser or actor.has_role(*MEETING_CHAIRS)):
        raise ValidationError({"__all__": [_("只有领导或系统管理员可以结束测评。")]})
    closed = ReviewMeeting.objects.filter(pk=meeting.pk, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )
    if not closed:
        raise ValidationError({"__all__": [_("测评已经结束。")]})


def criteria_of(meeting: ReviewMeeting) -> list[ReviewCriterion]:
    return list(meeting.criteria.all())


def manual_value_check(*, actor: Person, indicator: Indicator, unit: Region | Department) -> None:
    """Whether `actor` may enter `indicator` for `unit`; refusals keyed "indicator" and "unit"."""
    scope = scope_of(actor)
    errors: dict[str, str] = {}
    if indicator.source != Source.MANUAL:
        errors["indicator"] = _("“%(name)s”不是手工录入的指标。") % {"name": indicator.name}
    is_department = isinstance(unit, Department)
    if (indicator.league == League.DEPARTMENT) != is_department:
        errors["unit"] = _("该指标属于“%(league)s”赛道，单位须为%(kind)s。") % {
            "league": indicator.get_league_display(),
            "kind": _("部门") if indicator.league == League.DEPARTMENT else _("街道或园区"),
        }
    elif is_department and not scope.everything:
        errors["unit"] = _("只有全区的调度员或管理员可以录入部门的指标值。")
    elif isinstance(unit, Region) and not scope.covers(unit):
        errors["unit"] = _("所选单位不在您的管辖范围内。")
    if errors:
        raise ValidationError(errors)


def manual_value_set(
    *, actor: Person, indicator: Indicator, unit: Region | Department, month: date, value: Decimal
) -> tuple[ManualValue, bool]:
    """Enter (or correct) a unit's value of a hand-entered indicator for a month."""
    entry, created = manual_value_prepare(
        actor=actor, indicator=indicator, unit=unit, month=month, value=value
    )
    entry.save()
    return entry, created


def manual_value_prepare(
    *, actor: Person, indicator: Indicator, unit: Region | Department, month: date, value: Decimal
) -> tuple[ManualValue, bool]:
    """`manual_value_set`'s rules, without writing: the unsaved entry and whether it is new."""
    manual_value_check(actor=actor, indicator=indicator, unit=unit)
    unit_field = "department" if isinstance(unit, Department) else "region"
    key = {"indicator": indicator, "month": month.replace(day=1), unit_field: unit}
    entry = ManualValue.objects.filter(**key).first()
    created = entry is None
    if entry is None:
        entry = ManualValue(**key)
    entry.value, entry.entered_by, entry.entered_at = value, actor, timezone.now()
    entry.full_clean()
    return entry, created
