"""Writes of the public channel: a problem raised with its photos and tracking code, and the
raiser's rating of the answer, each through the issue workflow as the channel's own account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from sanfuwu.issues.attachments import attachment_check
from sanfuwu.issues.models import Action, Attachment, Issue, Source, Tier
from sanfuwu.issues.services import issue_register
from sanfuwu.issues.workflow import issue_act_as_public
from sanfuwu.orgs.models import Category, Region
from sanfuwu.people.models import Person
from sanfuwu.people.service_accounts import PUBLIC_CHANNEL_USERNAME, public_channel
from sanfuwu.raisers.codes import code_hash, code_new
from sanfuwu.raisers.limits import attempt_record
from sanfuwu.raisers.models import Outcome, PublicRaise, Step
from sanfuwu.targets.models import EnterpriseAccount, Target

CHANNEL_USERNAME = PUBLIC_CHANNEL_USERNAME
MAX_PHOTOS = 3
PHOTO_TYPES = {"image/jpeg", "image/png"}


def _photos_check(photos: Sequence[UploadedFile]) -> None:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS}})
    for photo in photos:
        try:
            kind = attachment_check(photo)
        except ValidationError as exc:
            raise ValidationError({"photos": f"{photo.name}：{'；'.join(exc.messages)}"}) from None
        if kind not in PHOTO_TYPES:
            raise ValidationError(
                {"photos": _("%(name)s：只能上传 JPG 或 PNG 照片。") % {"name": photo.name}}
            )


def _photos_keep(issue: Issue, photos: Sequence[UploadedFile], by: Person) -> None:
    for photo in photos:
        Attachment.objects.create(
            issue=issue, file=photo, name=(photo.name or "photo")[:200], content_type=attachment_check(photo),
            size=photo.size or 0, uploaded_by=by, uploaded_at=issue.registered_at, event_seq=issue.version,
        )  # fmt: skip


def _title(description: str) -> str:
    first = description.strip().splitlines()[0] if description.strip() else ""
    return first[:30] + ("…" if len(first) > 30 else "")


@dataclass(frozen=True)
class Raised:
    issue: Issue
    code: str


def public_raise(
    *,
    description: str,
    category: Category,
    region: Region,
    address: str = "",
    latitude: object = None,
    longitude: object = None,
    target: Target | None = None,
    raiser_name: str = "",
    raiser_phone: str = "",
    photos: Sequence[UploadedFile] = (),
    from_address: str | None = None,
    device: str = "",
) -> Raised:
    """Register what a resident raised, as source 网上诉求 waiting in the dispatcher's triage, with
    its photos and a new tracking code; all of it or, on any bad part, nothing."""
    _photos_check(photos)
    channel = public_channel()
    code = code_new()
    with transaction.atomic():
        issue = issue_register(
            actor=channel, public=True, title=_title(description), description=description,
            source=Source.PORTAL, category=category, region=region, tier=Tier.DEADLINE, target=target,
            raiser_name=raiser_name, raiser_phone=raiser_phone, address=address, latitude=latitude,
            longitude=longitude,
        )  # fmt: skip
        _photos_keep(issue, photos, channel)
        PublicRaise.objects.create(
            issue=issue, code_hash=code_hash(code), address=from_address, device=device[:32]
        )
        attempt_record(
            step=Step.RAISE, outcome=Outcome.ACCEPTED, address=from_address, device=device, issue_id=issue.pk
        )
    return Raised(issue=issue, code=code)


def public_rate(
    *,
    issue: Issue,
    version: int,
    rating: str,
    note: str = "",
    from_address: str | None = None,
    device: str = "",
) -> Issue:
    """The raiser's return visit (回访), as the workflow's RATE by the channel: 不满意 sends the issue
    back to its department, as a dispatcher's call would."""
    with transaction.atomic():
        issue = issue_act_as_public(
            issue=issue,
            action=Action.RATE,
            channel=public_channel(),
            version=version,
            rating=rating,
            note=note,
        )
        attempt_record(
            step=Step.RATE, outcome=Outcome.ACCEPTED, address=from_address, device=device, issue_id=issue.pk
        )
    return issue


def company_raise(
    *, account: EnterpriseAccount, description: str, category: Category, address: str = "",
    photos: Sequence[UploadedFile] = (),
) -> Issue:  # fmt: skip
    """A problem an enterprise raises through its own account: in triage as 网上诉求, already linked
    to the enterprise and placed in its grid, the contact as the raiser."""
    _photos_check(photos)
    target = account.target
    person = account.person
    with transaction.atomic():
        issue = issue_register(
            actor=person, public=True, title=_title(description), description=description, source=Source.PORTAL,
            category=category, region=target.grid or target.region, tier=Tier.DEADLINE, target=target,
            raiser_name=person.name, raiser_phone=person.phone, address=address.strip() or target.address,
        )  # fmt: skip
        _photos_keep(issue, photos, person)
    return issue


def company_rate(
    *, account: EnterpriseAccount, issue: Issue, version: int, rating: str, note: str = ""
) -> Issue:
    """The enterprise's own return visit on a problem it raised."""
    return issue_act_as_public(
        issue=issue, action=Action.RATE, channel=account.person, version=version, rating=rating, note=note
    )
