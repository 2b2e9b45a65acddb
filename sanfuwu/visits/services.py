"""Writes of visits and pairings. Each checks what the edge may have missed and writes all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.core.numbering import number_next, numbers_reserve
from sanfuwu.issues.attachments import attachment_check
from sanfuwu.issues.models import Issue, Source, Tier
from sanfuwu.issues.services import issue_register
from sanfuwu.orgs.models import Category, Department, Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.targets.models import Target
from sanfuwu.targets.selectors import targets_visible_to
from sanfuwu.visits.models import (
    Frequency,
    Pairing,
    Policy,
    Visit,
    VisitCounter,
    VisitForm,
    VisitPhoto,
    VisitTarget,
)

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png"}
MAX_PHOTOS = 9
# Phones' clocks drift; a visit "a minute from now" is a clock, not a prophecy.
CLOCK_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class Problem:
    description: str
    category: Category
    tier: str = Tier.DEADLINE
    resolution: str = ""
    target: Target | None = None
    # Solved on the spot, the raiser told and rating it there: the issue is closed as it is registered.
    told_on_spot: bool = False
    spot_rating: str = ""


def photo_check(upload: UploadedFile) -> str:
    if PurePath(upload.name or "").suffix.lower() not in PHOTO_SUFFIXES:
        raise ValidationError(_("照片只能是 JPG 或 PNG 图片：%(name)s") % {"name": upload.name})
    try:
        return attachment_check(upload)
    except ValidationError as error:
        raise ValidationError(f"{upload.name}：{error.message_dict['file'][0]}") from None


def problem_title(description: str) -> str:
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    return first_line if len(first_line) <= 40 else first_line[:39] + "…"


def visit_region(target: Target) -> Region:
    return target.grid or target.region


@transaction.atomic
def visit_record(
    *,
    actor: Person,
    visited_at: datetime,
    targets: Sequence[Target],
    notes: str,
    form: str = VisitForm.SITE,
    companions: Sequence[Person] = (),
    departments: Sequence[Department] = (),
    place: str = "",
    met: str = "",
    policies: Sequence[Policy] = (),
    photos: Sequence[UploadedFile] = (),
    report: UploadedFile | None = None,
    problems: Sequence[Problem] = (),
    recorded_by: Person | None = None,
    number: str = "",
) -> tuple[Visit, list[Issue]]:
    """Record a visit and register each problem raised as an issue linked to it.

    An import records on someone's behalf (`recorded_by`, who then counts among the visitors) and
    keeps the number the visit already had."""
    photo_types = visit_check(
        actor=actor, visited_at=visited_at, targets=targets, notes=notes, form=form, photos=photos,
        report=report, problems=problems, number=number,
    )  # fmt: skip

    recorder = recorded_by or actor
    if number:
        numbers_reserve(VisitCounter, "ZF", [number])
    else:
        number = number_next(VisitCounter, "ZF", year=timezone.localtime(visited_at).year)
    visit = Visit.objects.create(
        number=number, visited_at=visited_at, form=form, region=visit_region(targets[0]), place=place.strip(),
        met=met.strip(), notes=notes.strip(), recorded_by=recorder, report=report,
    )  # fmt: skip
    visit.visitors.set({recorder, *companions})
    visit.departments.set(departments)
    visit.policies.set(policies)
    day = timezone.localtime(visited_at).date()
    VisitTarget.objects.bulk_create(
        [VisitTarget(visit=visit, target=t, visited_on=day) for t in dict.fromkeys(targets)]
    )
    for photo, content_type in zip(photos, photo_types, strict=True):
        VisitPhoto.objects.create(
            visit=visit, file=photo, name=PurePath(photo.name or "photo").name[:200],
            content_type=content_type, size=photo.size or 0,
        )  # fmt: skip
    issues = []
    for i, problem in enumerate(problems):
        target = problem.target or targets[0]
        try:
            issue = issue_register(
                actor=actor, title=problem_title(problem.description), description=problem.description,
                source=Source.VISIT, category=problem.category, region=visit_region(target), tier=problem.tier,
                target=target, resolution=problem.resolution, visit=visit,
                told_on_spot=problem.told_on_spot, spot_rating=problem.spot_rating,
            )  # fmt: skip
        except ValidationError as error:
            # Said at the problem it concerns; the whole visit is rolled back with it.
            raise ValidationError(
                {
                    f"problems-{i}-{'description' if k == '__all__' else k}": v
                    for k, v in error.message_dict.items()
                }
            ) from None
        issues.append(issue)
    return visit, issues


def visit_check(
    *,
    actor: Person,
    visited_at: datetime,
    targets: Sequence[Target],
    notes: str,
    form: str = VisitForm.SITE,
    photos: Sequence[UploadedFile] = (),
    report: UploadedFile | None = None,
    problems: Sequence[Problem] = (),
    number: str = "",
) -> list[str]:
    """`visit_record`'s rules, without writing (an import's check); the photos' content types."""
    errors: dict[str, list[str]] = {}
    if visited_at > timezone.now() + CLOCK_SLACK:
        errors["visited_at"] = [_("走访时间不能晚于现在。")]
    if not targets:
        errors["targets"] = [_("请至少选择一个走访对象。")]
    elif targets_visible_to(actor).filter(pk__in=[t.pk for t in targets]).count() != len(set(targets)):
        errors["targets"] = [_("所选走访对象不在您的管辖范围内。")]
    if len(notes.strip()) < 5:
        errors["notes"] = [_("请简要记录走访情况（至少 5 个字）。")]
    if form not in VisitForm.values:
        errors["form"] = [_("请选择走访形式。")]
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("照片最多 %(n)s 张。") % {"n": MAX_PHOTOS}]
    photo_types = []
    for photo in photos:
        try:
            photo_types.append(photo_check(photo))
        except ValidationError as error:
            errors.setdefault("photos", []).extend(error.messages)
    if report is not None:
        try:
            attachment_check(report)
        except ValidationError as error:
            errors["report"] = error.message_dict["file"]
    for i, problem in enumerate(problems):
        if len(problem.description.strip()) < 5:
            errors[f"problems-{i}-description"] = [_("请写明问题内容（至少 5 个字）。")]
        if problem.tier == Tier.DONE and len(problem.resolution.strip()) < 2:
            errors[f"problems-{i}-resolution"] = [_("现场已解决的问题请填写解决情况。")]
    if number and Visit.objects.filter(number=number).exists():
        errors["number"] = [_("已有编号为 %(n)s 的走访记录。") % {"n": number}]
    if errors:
        raise ValidationError(errors)
    return photo_types


def pairing_check(pairing: Pairing, *, actor: Person) -> None:
    scope = scope_of(actor)
    if pairing.ends_on is not None and pairing.starts_on and pairing.ends_on < pairing.starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    if not targets_visible_to(actor).filter(pk=pairing.target_id).exists():
        raise ValidationError({"target": _("该联系对象不在您的管辖范围内。")})
    if pairing.person is not None and not (scope.everything or scope.covers(pairing.person.region)):
        raise ValidationError({"person": _("包联人不在您的管辖范围内。")})
    if (
        pairing.person is not None
        and not targets_visible_to(pairing.person).filter(pk=pairing.target_id).exists()
    ):
        # They could never record a visit there.
        raise ValidationError({"person": _("包联人无权走访该联系对象，请选择其所在网格或区域的人员。")})
    pairing.full_clean()


@transaction.atomic
def pairing_create(
    *,
    actor: Person,
    target: Target,
    frequency: str,
    starts_on: date,
    person: Person | None = None,
    department: Department | None = None,
    ends_on: date | None = None,
) -> Pairing:
    pairing = Pairing(
        target=target,
        person=person,
        department=department,
        frequency=frequency,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    pairing_check(pairing, actor=actor)
    pairing.save()
    return pairing


@transaction.atomic
def pairings_assign_grid(
    *, actor: Person, grid: Region, person: Person, starts_on: date, frequency: str = Frequency.MONTHLY
) -> list[Pairing]:
    """Pair every active enterprise of a grid with a person, skipping those they already hold."""
    if grid.kind != RegionKind.GRID or not scope_of(actor).covers(grid):
        raise ValidationError({"grid": _("请选择您管辖范围内的网格。")})
    held = Pairing.objects.filter(person=person, ends_on__isnull=True).values("target_id")
    targets = Target.objects.filter(grid=grid, active=True, kind="enterprise").exclude(pk__in=held)
    created = []
    for target in targets:
        pairing = Pairing(target=target, person=person, frequency=frequency, starts_on=starts_on)
        pairing_check(pairing, actor=actor)
        created.append(pairing)
    return Pairing.objects.bulk_create(created)


@transaction.atomic
def pairing_update(*, actor: Person, pairing: Pairing, frequency: str, ends_on: date | None) -> Pairing:
    """A pairing's frequency or end changes; who pairs with whom, from when, does not."""
    pairing.frequency, pairing.ends_on = frequency, ends_on
    pairing_check(pairing, actor=actor)
    pairing.save(update_fields=["frequency", "ends_on"])
    return pairing
