"""One's own password: changed at will, and before anything else when an administrator chose it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sanfuwu.core.forms import office_messages
from sanfuwu.people.models import Person
from sanfuwu.people.services import person_password_change


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    person: Person = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(person, request.POST or None)
    form.fields["old_password"].label = _("当前密码")
    form.fields["new_password1"].label = _("新密码")
    form.fields["new_password2"].label = _("再次输入新密码")
    for field in form.fields.values():
        office_messages(field)
    if request.method == "POST":
        if form.is_valid():
            person_password_change(person=person, new_password=form.cleaned_data["new_password1"])
            update_session_auth_hash(request, person)
            messages.success(request, _("密码已修改。"))
            return redirect("home")
        return render(request, "registration/password_change.html", _context(form), status=400)
    return render(request, "registration/password_change.html", _context(form))


def _context(form: PasswordChangeForm) -> dict[str, object]:
    return {"form": form, "min_length": settings.SANFUWU_PASSWORD_MIN_LENGTH}
