"""接口令牌: a person makes tokens for other systems to call the API as them, sees each once, and
revokes them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sanfuwu.people.models import Role
from sanfuwu.portal.access import person_of
from sanfuwu.portal.views.public import _put_errors
from sanfuwu.tokens.forms import TokenForm
from sanfuwu.tokens.selectors import token_get_for, tokens_of
from sanfuwu.tokens.services import token_create, token_revoke


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The person's tokens; a new one is shown on the answer to its POST and never again."""
    person = person_of(request)
    admin = person.is_superuser or person.has_role(Role.ADMIN)
    form = TokenForm(request.POST or None, admin=admin)
    made = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                made = token_create(person=person, **form.cleaned_data)
            except ValidationError as exc:
                _put_errors(form, exc)
            else:
                status = 201
                form = TokenForm(admin=admin)
    context = {"form": form, "made": made, "tokens": tokens_of(person), "now": timezone.now()}
    return render(request, "tokens/list.html", context, status=status)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = token_get_for(person_of(request), pk)
    token_revoke(token=token)
    messages.success(
        request, _("已撤销令牌 %(prefix)s…，使用它的系统将无法再调用接口。") % {"prefix": token.prefix}
    )
    return redirect("tokens:list")
