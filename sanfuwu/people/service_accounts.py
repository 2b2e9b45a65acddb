"""Accounts the product acts under that are no person: the public channel's (网上诉求), named in
the histories of the issues residents raise. No unit, no role, no password, never listed."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sanfuwu.people.models import Person

SERVICE_ACCOUNT_PREFIX = "__"
PUBLIC_CHANNEL_USERNAME = f"{SERVICE_ACCOUNT_PREFIX}public_channel__"


def public_channel() -> Person:
    """The public channel's account, made on first use: it cannot sign in and holds no role."""
    try:
        return Person.objects.get(username=PUBLIC_CHANNEL_USERNAME)
    except Person.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            return Person.objects.create(
                username=PUBLIC_CHANNEL_USERNAME,
                name=_("网上诉求"),
                is_active=False,
                password=make_password(None),
            )
    except IntegrityError:  # another request made it first
        return Person.objects.get(username=PUBLIC_CHANNEL_USERNAME)


def is_public_channel(person: Person | None) -> bool:
    return person is not None and person.username == PUBLIC_CHANNEL_USERNAME
