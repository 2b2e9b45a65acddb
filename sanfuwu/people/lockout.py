"""Repeated wrong passwords lock the login for a while: per account, against guessing one
person's password, and per address, against trying many accounts from one machine.

Failures are counted by the account a login names (its stored username, whatever spelling was
typed: on PostgreSQL `iexact` matches spellings that Python's lower() keeps apart), and the try is
written before the password is checked, so that parallel guesses count as they arrive."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.audit.models import AuditAction
from sanfuwu.audit.services import audit_record
from sanfuwu.people.models import LoginFailure, Person
from sanfuwu.raisers.limits import address_of


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.SANFUWU_LOCKOUT_SECONDS)


def _minutes_left(failures: list[datetime], limit: int) -> int:
    # Locked until the oldest failure that still counts towards the limit leaves the window.
    oldest_counted = sorted(failures, reverse=True)[limit - 1]
    left = oldest_counted + timedelta(seconds=settings.SANFUWU_LOCKOUT_SECONDS) - timezone.now()
    return max(1, int(left.total_seconds() // 60) + 1)


def account_of_login(username: str) -> Person | None:
    return Person.objects.filter(username__iexact=username.strip()).only("pk", "username", "name").first()


def login_key(username: str, person: Person | None = None) -> str:
    person = person if person is not None else account_of_login(username)
    return (person.username if person is not None else username.strip()).lower()[:150]


def _recent(**where: object) -> list[datetime]:
    return list(
        LoginFailure.objects.filter(at__gte=_window_start(), cleared=False, **where)
        .order_by("-at")
        .values_list("at", flat=True)[: max(settings.SANFUWU_LOCKOUT_ACCOUNT_FAILURES,
                                             settings.SANFUWU_LOCKOUT_ADDRESS_FAILURES)]
    )  # fmt: skip


def login_refusal(*, key: str, address: str | None) -> str | None:
    """Why a login to the account `key` (login_key) from `address` may not even be tried now, or None."""
    limit = settings.SANFUWU_LOCKOUT_ACCOUNT_FAILURES
    by_account = _recent(username=key)
    if len(by_account) >= limit:
        return _("密码连续输错 %(n)s 次，该账号已临时锁定，请 %(m)s 分钟后再试，或联系系统管理员解锁。") % {
            "n": limit, "m": _minutes_left(by_account, limit),
        }  # fmt: skip
    network = address_of(address)
    if network:
        limit = settings.SANFUWU_LOCKOUT_ADDRESS_FAILURES
        by_address = _recent(address=network)
        if len(by_address) >= limit:
            return _("本机登录失败次数过多，已暂停登录，请 %(m)s 分钟后再试。") % {
                "m": _minutes_left(by_address, limit)
            }
    return None


def login_attempt_begin(*, key: str, address: str | None) -> LoginFailure:
    """Counted as a failure from the moment it is tried; a success clears it (login_failures_clear)."""
    return LoginFailure.objects.create(username=key, address=address_of(address))


@transaction.atomic
def login_failure_confirm(*, key: str, person: Person | None) -> None:
    """The password was wrong: said in the audit, and the failure that locks the account once more."""
    name = person.username if person is not None else _("（未知账号）")
    audit_record(action=AuditAction.LOGIN_FAILED, model="people.person", object_id=str(person.pk) if person else "",
                 object_repr=name, actor=person, actor_name=name, note=_("账号或密码不正确"))  # fmt: skip
    if person is None:
        return
    count = LoginFailure.objects.filter(username=key, at__gte=_window_start(), cleared=False).count()
    if count == settings.SANFUWU_LOCKOUT_ACCOUNT_FAILURES:  # the failure that locked it, once
        audit_record(action=AuditAction.LOCKED, obj=person, actor=person, note=_("连续输错密码，临时锁定"))


def login_failures_clear(*, username: str) -> int:
    return LoginFailure.objects.filter(username=username.strip().lower(), cleared=False).update(cleared=True)


@transaction.atomic
def account_unlock(*, person: Person) -> bool:
    """解除锁定, by an administrator: the account may be tried again at once, and so may the
    addresses its recent failures came from (an office behind one address locked with it)."""
    key = person.username.lower()
    addresses = set(
        LoginFailure.objects.filter(username=key, cleared=False, at__gte=_window_start())
        .exclude(address=None)
        .values_list("address", flat=True)
    )
    cleared = login_failures_clear(username=key)
    cleared += LoginFailure.objects.filter(address__in=addresses, cleared=False).update(cleared=True)
    if cleared:
        audit_record(
            action=AuditAction.UNLOCKED, obj=person, note=_("清除 %(n)s 次失败记录") % {"n": cleared}
        )
    return bool(cleared)


def login_failures_forget(*, older_than: timedelta = timedelta(days=90)) -> int:
    """The counts need minutes; the audit keeps the story. Old rows go."""
    return LoginFailure.objects.filter(at__lt=timezone.now() - older_than).delete()[0]
