"""Repeated wrong passwords lock the login for a while: per account, against guessing one
person's password, and per address, against trying many accounts from one machine."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.audit.models import AuditAction
from sanfuwu.audit.services import audit_record
from sanfuwu.people.models import LoginFailure, Person


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.SANFUWU_LOCKOUT_SECONDS)


def _minutes_left(failures: list[datetime], limit: int) -> int:
    # Locked until the oldest failure that still counts towards the limit leaves the window.
    oldest_counted = sorted(failures, reverse=True)[limit - 1]
    left = oldest_counted + timedelta(seconds=settings.SANFUWU_LOCKOUT_SECONDS) - timezone.now()
    return max(1, int(left.total_seconds() // 60) + 1)


def login_refusal(*, username: str, address: str | None) -> str | None:
    """Why this login may not even be tried now, or None."""
    since = _window_start()
    by_account = list(
        LoginFailure.objects.filter(username=username.strip().lower(), at__gte=since, cleared=False)
        .order_by("-at")
        .values_list("at", flat=True)[: settings.SANFUWU_LOCKOUT_ACCOUNT_FAILURES]
    )
    if len(by_account) >= settings.SANFUWU_LOCKOUT_ACCOUNT_FAILURES:
        return _("密码连续输错 %(n)s 次，该账号已临时锁定，请 %(m)s 分钟后再试，或联系系统管理员解锁。") % {
            "n": settings.SANFUWU_LOCKOUT_ACCOUNT_FAILURES,
            "m": _minutes_left(by_account, settings.SANFUWU_LOCKOUT_ACCOUNT_FAILURES),
        }
    if address:
        by_address = list(
            LoginFailure.objects.filter(address=address, at__gte=since, cleared=False)
            .order_by("-at")
            .values_list("at", flat=True)[: settings.SANFUWU_LOCKOUT_ADDRESS_FAILURES]
        )
        if len(by_address) >= settings.SANFUWU_LOCKOUT_ADDRESS_FAILURES:
            return _("本机登录失败次数过多，已暂停登录，请 %(m)s 分钟后再试。") % {
                "m": _minutes_left(by_address, settings.SANFUWU_LOCKOUT_ADDRESS_FAILURES)
            }
    return None


@transaction.atomic
def login_failure_record(*, username: str, address: str | None) -> None:
    name = username.strip().lower()[:150]
    LoginFailure.objects.create(username=name, address=address)
    person = Person.objects.filter(username__iexact=name).first()
    audit_record(action=AuditAction.LOGIN_FAILED, model="people.person", object_id=str(person.pk) if person else "",
                 object_repr=name, actor=person, actor_name=name, note=_("账号或密码不正确"))  # fmt: skip
    if login_refusal(username=name, address=None) is not None:
        count = LoginFailure.objects.filter(username=name, at__gte=_window_start(), cleared=False).count()
        if count == settings.SANFUWU_LOCKOUT_ACCOUNT_FAILURES:  # the failure that locked it, once
            audit_record(action=AuditAction.LOCKED, model="people.person",
                         object_id=str(person.pk) if person else "", object_repr=name, actor=person,
                         actor_name=name, note=_("连续输错密码，临时锁定"))  # fmt: skip


def login_failures_clear(*, username: str) -> int:
    return LoginFailure.objects.filter(username=username.strip().lower(), cleared=False).update(cleared=True)


@transaction.atomic
def account_unlock(*, person: Person) -> bool:
    """解除锁定, by an administrator: the account may be tried again at once."""
    cleared = login_failures_clear(username=person.username)
    if cleared:
        audit_record(
            action=AuditAction.UNLOCKED, obj=person, note=_("清除 %(n)s 次失败记录") % {"n": cleared}
        )
    return bool(cleared)


def account_is_locked(person: Person) -> bool:
    return login_refusal(username=person.username, address=None) is not None
