"""Open311 GeoReport v2: every endpoint in XML and JSON, field by field against the spec, with its
errors (400, 403, 404), the 90-day window and the limit; and mySociety's updates."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone

from sanfuwu.issues.models import Issue, Source, Status
from sanfuwu.people.models import Role
from sanfuwu.raisers.models import OpenRequest
from sanfuwu.tokens.models import TokenScope
from sanfuwu.tokens.services import token_create
from tests.conftest import make_person
from tests.issues.conftest import Cast, new_issue, payload_for

BASE = "/open311/v2"
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]  # fmt: skip


def key(cast: Cast, role: str = Role.DISPATCHER, scope: str = TokenScope.WRITE) -> str:
    return token_create(person=cast.people[role], name="open311", scope=scope, days=30).raw


def xml(response: Any) -> ElementTree.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(body.split("\n", 1)[1])


def as_json(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def error_of(response: Any, fmt: str) -> tuple[int, str]:
    if fmt == "json":
        [error] = as_json(response)
        return error["code"], error["description"]
    root = xml(response)
    assert root.tag == "errors" and [e.tag for e in root] == ["error"]
    return int(root.findtext("error/code") or 0), root.findtext("error/description") or ""


def raise_one(cast: Cast, raw: str, fmt: str = "json", **over: str) -> Any:
    data = {"api_key": raw, "service_code": "road", "address_string": "下沙街道头格社区文渊路 8 号",
            "description": "文渊路 8 号门口路面塌陷，车辆绕行。", "first_name": "伟", "last_name": "王",
            "phone": "13812345678", "media_url": "https://example.org/p/1.jpg", "account_id": "acc-7",
            "jurisdiction_id": ""}  # fmt: skip
    data.update(over)
    return Client().post(f"{BASE}/requests.{fmt}", data)


def test_discovery_names_the_endpoint_in_both_formats(cast: Cast) -> None:
    root = xml(Client().get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint is not None
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url", "").endswith("/open311/v2") and endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    data = as_json(Client().get(f"{BASE}/discovery.json"))
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]


def test_services_are_the_catalogues_categories(cast: Cast) -> None:
    [service] = xml(Client().get(f"{BASE}/services.xml"))
    assert service.tag == "service"
    assert {c.tag: c.text for c in service} == {
        "service_code": "road", "service_name": "道路交通", "description": None, "metadata": "true",
        "type": "realtime", "keywords": None, "group": "建设局",
    }  # fmt: skip
    assert as_json(Client().get(f"{BASE}/services.json")) == [
        {"service_code": "road", "service_name": "道路交通", "description": "", "metadata": True,
         "type": "realtime", "keywords": "", "group": "建设局"}
    ]  # fmt: skip


def test_a_service_definition_lists_its_attributes(cast: Cast) -> None:
    root = xml(Client().get(f"{BASE}/services/road.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "road"
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == ["region", "credit_code"]
    region = attributes[0]
    assert [c.tag for c in region] == ["variable", "code", "datatype", "required", "datatype_description",
                                       "order", "description", "values"]  # fmt: skip
    assert region.findtext("datatype") == "singlevaluelist" and region.findtext("required") == "false"
    values = {v.findtext("key"): v.findtext("name") for v in region.findall("values/value")}
    assert values[str(cast.world.touge.pk)] == "下沙街道 / 头格社区"
    data = as_json(Client().get(f"{BASE}/services/road.json"))
    assert data["attributes"][1] == {
        "variable": True, "code": "credit_code", "datatype": "string", "required": False,
        "datatype_description": "18 位统一社会信用代码", "order": 2,
        "description": "反映某家企业的问题时，填写该企业的统一社会信用代码", "values": [],
    }  # fmt: skip
    for fmt in ("xml", "json"):
        missing = Client().get(f"{BASE}/services/nothing.{fmt}")
        assert missing.status_code == 404 and error_of(missing, fmt)[0] == 404


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_posted_request_becomes_an_issue_in_triage(cast: Cast, fmt: str) -> None:
    raw = key(cast)
    response = raise_one(cast, raw, fmt)
    assert response.status_code == 201
    issue = Issue.objects.get()
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_requests"
        assert {c.tag: c.text for c in root.find("request")} == {  # type: ignore[union-attr]
            "service_request_id": issue.number, "service_notice": "已受理，将由调度员分派办理。", "account_id": "acc-7",
        }  # fmt: skip
    else:
        assert as_json(response) == [{"service_request_id": issue.number, "service_notice": "已受理，将由调度员分派办理。",
                                      "account_id": "acc-7"}]  # fmt: skip
    assert (issue.source, issue.status, issue.region) == (Source.PORTAL, Status.REGISTERED, cast.world.touge)
    assert (issue.raiser_name, issue.raiser_phone) == ("王伟", "13812345678")
    assert issue.registered_by == cast.people[Role.DISPATCHER]
    origin = OpenRequest.objects.get(issue=issue)
    assert (origin.media_url, origin.account_id) == ("https://example.org/p/1.jpg", "acc-7")


def test_a_post_takes_a_point_and_a_region_attribute(cast: Cast) -> None:
    response = raise_one(cast, key(cast), address_string="", lat="30.3086", long="120.376",
                         **{"attribute[region]": str(cast.world.baiyang.pk)})  # fmt: skip
    assert response.status_code == 201
    issue = Issue.objects.get()
    assert issue.region == cast.world.baiyang and str(issue.latitude) == "30.308600"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_post_is_refused_in_the_specs_words(cast: Cast, fmt: str) -> None:
    raw = key(cast)
    cases = [
        (raise_one(cast, "", fmt), 403, "缺少 api_key"),
        (raise_one(cast, "sfw_wrong", fmt), 403, "api_key 无效"),
        (raise_one(cast, key(cast, scope=TokenScope.READ), fmt), 403, "只读"),
        (raise_one(cast, key(cast, Role.LEADER), fmt), 403, "不能登记问题"),
        (raise_one(cast, raw, fmt, service_code="nothing"), 404, "没有这个 service_code"),
        (raise_one(cast, raw, fmt, address_string=""), 400, "请提供位置"),
        (raise_one(cast, raw, fmt, description=""), 400, "description"),
        (raise_one(cast, raw, fmt, phone="123"), 400, "phone"),
        (raise_one(cast, raw, fmt, address_string="", lat="39.9", long="116.4"), 400, "不在本区范围内"),
        (
            raise_one(cast, raw, fmt, **{"attribute[credit_code]": "91330100000000000X"}),
            400,
            "没有对应的企业",
        ),
    ]
    for response, status, words in cases:
        code, description = error_of(response, fmt)
        assert (response.status_code, code) == (status, status), description
        assert words in description
    assert not Issue.objects.exists()


def _grow(cast: Cast, n: int, days_ago: float = 0) -> list[Issue]:
    made = [new_issue(cast) for _ in range(n)]
    Issue.objects.filter(pk__in=[i.pk for i in made]).update(
        registered_at=timezone.now() - timedelta(days=days_ago)
    )
    return made


def test_get_requests_answers_every_field_of_the_spec(cast: Cast) -> None:
    raw = key(cast)
    number = as_json(raise_one(cast, raw))[0]["service_request_id"]
    issue = Issue.objects.get(number=number)
    issue = cast.act(issue, "dispatch", Role.DISPATCHER, **payload_for("dispatch", issue, cast))
    [request] = xml(Client().get(f"{BASE}/requests.xml", {"api_key": raw}))
    assert [c.tag for c in request] == REQUEST_FIELDS
    fields = {c.tag: c.text or "" for c in request}
    assert fields["service_request_id"] == number and fields["status"] == "open"
    assert fields["status_notes"] == "已交由建设局办理。", "the raiser's plain words, not the office's notes"
    assert (fields["service_code"], fields["service_name"], fields["agency_responsible"]) == (
        "road",
        "道路交通",
        "建设局",
    )
    assert fields["requested_datetime"].endswith("+08:00") and fields["expected_datetime"].endswith(
        "23:59:59+08:00"
    )
    assert (
        fields["address"] == "下沙街道头格社区文渊路 8 号"
        and fields["media_url"] == "https://example.org/p/1.jpg"
    )
    [same] = as_json(Client().get(f"{BASE}/requests.json", {"api_key": raw}))
    assert list(same) == REQUEST_FIELDS and same["lat"] is None and same["zipcode"] == ""
    [one] = as_json(Client().get(f"{BASE}/requests/{number}.json", {"api_key": raw}))
    assert one == same
    assert as_json(Client().get(f"{BASE}/tokens/{number}.json", {"api_key": raw})) == [
        {"service_request_id": number, "token": number}
    ]


def test_get_requests_filters_by_id_code_status_and_window(cast: Cast) -> None:
    raw = key(cast)
    old, recent = _grow(cast, 1, days_ago=100)[0], _grow(cast, 1, days_ago=1)[0]
    done = _grow(cast, 1, days_ago=2)[0]
    Issue.objects.filter(pk=done.pk).update(status=Status.VOID)

    def numbers(**params: str) -> list[str]:
        response = Client().get(f"{BASE}/requests.json", {"api_key": raw, **params})
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in as_json(response)]

    assert numbers() == [recent.number, done.number], "the last 90 days by default, newest first"
    assert numbers(status="closed") == [done.number] and numbers(status="open") == [recent.number]
    assert numbers(service_request_id=recent.number, status="closed") == [recent.number], (
        "ids override status"
    )
    assert set(numbers(service_request_id=f"{old.number},{recent.number}")) == {old.number, recent.number}, (
        "ids override"
    )
    start = (timezone.now() - timedelta(days=120)).isoformat()
    end = (timezone.now() - timedelta(days=40)).isoformat()
    assert numbers(start_date=start, end_date=end) == [old.number]
    assert numbers(service_code="parking") == []
    too_long = Client().get(f"{BASE}/requests.xml", {"api_key": raw, "start_date": start,
                                                     "end_date": timezone.now().isoformat()})  # fmt: skip
    assert too_long.status_code == 400 and "90 天" in error_of(too_long, "xml")[1]
    naive = Client().get(f"{BASE}/requests.json", {"api_key": raw, "start_date": "2026-11-01T00:00:00"})
    assert naive.status_code == 400 and "时区" in error_of(naive, "json")[1]
    bad_status = Client().get(f"{BASE}/requests.json", {"api_key": raw, "status": "pending"})
    assert bad_status.status_code == 400


def test_get_requests_stops_at_the_limit(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    from sanfuwu.open311 import requests, views

    assert requests.LIMIT == 1000
    monkeypatch.setattr(views, "LIMIT", 3)
    _grow(cast, 5)
    assert len(as_json(Client().get(f"{BASE}/requests.json", {"api_key": key(cast)}))) == 3


def test_get_requests_needs_a_key_and_answers_within_its_persons_scope(cast: Cast) -> None:
    issue = _grow(cast, 1)[0]
    for fmt in ("xml", "json"):
        refused = Client().get(f"{BASE}/requests.{fmt}")
        assert refused.status_code == 403 and error_of(refused, fmt)[0] == 403
    baiyang = make_person("o_baiyang", [Role.DISPATCHER], region=cast.world.baiyang)
    raw = token_create(person=baiyang, name="x", scope=TokenScope.READ, days=1).raw
    assert as_json(Client().get(f"{BASE}/requests.json", {"api_key": raw})) == []
    missing = Client().get(f"{BASE}/requests/{issue.number}.xml", {"api_key": raw})
    assert missing.status_code == 404 and error_of(missing, "xml") == (404, "没有这个 service_request_id。")
    assert Client().get(f"{BASE}/tokens/{issue.number}.json", {"api_key": raw}).status_code == 404


def test_updates_follow_each_step_in_mysocietys_shape(cast: Cast) -> None:
    raw = key(cast)
    issue = _grow(cast, 1)[0]
    issue = cast.act(issue, "dispatch", Role.DISPATCHER, **payload_for("dispatch", issue, cast))
    issue = cast.act(issue, "accept", Role.HANDLER)
    cast.act(issue, "instruct", Role.LEADER, text="请举一反三，排查全线。")
    root = xml(Client().get(f"{BASE}/servicerequestupdates.xml", {"api_key": raw}))
    assert "举一反三" not in ElementTree.tostring(root, encoding="unicode"), (
        "a leader's instruction stays inside"
    )
    assert root.tag == "service_request_updates"
    updates = root.findall("request_update")
    assert [u.findtext("status") for u in updates] == ["ACTION_SCHEDULED", "IN_PROGRESS"]
    first = updates[0]
    assert [c.tag for c in first] == ["update_id", "service_request_id", "status", "updated_datetime",
                                      "description", "media_url", "external_status_code"]  # fmt: skip
    assert (
        first.findtext("update_id") == f"{issue.number}-2"
        and first.findtext("service_request_id") == issue.number
    )
    assert (
        first.findtext("description") == "已交办。" and first.findtext("external_status_code") == "assigned"
    )
    assert updates[1].findtext("description") == "已签收，正在办理。"
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert as_json(Client().get(f"{BASE}/servicerequestupdates.json",
                                {"api_key": raw, "start_date": later})) == []  # fmt: skip
    assert Client().get(f"{BASE}/servicerequestupdates.json").status_code == 403


def test_a_jurisdiction_id_is_accepted_given_or_empty(cast: Cast) -> None:
    raw = key(cast)
    for value in ("", "hzjkq.gov.cn"):
        assert Client().get(f"{BASE}/services.json", {"jurisdiction_id": value}).status_code == 200
        assert raise_one(cast, raw, jurisdiction_id=value).status_code == 201


def test_an_unknown_format_or_method_is_refused(cast: Cast) -> None:
    assert Client().get(f"{BASE}/services.csv").status_code == 404
    wrong = Client().post(f"{BASE}/services.json")
    assert wrong.status_code == 400 and error_of(wrong, "json")[0] == 400


def test_a_post_that_fails_half_way_writes_nothing(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the origin could not be written")

    monkeypatch.setattr(OpenRequest.objects, "create", broken)
    with pytest.raises(RuntimeError):
        raise_one(cast, key(cast))
    assert not Issue.objects.exists()
