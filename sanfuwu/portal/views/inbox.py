"""消息中心: a person's notices, read and unread, and what they choose to be told."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanfuwu.notify.forms import PreferencesForm
from sanfuwu.notify.selectors import SHOWS, notice_get_for, notices_of, unread_badge
from sanfuwu.notify.services import notice_mark_read, preferences_save
from sanfuwu.portal.access import person_of


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    show = request.GET.get("show", "unread")
    if show not in SHOWS:
        show = "unread"
    page = Paginator(notices_of(person, show), settings.SANFUWU_PAGE_SIZE).get_page(request.GET.get("page"))
    unread, capped = unread_badge(person)
    return render(
        request, "notify/inbox.html", {"page": page, "show": show, "unread": unread, "unread_capped": capped}
    )


@login_required
def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notice reads it and goes where it points."""
    person = person_of(request)
    notice = notice_get_for(person, pk)
    notice_mark_read(person=person, ids=[notice.pk])
    allowed = url_has_allowed_host_and_scheme(notice.link, allowed_hosts={request.get_host()})
    return redirect(notice.link if notice.link and allowed else "inbox:list")


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    n = notice_mark_read(person=person, ids=ids or None)
    messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": n})
    show = request.POST.get("show", "unread")
    return redirect(f"{reverse('inbox:list')}?show={show if show in SHOWS else 'unread'}")


@login_required
def inbox_bell(request: HttpRequest) -> HttpResponse:
    """The bell alone, for the top bar to refresh itself every minute."""
    # Two bells on a page (the phone's header, the desktop's top bar), each refreshing itself.
    bell_id = "sfw-bell-phone" if request.GET.get("id") == "sfw-bell-phone" else "sfw-bell"
    return render(request, "notify/_bell.html", {"bell_id": bell_id})


@login_required
def inbox_settings(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = PreferencesForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        preferences_save(person=person, chosen=form.cleaned_data)
        messages.success(request, _("提醒设置已保存。"))
        return redirect("inbox:settings")
    return render(request, "notify/settings.html", {"form": form}, status=400 if form.errors else 200)
