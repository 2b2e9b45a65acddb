"""Nothing silent: every refusal of an htmx request reaches the panel the person used.

400/409/422 come back as fragments to swap; every other refusal carries its reason in the
X-Sfw-Refusal header (the browser writes it at the panel) and never a whole page to swap in.
"""

from __future__ import annotations

from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.http.response import HttpResponseBase
from django.test import Client, RequestFactory
from django.urls import reverse

from sanfuwu.issues.models import Issue, IssueEvent, Status
from sanfuwu.issues.workflow import action_offers, allowed_actions
from sanfuwu.people.models import Role
from sanfuwu.portal.refusals import REFUSAL_HEADER, RefusalMiddleware
from tests.conftest import client_for, make_person
from tests.issues.conftest import Cast, issue_in, new_issue

HTMX = {"HX-Request": "true"}


def reason(response: HttpResponseBase) -> str:
    return unquote(response[REFUSAL_HEADER])


def test_it_tells_an_expired_session_to_sign_in_again_instead_of_swapping_the_login_page(cast: Cast):
    issue = new_issue(cast)
    response = Client().post(reverse("issues:act", args=[issue.pk, "dispatch"]), {}, headers=HTMX)
    assert response.status_code == 401
    assert "登录已超时" in reason(response)
    assert unquote(response["X-Sfw-Login"]) == reverse("login")
    assert "<html" not in response.content.decode()


def test_it_gives_the_reason_of_a_page_the_role_may_not_use(cast: Cast):
    response = client_for(cast.people[Role.VISITOR]).get(reverse("issues:triage"), headers=HTMX)
    assert response.status_code == 403 and reason(response) == "您的角色不能使用此页面。"
    assert "<html" not in response.content.decode()


def test_missing_and_not_yours_read_the_same(cast: Cast):
    issue = new_issue(cast)
    stranger = make_person("far_dispatcher", [Role.DISPATCHER], region=cast.world.park)
    not_yours = client_for(stranger).post(
        reverse("issues:act", args=[issue.pk, "dispatch"]), {"version": issue.version}, headers=HTMX
    )
    missing = client_for(stranger).post(
        reverse("issues:act", args=[issue.pk + 999, "dispatch"]), {"version": 1}, headers=HTMX
    )
    assert not_yours.status_code == missing.status_code == 404
    assert reason(not_yours) == reason(missing) and "不在您的管辖范围内" in reason(missing)


def test_an_unknown_action_is_a_404_with_a_reason(cast: Cast):
    issue = new_issue(cast)
    response = client_for(cast.people[Role.DISPATCHER]).post(
        reverse("issues:act", args=[issue.pk, "teleport"]), {"version": issue.version}, headers=HTMX
    )
    assert response.status_code == 404 and reason(response)


def test_a_rule_refusal_is_shown_at_the_form_and_changes_nothing(cast: Cast):
    issue = new_issue(cast)
    response = client_for(cast.people[Role.LEADER]).post(
        reverse("issues:act", args=[issue.pk, "void"]),
        {"version": issue.version, "reason": "不需要"},
        headers=HTMX,
    )
    assert response.status_code == 403 and "您的角色不能执行" in reason(response)
    assert Issue.objects.get(pk=issue.pk).status == Status.REGISTERED


def test_bad_input_comes_back_as_a_fragment_with_the_reason_at_the_field(cast: Cast):
    issue = issue_in(Status.IN_PROGRESS, cast)
    response = client_for(cast.people[Role.HANDLER]).post(
        reverse("issues:act", args=[issue.pk, "resolve"]),
        {"version": issue.version, "resolution": ""},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 400 and REFUSAL_HEADER not in response
    assert 'data-field-error="resolution"' in body and "<html" not in body
    assert Issue.objects.get(pk=issue.pk).status == Status.IN_PROGRESS


def test_a_negative_deadline_is_refused_at_its_field(cast: Cast):
    issue = new_issue(cast)
    response = client_for(cast.people[Role.DISPATCHER]).post(
        reverse("issues:act", args=[issue.pk, "dispatch"]),
        {
            "version": issue.version,
            "lead_department": cast.world.jianshe.pk,
            "tier": "deadline",
            "workdays": -3,
        },
        headers=HTMX,
    )
    assert response.status_code == 400 and 'data-field-error="workdays"' in response.content.decode()
    assert IssueEvent.objects.filter(issue=issue).count() == 1


def test_a_conflict_redraws_the_panel_and_says_who_did_what_meanwhile(cast: Cast):
    issue = new_issue(cast)
    seen = issue.version
    cast.act(
        issue, "dispatch", Role.DISPATCHER, lead_department=cast.world.jianshe, tier="deadline", workdays=3
    )
    second = make_person("i_dispatcher2", [Role.DISPATCHER], region=cast.world.district)
    response = client_for(second).post(
        reverse("issues:act", args=[issue.pk, "void"]), {"version": seen, "reason": "重复登记"}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 409 and REFUSAL_HEADER not in response
    assert 'id="panel-changes"' in body and "i_dispatcher" in body and "交办" in body
    assert 'data-status="assigned"' in body
    assert Issue.objects.get(pk=issue.pk).status == Status.ASSIGNED


def test_close_out_before_the_return_visit_is_shown_disabled_with_its_reason(cast: Cast):
    issue = issue_in(Status.IN_PROGRESS, cast)
    issue = cast.act(issue, "resolve", Role.HANDLER, resolution="已修复。")
    dispatcher = cast.people[Role.DISPATCHER]
    offers = {o.action: o.blocked for o in action_offers(issue, dispatcher)}
    assert "还不能销号" in (offers["close"] or "") and "答复" in (offers["close"] or "")
    assert "请先答复反映人" in (offers["rate"] or "")
    assert "close" not in allowed_actions(issue, dispatcher)
    body = client_for(dispatcher).get(reverse("issues:detail", args=[issue.pk])).content.decode()
    assert 'data-blocked-action="close"' in body and 'data-action-form="close"' not in body
    assert 'data-action-form="feedback"' in body


def test_a_close_out_posted_from_a_stale_page_is_refused_with_what_is_missing(cast: Cast):
    issue = issue_in(Status.IN_PROGRESS, cast)
    issue = cast.act(issue, "resolve", Role.HANDLER, resolution="已修复。")
    response = client_for(cast.people[Role.DISPATCHER]).post(
        reverse("issues:act", args=[issue.pk, "close"]), {"version": issue.version}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 400 and "还不能销号" in body and 'id="panel-message"' in body
    assert Issue.objects.get(pk=issue.pk).status == Status.RESOLVED


def test_a_failed_csrf_check_says_the_page_expired(cast: Cast):
    issue = new_issue(cast)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.people[Role.DISPATCHER])
    response = client.post(reverse("issues:act", args=[issue.pk, "void"]), {"version": 1}, headers=HTMX)
    assert response.status_code == 403 and "页面已过期" in reason(response)
    plain = client.post(reverse("issues:act", args=[issue.pk, "void"]), {"version": 1})
    assert plain.status_code == 403 and "页面已过期" in plain.content.decode()


def test_a_page_the_role_may_not_use_explains_itself_in_chinese_without_htmx(cast: Cast):
    response = client_for(cast.people[Role.VISITOR]).get(reverse("issues:triage"))
    assert response.status_code == 403 and "您的角色不能使用此页面" in response.content.decode()


def test_a_server_error_in_an_htmx_request_becomes_a_reason_not_a_swapped_page():
    def broken(request: HttpRequest) -> HttpResponse:
        return HttpResponseServerError("<html><body>Traceback …</body></html>")

    request = RequestFactory().post("/issues/1/act/close/", headers=HTMX)
    request.htmx = True  # type: ignore[attr-defined]
    response = RefusalMiddleware(broken)(request)
    assert response.status_code == 500 and "服务器处理出错" in reason(response)
    assert "Traceback" not in response.content.decode()


def test_plain_requests_keep_their_pages():
    def page(request: HttpRequest) -> HttpResponse:
        return HttpResponse("<html>403</html>", status=403)

    request = RequestFactory().get("/race/")
    request.htmx = False  # type: ignore[attr-defined]
    response = RefusalMiddleware(page)(request)
    assert REFUSAL_HEADER not in response and response.content == b"<html>403</html>"
