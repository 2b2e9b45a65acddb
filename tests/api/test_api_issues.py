"""The REST API: a token acts as its person, within that person's data and its own scope; the
issue list pages by keyset with the page's filters; actions go through the workflow with the
version; refusals share one format in Chinese."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sanfuwu.issues.models import Issue, IssueEvent, Status
from sanfuwu.people.models import Person, Role
from sanfuwu.tokens.models import ApiToken, TokenScope
from sanfuwu.tokens.services import token_create
from tests.conftest import make_person
from tests.issues.conftest import Cast, new_issue, payload_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def bearer(person: Person, scope: str = TokenScope.WRITE) -> Client:
    raw = token_create(person=person, name="测试对接", scope=scope, days=30).raw
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_it_refuses_a_call_without_a_token_or_with_a_bad_one(cast: Cast) -> None:
    for client in (Client(), Client(HTTP_AUTHORIZATION="Bearer sfw_not-a-token")):
        response = client.get("/api/issues")
        assert response.status_code == 401
        assert "访问令牌" in response.json()["detail"]


def test_it_refuses_an_expired_or_revoked_token(cast: Cast) -> None:
    person = cast.people[Role.DISPATCHER]
    made = token_create(person=person, name="过期", scope=TokenScope.READ, days=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {made.raw}")
    assert client.get("/api/issues").status_code == 200
    ApiToken.objects.filter(pk=made.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/issues").status_code == 401
    ApiToken.objects.filter(pk=made.token.pk).update(expires_at=timezone.now() + timedelta(days=1),
                                                     revoked_at=timezone.now())  # fmt: skip
    assert client.get("/api/issues").status_code == 401


def test_a_token_of_someone_who_left_stops_working(cast: Cast) -> None:
    person = cast.people[Role.DISPATCHER]
    client = bearer(person, TokenScope.READ)
    Person.objects.filter(pk=person.pk).update(is_active=False)
    assert client.get("/api/issues").status_code == 401


def test_it_lists_only_the_persons_issues_and_another_units_issue_is_missing(cast: Cast) -> None:
    issue = new_issue(cast)  # in 头格社区, 下沙街道
    baiyang = make_person("a_baiyang", [Role.DISPATCHER], region=cast.world.baiyang)
    client = bearer(baiyang, TokenScope.READ)
    assert client.get("/api/issues").json()["items"] == []
    missing = client.get(f"/api/issues/{issue.pk}")
    assert missing.status_code == 404 and missing.json() == {"detail": "没有找到该问题。", "errors": {}}
    assert client.get("/api/issues/999999").json() == missing.json(), "missing and not yours look alike"
    mine = bearer(cast.people[Role.DISPATCHER], TokenScope.READ).get(f"/api/issues/{issue.pk}")
    assert mine.status_code == 200 and mine.json()["number"] == issue.number


def test_it_pages_by_keyset_newest_first_without_gaps_or_repeats(cast: Cast) -> None:
    issues = [new_issue(cast) for _ in range(7)]
    base = timezone.now()
    for n, issue in enumerate(issues):  # two share a moment: the id breaks the tie
        Issue.objects.filter(pk=issue.pk).update(registered_at=base - timedelta(minutes=n // 2 * 2))
    client = bearer(cast.people[Role.DISPATCHER], TokenScope.READ)
    seen: list[int] = []
    url = "/api/issues?limit=3"
    while True:
        page = client.get(url).json()
        seen += [item["id"] for item in page["items"]]
        if not page["next"]:
            break
        url = f"/api/issues?limit=3&after={page['next']}"
    expected = list(Issue.objects.order_by("-registered_at", "-pk").values_list("pk", flat=True))
    assert seen == expected and len(seen) == 7


def test_it_filters_as_the_list_page_does_and_says_a_bad_filter_at_its_name(cast: Cast) -> None:
    done = new_issue(cast)
    Issue.objects.filter(pk=done.pk).update(status=Status.RESOLVED)
    waiting = new_issue(cast)
    client = bearer(cast.people[Role.DISPATCHER], TokenScope.READ)
    assert [i["id"] for i in client.get("/api/issues?group=awaiting_dispatch").json()["items"]] == [
        waiting.pk
    ]
    bad = client.get("/api/issues?status=nonsense&date_from=2026-13-01")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"status", "date_from"}
    too_many = client.get("/api/issues?limit=500")
    assert too_many.status_code == 400 and too_many.json()["errors"] == {"limit": ["不能大于 100。"]}
    assert client.get("/api/issues?after=%%%").status_code == 400


def test_it_masks_the_raisers_phone_for_whoever_the_page_masks_it_for(cast: Cast) -> None:
    issue = new_issue(cast)
    leader = bearer(cast.people[Role.LEADER], TokenScope.READ).get(f"/api/issues/{issue.pk}").json()
    assert leader["raiser_phone"] == "138****5678" and leader["raiser_masked"] is True
    visitor = bearer(cast.people[Role.VISITOR], TokenScope.READ).get(f"/api/issues/{issue.pk}").json()
    assert visitor["raiser_phone"] == "13812345678", "the registrar sees it in full"


def test_a_read_token_cannot_act_or_register(cast: Cast) -> None:
    issue = new_issue(cast)
    client = bearer(cast.people[Role.DISPATCHER], TokenScope.READ)
    response = post(client, f"/api/issues/{issue.pk}/actions/dispatch", {"version": issue.version})
    assert response.status_code == 403 and "权限范围" in response.json()["detail"]
    assert Issue.objects.get(pk=issue.pk).version == issue.version
    assert client.get(f"/api/issues/{issue.pk}").json()["actions"] == []


def test_it_takes_the_whole_loop_through_the_workflow(cast: Cast) -> None:
    issue = new_issue(cast)
    dispatcher = bearer(cast.people[Role.DISPATCHER])
    handler = bearer(cast.people[Role.HANDLER])
    detail = dispatcher.get(f"/api/issues/{issue.pk}").json()
    assert "dispatch" in detail["actions"]
    body = {
        "version": detail["version"],
        "lead_department": cast.world.jianshe.pk,
        "tier": "deadline",
        "workdays": 5,
    }
    dispatched = post(dispatcher, f"/api/issues/{issue.pk}/actions/dispatch", body)
    assert dispatched.status_code == 200, dispatched.json()
    assert dispatched.json()["status"] == Status.ASSIGNED
    version = post(
        handler, f"/api/issues/{issue.pk}/actions/accept", {"version": dispatched.json()["version"]}
    ).json()["version"]
    for item in Issue.objects.get(pk=issue.pk).checklist.all():
        version = post(
            handler, f"/api/issues/{issue.pk}/actions/check_item", {"version": version, "item_id": item.pk}
        ).json()["version"]
    no_evidence = post(
        handler, f"/api/issues/{issue.pk}/actions/resolve", {"version": version, "resolution": "已修复。"}
    )
    assert no_evidence.status_code == 400 and "evidence" in no_evidence.json()["errors"]
    photo = {"name": "现场.png", "content_base64": base64.b64encode(PNG).decode()}
    resolved = post(handler, f"/api/issues/{issue.pk}/actions/resolve",
                    {"version": version, "resolution": "已修复路面。", "evidence": [photo]})  # fmt: skip
    assert resolved.status_code == 200 and resolved.json()["status"] == Status.RESOLVED
    events = [e["action"] for e in resolved.json()["events"]]
    assert events[:3] == ["register", "dispatch", "accept"] and events[-1] == "resolve"
    assert IssueEvent.objects.filter(issue=issue, action="resolve").get().actor == cast.people[Role.HANDLER]


def test_a_stale_version_is_a_conflict_and_changes_nothing(cast: Cast) -> None:
    issue = new_issue(cast)
    stale = issue.version
    cast.act(issue, "instruct", Role.LEADER, text="请尽快交办。")
    dispatcher = bearer(cast.people[Role.DISPATCHER])
    body = {
        "version": stale,
        "lead_department": cast.world.jianshe.pk,
        "tier": "deadline",
        "workdays": 5,
    }
    response = post(dispatcher, f"/api/issues/{issue.pk}/actions/dispatch", body)
    assert response.status_code == 409 and response.json()["detail"], response.json()
    assert Issue.objects.get(pk=issue.pk).status == Status.REGISTERED


def test_the_rules_refuse_with_403_and_a_status_refusal_is_409(cast: Cast) -> None:
    issue = new_issue(cast)
    handler = bearer(cast.people[Role.HANDLER])
    # A handler may not dispatch; and it cannot even see an issue not yet handed to its department.
    assert (
        post(handler, f"/api/issues/{issue.pk}/actions/dispatch", {"version": issue.version}).status_code
        == 404
    )
    dispatcher = bearer(cast.people[Role.DISPATCHER])
    refused = post(dispatcher, f"/api/issues/{issue.pk}/actions/close", {"version": issue.version})
    assert refused.status_code == 409 and "不能销号" in refused.json()["detail"]
    supervisor = bearer(cast.people[Role.SUPERVISOR])
    role = post(supervisor, f"/api/issues/{issue.pk}/actions/dispatch",
                {"version": issue.version, **{"lead_department": cast.world.jianshe.pk, "tier": "deadline"}})  # fmt: skip
    assert role.status_code == 403 and "角色" in role.json()["detail"]


def test_it_says_bad_input_at_the_field_in_chinese(cast: Cast) -> None:
    issue = new_issue(cast)
    dispatcher = bearer(cast.people[Role.DISPATCHER])
    no_version = post(dispatcher, f"/api/issues/{issue.pk}/actions/dispatch", {"lead_department": "建设局"})
    assert no_version.status_code == 400
    assert no_version.json()["errors"] == {"version": ["缺少此项。"], "lead_department": ["应为整数。"]}
    unknown = post(dispatcher, f"/api/issues/{issue.pk}/actions/fly", {"version": issue.version})
    assert unknown.status_code == 404 and "没有这种办理操作" in unknown.json()["detail"]
    payload = payload_for("dispatch", issue, cast)
    missing_lead = post(dispatcher, f"/api/issues/{issue.pk}/actions/dispatch",
                        {"version": issue.version, "tier": payload["tier"]})  # fmt: skip
    assert missing_lead.status_code == 400 and missing_lead.json()["errors"]["lead_department"] == [
        "请选择主办部门。"
    ]


def test_it_registers_an_issue_as_the_form_does(cast: Cast) -> None:
    dispatcher = bearer(cast.people[Role.DISPATCHER])
    body = {"title": "路灯不亮", "description": "文渊路路灯不亮。", "source": "hotline", "category": cast.category.pk,
            "address": "下沙街道头格社区文渊路 8 号", "raiser_phone": "13800001111"}  # fmt: skip
    created = post(dispatcher, "/api/issues", body)
    assert created.status_code == 201, created.json()
    assert created.json()["region"]["id"] == cast.world.touge.pk
    assert created.json()["events"][0]["action"] == "register"
    bad = post(dispatcher, "/api/issues", {**body, "raiser_phone": "123", "category": 99999})
    assert bad.status_code == 400 and {"raiser_phone", "category"} <= set(bad.json()["errors"])
    assert Issue.objects.count() == 1


def test_only_an_administrator_makes_an_admin_token(cast: Cast) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        token_create(person=cast.people[Role.DISPATCHER], name="x", scope=TokenScope.ADMIN, days=30)
    assert token_create(person=cast.people[Role.ADMIN], name="x", scope=TokenScope.ADMIN, days=30).token.pk


def test_the_token_is_kept_only_as_a_hash(cast: Cast) -> None:
    made = token_create(person=cast.people[Role.DISPATCHER], name="x", scope=TokenScope.READ, days=30)
    row = ApiToken.objects.get()
    assert made.raw not in (row.key_hash, row.prefix) and made.raw.startswith(row.prefix)


def test_targets_are_read_within_the_persons_scope(cast: Cast) -> None:
    baiyang = make_person("t_baiyang", [Role.DISPATCHER], region=cast.world.baiyang)
    client = bearer(baiyang, TokenScope.READ)
    names = [t["name"] for t in client.get("/api/targets").json()["items"]]
    assert names == [cast.world.baiyang_firm.name]
    assert client.get(f"/api/targets/{cast.world.xiasha_firm.pk}").status_code == 404
    assert (
        client.get(f"/api/targets/{cast.world.baiyang_firm.pk}").json()["credit_code"]
        == cast.world.baiyang_firm.credit_code
    )


def test_the_schema_and_the_docs_are_served_from_here(cast: Cast) -> None:
    schema = Client().get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {
        "/api/issues",
        "/api/issues/{issue_id}",
        "/api/issues/{issue_id}/actions/{action}",
        "/api/targets",
    } <= set(paths)
    docs = Client().get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()


def test_a_target_without_a_credit_code_and_ids_beyond_any_row_are_answered(cast: Cast) -> None:
    from sanfuwu.targets.models import Target

    project = Target.objects.create(kind="project", name="文渊路改造工程", region=cast.world.xiasha)
    client = bearer(cast.people[Role.DISPATCHER], TokenScope.READ)
    assert client.get(f"/api/targets/{project.pk}").json()["credit_code"] is None
    huge = client.get("/api/targets?region=18030862823012545479493812224")
    assert huge.status_code == 400 and "region" in huge.json()["errors"]
    assert client.get("/api/issues/99999999999999999999").status_code == 400


def test_visits_pairings_coverage_and_rankings_are_read_within_the_persons_scope(cast: Cast) -> None:
    from django.utils import timezone as tz

    from sanfuwu.visits.models import Pairing, Visit, VisitTarget

    visitor = cast.people[Role.VISITOR]
    visits = []
    for n, (region, target) in enumerate([(cast.world.touge_grid, cast.world.xiasha_firm),
                                          (cast.world.baiyang_grid, cast.world.baiyang_firm)]):  # fmt: skip
        visit = Visit.objects.create(number=f"ZF-T-{n}", visited_at=tz.now() - timedelta(days=n), region=region,
                                     notes="了解经营情况。", recorded_by=visitor)  # fmt: skip
        VisitTarget.objects.create(visit=visit, target=target, visited_on=tz.localdate(visit.visited_at))
        visits.append(visit)
    Pairing.objects.create(target=cast.world.xiasha_firm, person=visitor, frequency="monthly",
                           starts_on=tz.localdate() - timedelta(days=60))  # fmt: skip
    Pairing.objects.create(target=cast.world.baiyang_firm, department=cast.world.jianshe, frequency="monthly",
                           starts_on=tz.localdate() - timedelta(days=60))  # fmt: skip
    baiyang = make_person("v_baiyang", [Role.DISPATCHER], region=cast.world.baiyang)
    mine = bearer(baiyang, TokenScope.READ)
    assert [v["number"] for v in mine.get("/api/visits").json()["items"]] == ["ZF-T-1"]
    everyone = bearer(cast.people[Role.LEADER], TokenScope.READ)
    page = everyone.get("/api/visits?limit=1").json()
    assert [v["number"] for v in page["items"]] == ["ZF-T-0"] and page["next"]
    assert [
        v["number"] for v in everyone.get(f"/api/visits?limit=1&after={page['next']}").json()["items"]
    ] == ["ZF-T-1"]
    assert [p["target"]["name"] for p in mine.get("/api/pairings").json()["items"]] == [
        cast.world.baiyang_firm.name
    ]
    coverage = everyone.get("/api/coverage?level=street").json()
    assert [s["title"] for s in coverage["sheets"]] == ["按街道/园区汇总", "包联明细"]
    assert len(coverage["sheets"][1]["rows"]) == 2
    ranking = everyone.get("/api/rankings").json()
    assert ranking["sheets"][0]["columns"][:4] == ["排名", "名次变化", "单位", "指数"]
    assert everyone.get("/api/visits?date_from=2026-13-01").status_code == 400


def test_voiding_needs_an_admin_token_even_for_an_administrator(cast: Cast) -> None:
    issue = new_issue(cast)
    body = {"version": issue.version, "reason": "重复登记。"}
    write = post(
        bearer(cast.people[Role.ADMIN], TokenScope.WRITE), f"/api/issues/{issue.pk}/actions/void", body
    )
    assert write.status_code == 403 and "管理" in write.json()["detail"]
    assert Issue.objects.get(pk=issue.pk).status == Status.REGISTERED
    admin = post(
        bearer(cast.people[Role.ADMIN], TokenScope.ADMIN), f"/api/issues/{issue.pk}/actions/void", body
    )
    assert admin.status_code == 200 and admin.json()["status"] == Status.VOID


def test_it_merges_a_duplicate_by_the_originals_number(cast: Cast) -> None:
    original, duplicate = new_issue(cast), new_issue(cast)
    dispatcher = bearer(cast.people[Role.DISPATCHER])
    assert "merge" in dispatcher.get(f"/api/issues/{duplicate.pk}").json()["actions"]
    unknown = post(dispatcher, f"/api/issues/{duplicate.pk}/actions/merge",
                   {"version": duplicate.version, "original": "WT-1999-000001"})  # fmt: skip
    assert unknown.status_code == 400 and "original" in unknown.json()["errors"]
    merged = post(dispatcher, f"/api/issues/{duplicate.pk}/actions/merge",
                  {"version": duplicate.version, "original": original.number})  # fmt: skip
    assert merged.status_code == 200 and merged.json()["status"] == Status.VOID
    assert Issue.objects.get(pk=duplicate.pk).duplicate_of_id == original.pk
