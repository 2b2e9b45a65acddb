"""服务企业: an enterprise's own pages — its issues with their progress and answers, the visits to it
and the policies explained there, a new problem raised for it — and how its account is opened:
by staff on the enterprise's page, or by its contact through an invitation link."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sanfuwu.issues.workflow import Conflict, NotAllowed
from sanfuwu.portal.access import can_edit_targets, person_of
from sanfuwu.portal.views.public import _put_errors
from sanfuwu.raisers.forms import RateForm
from sanfuwu.raisers.selectors import progress_of
from sanfuwu.raisers.services import company_raise, company_rate
from sanfuwu.targets.accounts import account_create, account_of, invite_accept, invite_create, invite_live
from sanfuwu.targets.company import company_issue_get, company_issues, company_visits
from sanfuwu.targets.company_forms import AccountForm, CompanyRaiseForm
from sanfuwu.targets.models import EnterpriseAccount
from sanfuwu.targets.selectors import target_get_for
from sanfuwu.visits.selectors import policies_heard


def enterprise_only(view: Any) -> Any:
    """Pages of the signed-in enterprise account; staff and strangers find nothing here."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"/login/?next={request.path}")
        account = account_of(request.user)
        if account is None:
            raise Http404("这里是企业账号的页面")
        if not account.target.active:
            raise PermissionDenied(_("该企业已停用，企业账号暂不能使用，请联系工作人员。"))
        return view(request, account, *args, **kwargs)

    return wrapped


@enterprise_only
def company_home(request: HttpRequest, account: EnterpriseAccount) -> HttpResponse:
    issues = Paginator(company_issues(account), 20).get_page(request.GET.get("page"))
    rows = [(issue, progress_of(issue)) for issue in issues]
    context = {
        "account": account, "target": account.target, "page": issues, "rows": rows,
        "visits": company_visits(account)[:20], "policies_heard": policies_heard(account.target),
    }  # fmt: skip
    return render(request, "company/home.html", context)


def _issue_page(request: HttpRequest, account: EnterpriseAccount, pk: int, form: RateForm | None = None,
                status: int = 200) -> HttpResponse:  # fmt: skip
    issue = company_issue_get(account, pk)
    progress = progress_of(issue)
    own = issue.registered_by_id == account.person_id
    may_rate = own and progress.may_rate
    if may_rate and form is None:
        form = RateForm(initial={"version": issue.version})
    refused = list(form.non_field_errors()) if form is not None and not may_rate else []
    context = {"account": account, "issue": issue, "progress": progress, "rate_form": form if may_rate else None,
               "refused": refused, "steps": [_("受理"), _("交办"), _("办理"), _("答复"), _("办结")]}  # fmt: skip
    return render(request, "company/issue.html", context, status=status)


@enterprise_only
def company_issue(request: HttpRequest, account: EnterpriseAccount, pk: int) -> HttpResponse:
    return _issue_page(request, account, pk)


@require_POST
@enterprise_only
def company_issue_rate(request: HttpRequest, account: EnterpriseAccount, pk: int) -> HttpResponse:
    issue = company_issue_get(account, pk)
    form = RateForm(request.POST)
    if not form.is_valid():
        return _issue_page(request, account, pk, form, status=400)
    data = form.cleaned_data
    try:
        company_rate(
            account=account, issue=issue, version=data["version"], rating=data["rating"], note=data["note"]
        )
    except Conflict:
        form.add_error(None, _("办理情况刚刚有了变化，请查看最新情况后再评价。"))
        return _issue_page(request, account, pk, form, status=409)
    except NotAllowed as exc:
        form.add_error(None, exc.refusal.message)
        return _issue_page(request, account, pk, form, status=409)
    except ValidationError as exc:
        _put_errors(form, exc)
        return _issue_page(request, account, pk, form, status=400)
    messages.success(request, _("已收到您的评价，谢谢。"))
    return redirect("company:issue", pk=pk)


@require_http_methods(["GET", "POST"])
@enterprise_only
def company_raise_view(request: HttpRequest, account: EnterpriseAccount) -> HttpResponse:
    form = CompanyRaiseForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                issue = company_raise(account=account, description=data["description"], category=data["category"],
                                      address=data["address"], photos=data["photos"])  # fmt: skip
            except ValidationError as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("已提交，编号 %(n)s。我们会尽快交办处理。") % {"n": issue.number})
                return redirect("company:issue", pk=issue.pk)
    return render(request, "company/raise.html", {"account": account, "form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def company_join(request: HttpRequest, key: str) -> HttpResponse:
    """The contact opens the enterprise's account from the link staff gave them."""
    invite = invite_live(key)
    if invite is None:
        return render(request, "company/join.html", {"invite": None}, status=404)
    form = AccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                account = invite_accept(raw=key, username=data["username"], name=data["name"], phone=data["phone"],
                                        password=data["password"])  # fmt: skip
            except ValidationError as exc:
                _put_errors(form, exc)
            else:
                login(request, account.person, backend="sanfuwu.people.backends.AnyCaseBackend")
                return redirect("company:home")
    return render(request, "company/join.html", {"invite": invite, "form": form}, status=status)


def _editor_target(request: HttpRequest, pk: int) -> Any:
    person = person_of(request)
    target = target_get_for(person, pk)
    if not can_edit_targets(person):
        raise PermissionDenied(_("您的角色不能为企业开通账号。"))
    return person, target


@never_cache
@require_POST
def target_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff make an invitation link for the enterprise's contact; shown on this answer only."""
    if not request.user.is_authenticated:
        return redirect(f"/login/?next=/targets/{pk}/")
    person, target = _editor_target(request, pk)
    try:
        made = invite_create(target=target, actor=person)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("targets:detail", pk=pk)
    link = request.build_absolute_uri(f"/company/join/{made.raw}/")
    return render(request, "company/invited.html", {"target": target, "link": link, "invite": made.invite})


@require_http_methods(["GET", "POST"])
def target_account_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff open the account themselves, filling in the contact's details and first password."""
    if not request.user.is_authenticated:
        return redirect(f"/login/?next=/targets/{pk}/")
    person, target = _editor_target(request, pk)
    form = AccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                account_create(target=target, username=data["username"], name=data["name"], phone=data["phone"],
                               password=data["password"], actor=person)  # fmt: skip
            except ValidationError as exc:
                _put_errors(form, exc)
            else:
                messages.success(
                    request, _("已为 %(t)s 开通企业账号 %(u)s。") % {"t": target.name, "u": data["username"]}
                )
                return redirect("targets:detail", pk=pk)
    return render(request, "company/account_new.html", {"target": target, "form": form}, status=status)
