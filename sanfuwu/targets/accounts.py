"""Enterprise accounts (服务企业): opened by staff for a contact of the enterprise, or by the contact
through an invitation link staff made; an account belongs to one enterprise and is no staff."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.people.models import Person, phone_validator
from sanfuwu.targets.models import EnterpriseAccount, EnterpriseInvite, Target, TargetKind

INVITE_DAYS = 7


def account_of(person: object) -> EnterpriseAccount | None:
    """The enterprise account `person` is, or None for staff (and for nobody signed in)."""
    if not isinstance(person, Person) or person.pk is None:
        return None
    if not hasattr(person, "_enterprise_account"):
        person._enterprise_account = (  # type: ignore[attr-defined]
            EnterpriseAccount.objects.select_related("target").filter(person=person).first()
        )
    found: EnterpriseAccount | None = person._enterprise_account  # type: ignore[attr-defined]
    return found


def _key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Invitation:
    invite: EnterpriseInvite
    raw: str


def invite_create(*, target: Target, actor: Person) -> Invitation:
    if target.kind != TargetKind.ENTERPRISE or not target.active:
        raise ValidationError({"__all__": _("只能为有效的企业开通企业账号。")})
    raw = secrets.token_urlsafe(24)
    invite = EnterpriseInvite.objects.create(
        target=target,
        key_hash=_key_hash(raw),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITE_DAYS),
    )
    return Invitation(invite=invite, raw=raw)


def invite_live(raw: str) -> EnterpriseInvite | None:
    """The invitation `raw` opens, while it is unused and in time; None for anything else, alike."""
    invite = EnterpriseInvite.objects.select_related("target").filter(key_hash=_key_hash(raw)).first()
    if invite is None or invite.used_at is not None or invite.expires_at <= timezone.now():
        return None
    return invite


def _new_person(*, username: str, name: str, phone: str, password: str) -> Person:
    username, name, phone = username.strip(), name.strip(), phone.strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [_("请填写登录账号。")]
    elif Person.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("该账号已被使用，请换一个。")]
    if not name:
        errors["name"] = [_("请填写联系人姓名。")]
    if phone:
        try:
            phone_validator(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    person = Person(username=username, name=name, phone=phone)
    try:
        validate_password(password, person)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    person.set_password(password)
    person.save()
    return person


@transaction.atomic
def account_create(*, target: Target, username: str, name: str, phone: str, password: str,
                   actor: Person | None = None) -> EnterpriseAccount:  # fmt: skip
    """An account for a contact of `target`: no unit, no role, reaching only the enterprise pages."""
    if target.kind != TargetKind.ENTERPRISE or not target.active:
        raise ValidationError({"__all__": _("只能为有效的企业开通企业账号。")})
    person = _new_person(username=username, name=name, phone=phone, password=password)
    return EnterpriseAccount.objects.create(person=person, target=target, created_by=actor)


@transaction.atomic
def invite_accept(*, raw: str, username: str, name: str, phone: str, password: str) -> EnterpriseAccount:
    """The contact opens the account the invitation offers; the invitation is used up, once."""
    invite = invite_live(raw)
    if invite is None:
        raise ValidationError({"__all__": _("邀请链接无效、已使用或已过期，请联系工作人员重新生成。")})
    account = account_create(target=invite.target, username=username, name=name, phone=phone, password=password,
                             actor=invite.created_by)  # fmt: skip
    used = EnterpriseInvite.objects.filter(pk=invite.pk, used_at__isnull=True).update(
        used_at=timezone.now(), used_by=account.person
    )
    if used != 1:  # someone opened it a moment before: this account is not made
        raise ValidationError({"__all__": _("邀请链接已被使用，请联系工作人员重新生成。")})
    return account
