from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from sanfuwu.people.models import Person


class AnyCaseBackend(ModelBackend):
    """Logins match whatever their case: PersonManager.get_by_natural_key looks them up that way."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Person | None:
        if username is not None:
            username = username.strip()
        return super().authenticate(request, username=username, password=password, **kwargs)
