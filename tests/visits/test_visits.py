"""Recording visits: problems become linked issues, bad input writes nothing, scope holds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sanfuwu.issues.models import Issue, Source, Status, Tier
from sanfuwu.visits.models import Pairing, Visit, VisitPhoto
from tests.conftest import client_for
from tests.visits.conftest import PNG, Crew, png

pytestmark = pytest.mark.django_db


def form_data(crew: Crew, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "targets": [crew.world.xiasha_firm.pk],
        "visited_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "form": "site",
        "notes": "与企业负责人座谈，了解生产经营和用工情况。",
        "place": "企业会议室",
        "met": "总经理 王某",
        "policies": [crew.policy.pk],
        "problems-TOTAL_FORMS": "2",
        "problems-INITIAL_FORMS": "0",
        "problems-MIN_NUM_FORMS": "0",
        "problems-MAX_NUM_FORMS": "20",
        "problems-0-description": "企业门前道路破损严重，货车进出困难。",
        "problems-0-category": crew.category.pk,
        "problems-1-description": "厂区路灯损坏两盏，夜班员工出行不便。",
        "problems-1-category": crew.category.pk,
        "problems-1-solved": "on",
        "problems-1-resolution": "已联系物业当场更换灯泡。",
        "photos": [png()],
    }
    data.update(overrides)
    return data


def post(crew: Crew, **overrides: Any):
    return client_for(crew.visitor).post(reverse("visits:new"), form_data(crew, **overrides))


def test_it_records_a_visit_and_registers_each_problem_linked_to_it(crew: Crew) -> None:
    response = post(crew)
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"].startswith(visit.get_absolute_url())
    issues = list(Issue.objects.filter(visit=visit).order_by("id"))
    assert [i.status for i in issues] == [Status.REGISTERED, Status.RESOLVED]
    assert [i.tier for i in issues] == [Tier.DEADLINE, Tier.DONE]
    assert all(i.source == Source.VISIT and i.target == crew.world.xiasha_firm for i in issues)
    assert issues[1].resolution == "已联系物业当场更换灯泡。"
    assert list(visit.visitors.all()) == [crew.visitor]
    assert visit.region == crew.world.touge_grid
    assert visit.photos.count() == 1 and list(visit.policies.all()) == [crew.policy]
    assert visit.visit_targets.get().visited_on == timezone.localdate(visit.visited_at)
    # The registered one waits in the street dispatcher's triage queue, linked to the visit.
    triage = client_for(crew.xiasha).get(reverse("issues:triage")).content.decode()
    assert issues[0].title in triage and visit.get_absolute_url() in triage


def test_it_shows_the_visit_with_its_issues_live_status(crew: Crew) -> None:
    post(crew)
    visit = Visit.objects.get()
    page = client_for(crew.visitor).get(visit.get_absolute_url()).content.decode()
    assert "企业门前道路破损严重" in page and "已登记" in page and "已办结" in page
    assert "企业稳岗返还政策" in page
    issue = Issue.objects.filter(visit=visit).earliest("id")
    assert (
        visit.get_absolute_url()
        in client_for(crew.visitor).get(reverse("issues:detail", args=[issue.pk])).content.decode()
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"visited_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")},
            "visited_at",
            "走访时间不能晚于现在",
        ),
        ({"targets": []}, "targets", "请至少选择一个走访对象"),
        (
            {"photos": [SimpleUploadedFile("a.gif", b"GIF89a....", content_type="image/gif")]},
            "photos",
            "照片只能是 JPG 或 PNG",
        ),
        ({"photos": [png("伪装.png", b"MZ\x90\x00not an image")]}, "photos", "文件内容与扩展名不符"),
        ({"photos": [png("大.png", PNG + b"\x00" * (10 * 1024 * 1024))]}, "photos", "不能超过 10 MB"),
        ({"problems-0-description": ""}, "problems-0-description", "请写明问题内容"),
        ({"problems-1-resolution": ""}, "problems-1-resolution", "请填写解决情况"),
        ({"notes": "好"}, "notes", "至少 5 个字"),
    ],
    ids=[
        "future",
        "no-target",
        "gif",
        "fake-png",
        "oversized",
        "problem-without-text",
        "solved-without-result",
        "short-notes",
    ],
)
def test_it_refuses_bad_input_at_the_field_and_writes_nothing(
    crew: Crew, overrides: dict, field: str, message: str
) -> None:
    response = post(crew, **overrides)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-field-error="{field}"' in page and message in page
    assert Visit.objects.count() == 0 and Issue.objects.count() == 0 and VisitPhoto.objects.count() == 0
    # What was typed comes back.
    assert "企业会议室" in page and "厂区路灯损坏两盏" in page


def test_it_refuses_a_target_outside_the_visitors_grid(crew: Crew) -> None:
    response = post(crew, targets=[crew.world.baiyang_firm.pk])
    assert 'data-field-error="targets"' in response.content.decode()
    assert Visit.objects.count() == 0


def test_it_rolls_back_the_visit_when_a_problem_cannot_be_registered(crew: Crew) -> None:
    # A leader may record a visit but not register issues: nothing of the visit remains.
    data = form_data(crew)
    response = client_for(crew.leader).post(reverse("visits:new"), data)
    assert response.status_code == 200 and "您的角色不能登记问题" in response.content.decode()
    assert Visit.objects.count() == 0 and Issue.objects.count() == 0
    without_problems = form_data(crew, **{"problems-TOTAL_FORMS": "0"})
    assert client_for(crew.leader).post(reverse("visits:new"), without_problems).status_code == 302
    assert Visit.objects.count() == 1


def test_it_keeps_the_form_to_recorders(crew: Crew) -> None:
    assert client_for(crew.handler).get(reverse("visits:new")).status_code == 403
    assert client_for(crew.visitor).get(reverse("visits:new")).status_code == 200


def test_it_lists_the_visitors_own_pairings_first_in_the_form(crew: Crew) -> None:
    page = client_for(crew.visitor).get(reverse("visits:new")).content.decode()
    assert "我的包联" in page and crew.world.xiasha_firm.name in page
    found = client_for(crew.visitor).get(
        reverse("visits:target_search"), {"q": str(crew.world.xiasha_firm.credit_code)}
    )
    assert crew.world.xiasha_firm.name in found.content.decode()
    # Another street's enterprise is not offered.
    other = client_for(crew.visitor).get(reverse("visits:target_search"), {"q": crew.world.baiyang_firm.name})
    assert crew.world.baiyang_firm.name not in other.content.decode()


def test_it_shows_a_visit_only_within_scope(crew: Crew) -> None:
    post(crew)
    visit = Visit.objects.get()
    url = visit.get_absolute_url()
    photo_url = reverse("visits:photo", args=[visit.pk, visit.photos.get().pk])
    for person in (crew.visitor, crew.xiasha, crew.leader):
        assert client_for(person).get(url).status_code == 200, person
    for person in (
        crew.baiyang,
        crew.handler,
        crew.colleague.__class__.objects.create_user(username="nobody"),
    ):
        assert client_for(person).get(url).status_code == 404, person
        assert client_for(person).get(photo_url).status_code == 404, person
    missing = reverse("visits:detail", args=[visit.pk + 100])
    assert client_for(crew.xiasha).get(missing).status_code == 404
    assert client_for(crew.xiasha).get(photo_url).status_code == 200
    # A department that came along sees it.
    visit.departments.add(crew.world.jianshe)
    assert client_for(crew.handler).get(url).status_code == 200


def test_it_lists_visits_in_scope_only(crew: Crew) -> None:
    post(crew)
    assert "下沙星辰制药" in client_for(crew.xiasha).get(reverse("visits:list")).content.decode()
    assert "下沙星辰制药" not in client_for(crew.baiyang).get(reverse("visits:list")).content.decode()


def test_it_shows_a_target_the_policies_it_heard(crew: Crew) -> None:
    post(crew)
    page = (
        client_for(crew.xiasha)
        .get(reverse("targets:detail", args=[crew.world.xiasha_firm.pk]))
        .content.decode()
    )
    assert 'id="policies-heard"' in page and "企业稳岗返还政策" in page
    assert timezone.localdate().strftime("%Y-%m-%d") in page


def test_it_shows_a_visitor_only_their_own_pairings(crew: Crew) -> None:
    Pairing.objects.create(target=crew.world.xiasha_firm, person=crew.colleague, starts_on="2025-01-01")
    mine = client_for(crew.visitor).get(reverse("visits:pairings")).content.decode()
    assert mine.count('class="pairing-row"') == 1 and "v_colleague" not in mine
    street = client_for(crew.xiasha).get(reverse("visits:pairings")).content.decode()
    assert street.count('class="pairing-row"') == 2
    assert (
        client_for(crew.baiyang).get(reverse("visits:pairings")).content.decode().count('class="pairing-row"')
        == 0
    )


def test_it_pairs_a_whole_grid_with_its_worker(crew: Crew) -> None:
    from sanfuwu.targets.models import Target
    from tests.conftest import make_code

    Target.objects.create(kind="enterprise", name="头格二号企业", credit_code=make_code("330114MA2XHA009"),
                          industry="software", region=crew.world.touge, grid=crew.world.touge_grid)  # fmt: skip
    data = {
        "grid": crew.world.touge_grid.pk,
        "person": crew.colleague.pk,
        "frequency": "monthly",
        "starts_on": "2025-02-01",
    }
    response = client_for(crew.xiasha).post(reverse("visits:assign_grid"), data)
    assert response.status_code == 302
    assert set(Pairing.objects.filter(person=crew.colleague).values_list("target__name", flat=True)) == {
        "下沙星辰制药有限公司",
        "头格二号企业",
    }
    # Again: nothing doubled.
    client_for(crew.xiasha).post(reverse("visits:assign_grid"), data)
    assert Pairing.objects.filter(person=crew.colleague).count() == 2
    # Another street's dispatcher cannot pick this grid; a visitor cannot use the page at all.
    client_for(crew.baiyang).post(reverse("visits:assign_grid"), {**data, "person": crew.baiyang.pk})
    assert Pairing.objects.filter(person=crew.baiyang).count() == 0
    assert client_for(crew.visitor).post(reverse("visits:assign_grid"), data).status_code == 403


def test_it_shows_the_blind_spots_of_a_street_to_a_leader(crew: Crew) -> None:
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    page = (
        client_for(crew.leader)
        .get(
            reverse("visits:coverage"),
            {"month": last_month, "region": str(crew.world.xiasha.pk), "level": "street"},
        )
        .content.decode()
    )
    assert 'class="blind-spot"' in page and "下沙星辰制药有限公司" in page and "从未走访" in page
    assert "0.0%" in page
    # The visitor's own coverage page shows their pairing; another street's dispatcher sees none of it.
    assert (
        "下沙星辰制药有限公司"
        in client_for(crew.visitor).get(reverse("visits:coverage"), {"month": last_month}).content.decode()
    )
    other = client_for(crew.baiyang).get(reverse("visits:coverage"), {"month": last_month}).content.decode()
    assert "下沙星辰制药有限公司" not in other and "—" in other


def test_it_lists_the_longest_blind_spots_first_and_sends_the_rest_to_the_export(
    crew: Crew, monkeypatch
) -> None:
    from sanfuwu.portal.views import visits as visit_views
    from sanfuwu.targets.models import Target
    from tests.conftest import make_code

    monkeypatch.setattr(visit_views, "LISTED", 2)
    for n in range(3):
        firm = Target.objects.create(
            kind="enterprise", name=f"头格补充企业{n}", credit_code=make_code(f"330114MA2XHB{n:03d}"),
            industry="biomedicine", region=crew.world.touge, grid=crew.world.touge_grid,
        )  # fmt: skip
        Pairing.objects.create(target=firm, person=crew.visitor, starts_on="2025-01-01")
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    page = client_for(crew.visitor).get(reverse("visits:coverage"), {"month": last_month}).content.decode()
    assert page.count('class="blind-spot"') == 2 and "走访盲区（4）" in page and 'id="gaps-more"' in page
    assert f"{reverse('visits:coverage_export')}?month={last_month}" in page
    # This month's visits are still to make: the soonest due are listed, the count says how many.
    now = client_for(crew.visitor).get(reverse("visits:coverage")).content.decode()
    assert now.count('class="list-group-item pending-pairing"') == 2
    assert 'id="pending-more"' in now and "共 4 个" in now


def test_it_keeps_a_large_territorys_coverage_for_minutes_and_recounts_on_request(
    crew: Crew, monkeypatch
) -> None:
    from django.core.cache import cache

    from sanfuwu.portal.views import visits as visit_views

    monkeypatch.setattr(visit_views, "LIVE_PAIRINGS", 0)
    cache.clear()
    try:
        url = reverse("visits:coverage")
        first = client_for(crew.visitor).get(url).content.decode()
        assert 'id="coverage-kept"' in first and "走访盲区" in first
        assert first.count('class="list-group-item pending-pairing"') == 1
        Pairing.objects.filter(person=crew.visitor).delete()
        kept = client_for(crew.visitor).get(url).content.decode()
        assert kept.count('class="list-group-item pending-pairing"') == 1  # counted before, shown again
        recounted = client_for(crew.visitor).get(url, {"fresh": "1"}).content.decode()
        assert 'class="list-group-item pending-pairing"' not in recounted
        # Small territories are counted on every visit and say nothing about it.
        monkeypatch.setattr(visit_views, "LIVE_PAIRINGS", 1000)
        cache.clear()
        assert 'id="coverage-kept"' not in client_for(crew.visitor).get(url).content.decode()
    finally:
        cache.clear()


def test_it_refuses_pairing_someone_with_a_target_they_cannot_visit(crew: Crew) -> None:
    from django.core.exceptions import ValidationError

    from sanfuwu.visits.services import pairing_create

    park_worker = crew.visitor.__class__.objects.create_user(
        username="park_worker", region=crew.world.park_grid
    )
    with pytest.raises(ValidationError) as refused:
        pairing_create(actor=crew.leader, target=crew.world.xiasha_firm, person=park_worker,
                       frequency="monthly", starts_on=timezone.localdate())  # fmt: skip
    assert "无权走访" in str(refused.value.message_dict["person"])
    assert not Pairing.objects.filter(person=park_worker).exists()


def test_it_preselects_the_target_it_was_opened_for(crew: Crew) -> None:
    page = (
        client_for(crew.visitor)
        .get(reverse("visits:new"), {"target": crew.world.xiasha_firm.pk})
        .content.decode()
    )
    chosen = page.split('id="target-chosen"')[1].split('id="target-results"')[0]
    assert crew.world.xiasha_firm.name in chosen and "checked" in chosen
