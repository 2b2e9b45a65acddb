"""网上诉求: the pages a resident opens on a phone without an account — raise a problem, follow it
with the tracking code, rate the answer — and the staff page that shows what the channel refused."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanfuwu.issues.workflow import Conflict, NotAllowed
from sanfuwu.people.roles import CHANNEL_WATCHERS
from sanfuwu.portal.access import roles_required
from sanfuwu.raisers.codes import code_clean, code_shown
from sanfuwu.raisers.forms import RaiseForm, RateForm, TrackForm
from sanfuwu.raisers.limits import address_of, attempt_record, check_new, check_passed, slot, too_many
from sanfuwu.raisers.models import Outcome, Step
from sanfuwu.raisers.selectors import progress_of, raised_by_code, refusals_recent
from sanfuwu.raisers.services import public_raise, public_rate

DEVICE_COOKIE = "sfw_device"
DEVICE_SALT = "sanfuwu.raisers.device"
DEVICE_AGE = 365 * 24 * 3600


def _device(request: HttpRequest) -> str:
    return request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT, max_age=DEVICE_AGE) or ""


def _address(request: HttpRequest) -> str | None:
    return address_of(request.META.get("REMOTE_ADDR"))


def _answer(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """The page, with a device mark set for the limits to count by when the phone has none yet."""
    response = render(request, template, context, status=status)
    if not _device(request):
        response.set_signed_cookie(
            DEVICE_COOKIE,
            secrets.token_hex(12),
            salt=DEVICE_SALT,
            max_age=DEVICE_AGE,
            httponly=True,
            samesite="Lax",
        )
    return response


def _too_many_page(request: HttpRequest, step: str) -> HttpResponse:
    attempt_record(step=step, outcome=Outcome.TOO_MANY, address=_address(request), device=_device(request))
    return _answer(request, "public/refused.html", {}, status=429)


class _Flood(Exception):
    """The limit was reached while waiting for the lock: nothing is written."""


def _put_errors(form: Any, exc: ValidationError) -> None:
    """The service's refusal at the form's own fields; one the form does not show, above it."""
    for field, messages in exc.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


@require_http_methods(["GET", "POST"])
def raise_form(request: HttpRequest) -> HttpResponse:
    form = RaiseForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if too_many(step=Step.RAISE, address=_address(request), device=_device(request)):
            return _too_many_page(request, Step.RAISE)
        status = 400
        if not form.is_valid():
            # Counted like a failed check: nobody tries names of enterprises, or anything, for free.
            attempt_record(
                step=Step.RAISE, outcome=Outcome.INVALID, address=_address(request), device=_device(request)
            )
        else:
            data = form.cleaned_data
            if not check_passed(request.POST.get("check", ""), data["answer"], data["website"]):
                attempt_record(
                    step=Step.RAISE,
                    outcome=Outcome.FAILED_CHECK,
                    address=_address(request),
                    device=_device(request),
                )
                form.add_error("answer", _("计算结果不对、已经用过，或填写时间过短，请重新计算后提交。"))
            else:
                try:
                    # Counted again under the lock, so that a burst cannot all pass the count above.
                    with slot(address=_address(request), device=_device(request)):
                        if too_many(step=Step.RAISE, address=_address(request), device=_device(request)):
                            raise _Flood
                        raised = public_raise(
                            description=data["description"], category=data["category"], region=data["region"],
                            address=data["address"], latitude=data["latitude"], longitude=data["longitude"],
                            target=data["enterprise"], raiser_name=data["raiser_name"],
                            raiser_phone=data["raiser_phone"], photos=data["photos"],
                            from_address=_address(request), device=_device(request),
                        )  # fmt: skip
                except _Flood:
                    return _too_many_page(request, Step.RAISE)
                except ValidationError as exc:
                    _put_errors(form, exc)
                else:
                    return redirect(f"{reverse('public:status', args=[raised.code])}?new=1")
    return _answer(request, "public/raise.html", {"form": form, "check": check_new()}, status=status)


@require_GET
def track(request: HttpRequest) -> HttpResponse:
    """Type the code to follow a problem; a wrong code is said at the field."""
    if "code" not in request.GET:
        return _answer(request, "public/track.html", {"form": TrackForm()})
    if too_many(step=Step.TRACK, address=_address(request), device=_device(request)):
        return _too_many_page(request, Step.TRACK)
    form = TrackForm(request.GET)
    if form.is_valid():
        code = form.cleaned_data["code"]
        if raised_by_code(code) is not None:
            return redirect("public:status", code=code)
        attempt_record(
            step=Step.TRACK, outcome=Outcome.UNKNOWN_CODE, address=_address(request), device=_device(request)
        )
        form.add_error("code", _("没有找到这个查询码，请核对后重新输入。"))
        return _answer(request, "public/track.html", {"form": form}, status=404)
    return _answer(request, "public/track.html", {"form": form}, status=400)


def _status_page(
    request: HttpRequest, code: str, rate_form: RateForm | None = None, status: int = 200
) -> HttpResponse:
    issue = raised_by_code(code)
    if issue is None:
        attempt_record(
            step=Step.TRACK, outcome=Outcome.UNKNOWN_CODE, address=_address(request), device=_device(request)
        )
        form = TrackForm({"code": code})
        if form.is_valid():
            form.add_error("code", _("没有找到这个查询码，请核对后重新输入。"))
        return _answer(request, "public/track.html", {"form": form}, status=404)
    progress = progress_of(issue)
    if rate_form is None and progress.may_rate:
        rate_form = RateForm(initial={"version": issue.version})
    context = {
        "issue": issue, "progress": progress, "code": code_shown(code), "raw_code": code_clean(code),
        "rate_form": rate_form if progress.may_rate else None, "new": request.GET.get("new") == "1",
        # A refused rating is said even when the page no longer offers the form (it moved on).
        "refused": list(rate_form.non_field_errors()) if rate_form is not None and not progress.may_rate else [],
        "rated": request.GET.get("rated") == "1", "steps": [_("受理"), _("交办"), _("办理"), _("答复"), _("办结")],
    }  # fmt: skip
    return _answer(request, "public/status.html", context, status=status)


@require_GET
def status(request: HttpRequest, code: str) -> HttpResponse:
    if too_many(step=Step.TRACK, address=_address(request), device=_device(request)):
        return _too_many_page(request, Step.TRACK)
    return _status_page(request, code)


@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """The raiser's return visit. 不满意 reopens the issue with the department."""
    if too_many(step=Step.RATE, address=_address(request), device=_device(request)):
        return _too_many_page(request, Step.RATE)
    issue = raised_by_code(code)
    if issue is None:
        return _status_page(request, code)
    form = RateForm(request.POST)
    if not form.is_valid():
        return _status_page(request, code, form, status=400)
    data = form.cleaned_data
    try:
        public_rate(
            issue=issue, version=data["version"], rating=data["rating"], note=data["note"],
            from_address=_address(request), device=_device(request),
        )  # fmt: skip
    except Conflict:
        form.add_error(None, _("办理情况刚刚有了变化，请查看最新情况后再评价。"))
        return _status_page(request, code, form, status=409)
    except NotAllowed as exc:
        form.add_error(None, exc.refusal.message)
        return _status_page(request, code, form, status=409)
    except ValidationError as exc:
        _put_errors(form, exc)
        return _status_page(request, code, form, status=400)
    return redirect(f"{reverse('public:status', args=[code_clean(code)])}?rated=1")


@roles_required(*CHANNEL_WATCHERS)
def refusals(request: HttpRequest) -> HttpResponse:
    """What the public channel refused this week, by address: a flood shows as one line."""
    total, rows = refusals_recent()
    return render(
        request, "public/refusals.html", {"total": total, "rows": rows, "outcomes": dict(Outcome.choices)}
    )
