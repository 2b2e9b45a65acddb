"""Who may use which page. Objects out of scope are 404 (in the selectors); pages a role may
not use at all are 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from sanfuwu.people.models import Person
from sanfuwu.people.roles import TARGET_EDITORS

View = Callable[..., HttpResponseBase]


def person_of(request: HttpRequest) -> Person:
    user = request.user
    assert isinstance(user, Person)
    return user


def can_edit_targets(person: Person) -> bool:
    return person.is_superuser or person.has_role(*TARGET_EDITORS)


def roles_required(*roles: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            person = person_of(request)
            if not (person.is_superuser or person.has_role(*roles)):
                raise PermissionDenied(_("您的角色不能使用此页面。"))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
