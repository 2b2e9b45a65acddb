"""A resident raises a problem without an account: it lands in triage as 网上诉求 with a tracking
code, and anything wrong is said at its field with nothing written."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sanfuwu.issues.models import Attachment, Issue, IssueEvent, Source, Status
from sanfuwu.issues.selectors import issue_triage_queue
from sanfuwu.people.models import Role
from sanfuwu.raisers.codes import code_hash
from sanfuwu.raisers.models import Attempt, Outcome, PublicRaise
from sanfuwu.raisers.services import CHANNEL_USERNAME
from tests.conftest import client_for
from tests.issues.conftest import Cast
from tests.raisers.conftest import check_token, phone, raise_data

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _code_of(response) -> str:
    match = re.search(r"/public/t/([A-Z0-9]+)/\?new=1", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def test_it_raises_a_problem_that_waits_in_triage_with_a_tracking_code(cast: Cast, resident: Client) -> None:
    response = resident.post(reverse("public:raise"), raise_data(cast.category.pk))
    assert response.status_code == 302
    code = _code_of(response)
    issue = Issue.objects.get()
    assert issue.source == Source.PORTAL and issue.status == Status.REGISTERED
    assert issue.region == cast.world.touge, "the region named in the address"
    assert issue.registered_by is not None and issue.registered_by.username == CHANNEL_USERNAME
    assert (issue.raiser_name, issue.raiser_phone) == ("李女士", "13900001111")
    assert issue.title.startswith("文渊路与6号大街路口的路灯坏了")
    assert PublicRaise.objects.get(issue=issue).code_hash == code_hash(code)
    assert issue in issue_triage_queue(cast.people[Role.DISPATCHER])
    page = resident.get(response["Location"]).content.decode()
    assert code[:5] + "-" + code[5:] in page and "已受理" in page


def test_the_code_is_kept_only_as_a_hash(cast: Cast, resident: Client) -> None:
    code = _code_of(resident.post(reverse("public:raise"), raise_data(cast.category.pk)))
    row = PublicRaise.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64


def test_it_refuses_a_wrong_sum_at_its_field_and_writes_no_issue(cast: Cast, resident: Client) -> None:
    response = resident.post(reverse("public:raise"), raise_data(cast.category.pk, answer="8"))
    assert response.status_code == 400
    assert "计算结果不对" in response.content.decode()
    assert 'data-field-error="answer"' in response.content.decode()
    assert not Issue.objects.exists()
    assert Attempt.objects.get().outcome == Outcome.FAILED_CHECK


def test_it_refuses_a_form_a_robot_filled_or_sent_back_at_once(cast: Cast, resident: Client) -> None:
    trap = resident.post(reverse("public:raise"), raise_data(cast.category.pk, website="http://spam.example"))
    fast = resident.post(reverse("public:raise"), raise_data(cast.category.pk, check=check_token(age=0)))
    forged = resident.post(reverse("public:raise"), raise_data(cast.category.pk, check="eyJhIjozfQ:forged"))
    assert [trap.status_code, fast.status_code, forged.status_code] == [400, 400, 400]
    assert not Issue.objects.exists()
    assert Attempt.objects.filter(outcome=Outcome.FAILED_CHECK).count() == 3


def test_it_says_each_missing_or_wrong_field_in_chinese(cast: Cast, resident: Client) -> None:
    data = raise_data(
        cast.category.pk, category="", description="路灯坏了", address="某处", raiser_phone="12345"
    )
    page = resident.post(reverse("public:raise"), data).content.decode()
    assert "请选择问题类别。" in page
    assert "问题描述至少 10 个字" in page
    assert "请选择所在街道或社区，或在详细地址中写明街道、社区名称。" in page
    assert "请输入 11 位手机号码" in page
    assert not Issue.objects.exists()


def test_it_takes_the_chosen_region_or_the_enterprises_grid(cast: Cast, resident: Client) -> None:
    chosen = raise_data(cast.category.pk, region=cast.world.baiyang.pk, address="")
    assert resident.post(reverse("public:raise"), chosen).status_code == 302
    firm = raise_data(cast.category.pk, address="", enterprise=cast.world.park_firm.credit_code)
    assert resident.post(reverse("public:raise"), firm).status_code == 302
    first, second = Issue.objects.order_by("pk")
    assert first.region == cast.world.baiyang
    assert (second.region, second.target) == (cast.world.park_grid, cast.world.park_firm)


def test_it_refuses_an_unknown_enterprise_at_its_field(cast: Cast, resident: Client) -> None:
    response = resident.post(reverse("public:raise"), raise_data(cast.category.pk, enterprise="不存在的公司"))
    assert response.status_code == 400
    assert "没有找到这家企业" in response.content.decode()
    assert not Issue.objects.exists()


def test_it_keeps_a_point_inside_the_district_and_refuses_one_outside(cast: Cast, resident: Client) -> None:
    outside = resident.post(
        reverse("public:raise"), raise_data(cast.category.pk, latitude="39.9087", longitude="116.3975")
    )
    assert outside.status_code == 400 and "不在本区范围内" in outside.content.decode()
    assert not Issue.objects.exists()
    inside = resident.post(
        reverse("public:raise"), raise_data(cast.category.pk, latitude="30.308612", longitude="120.376")
    )
    assert inside.status_code == 302
    issue = Issue.objects.get()
    assert (str(issue.latitude), str(issue.longitude)) == ("30.308612", "120.376000")


def test_it_keeps_photos_and_refuses_a_file_that_is_no_photo(cast: Cast, resident: Client) -> None:
    fake = SimpleUploadedFile("路灯.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    refused = resident.post(reverse("public:raise"), {**raise_data(cast.category.pk), "photos": [fake]})
    assert refused.status_code == 400 and "文件内容与扩展名不符" in refused.content.decode()
    assert not Issue.objects.exists() and not Attachment.objects.exists()
    photo = SimpleUploadedFile("路灯.png", PNG, content_type="image/png")
    kept = resident.post(reverse("public:raise"), {**raise_data(cast.category.pk), "photos": [photo]})
    assert kept.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.issue == Issue.objects.get() and attachment.content_type == "image/png"


def test_it_refuses_more_than_three_photos(cast: Cast, resident: Client) -> None:
    photos = [SimpleUploadedFile(f"{n}.png", PNG, content_type="image/png") for n in range(4)]
    response = resident.post(reverse("public:raise"), {**raise_data(cast.category.pk), "photos": photos})
    assert response.status_code == 400 and "最多上传 3 张照片" in response.content.decode()
    assert not Issue.objects.exists()


def test_the_issue_history_names_the_channel_as_who_raised_it(cast: Cast, resident: Client) -> None:
    resident.post(reverse("public:raise"), raise_data(cast.category.pk))
    event = IssueEvent.objects.get()
    assert event.actor is not None and event.actor.name == "网上诉求"
    assert not event.actor.is_active and not event.actor.has_usable_password()


def test_the_channels_account_cannot_sign_in(cast: Cast, resident: Client) -> None:
    resident.post(reverse("public:raise"), raise_data(cast.category.pk))
    response = Client().post(reverse("login"), {"username": CHANNEL_USERNAME, "password": ""})
    assert response.status_code == 200 and "_auth_user_id" not in Client().session


def test_the_channels_account_is_not_listed_among_staff(cast: Cast, resident: Client) -> None:
    resident.post(reverse("public:raise"), raise_data(cast.category.pk))
    leader = cast.people[Role.LEADER]
    page = client_for(leader).get(reverse("people:list")).content.decode()
    assert "i_dispatcher" in page and CHANNEL_USERNAME not in page and ">网上诉求<" not in page


def test_an_address_that_keeps_failing_the_check_is_made_to_wait(cast: Cast) -> None:
    from sanfuwu.raisers.limits import FAILED_CHECKS_PER_HOUR

    bot = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(FAILED_CHECKS_PER_HOUR):
        assert bot.post(reverse("public:raise"), raise_data(cast.category.pk, answer="0")).status_code == 400
    right = bot.post(reverse("public:raise"), raise_data(cast.category.pk))
    assert right.status_code == 429, "even a right answer waits once the address has failed too often"
    assert not Issue.objects.exists()
    assert phone("10.9.9.10").post(reverse("public:raise"), raise_data(cast.category.pk)).status_code == 302


def test_old_attempts_are_forgotten_and_recent_ones_kept(cast: Cast) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from sanfuwu.raisers.limits import attempts_forget

    old = Attempt.objects.create(step="raise", outcome=Outcome.TOO_MANY, address="10.0.0.1")
    Attempt.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=91))
    recent = Attempt.objects.create(step="raise", outcome=Outcome.TOO_MANY, address="10.0.0.1")
    assert attempts_forget() == 1
    assert list(Attempt.objects.all()) == [recent]


def test_a_worked_out_sum_lets_one_form_through_once(cast: Cast) -> None:
    token = check_token()
    first = phone("10.4.0.1").post(reverse("public:raise"), raise_data(cast.category.pk, check=token))
    again = phone("10.4.0.2").post(reverse("public:raise"), raise_data(cast.category.pk, check=token))
    assert first.status_code == 302 and again.status_code == 400
    assert "已经用过" in again.content.decode() and Issue.objects.count() == 1


def test_without_the_device_mark_an_address_counts_as_one_phone(cast: Cast) -> None:
    bare = Client(REMOTE_ADDR="10.5.0.1")  # never opened the form: no device cookie
    for _ in range(3):
        assert bare.post(reverse("public:raise"), raise_data(cast.category.pk)).status_code == 302
    assert bare.post(reverse("public:raise"), raise_data(cast.category.pk)).status_code == 429
    assert Issue.objects.count() == 3


def test_one_ipv6_block_counts_as_one_address(cast: Cast) -> None:
    for n in range(5):
        assert (
            phone(f"2001:db8:1:2::{n + 1}")
            .post(reverse("public:raise"), raise_data(cast.category.pk))
            .status_code
            == 302
        )
    refused = phone("2001:db8:1:2:ffff::9").post(reverse("public:raise"), raise_data(cast.category.pk))
    assert refused.status_code == 429
    assert Attempt.objects.filter(outcome=Outcome.TOO_MANY).get().address == "2001:db8:1:2::"


def test_the_channel_takes_only_so_many_an_hour_from_everywhere(cast: Cast, monkeypatch) -> None:
    from sanfuwu.raisers import limits

    monkeypatch.setattr(limits, "ALL_PER_HOUR", 2)
    for n in range(2):
        assert (
            phone(f"10.6.0.{n}").post(reverse("public:raise"), raise_data(cast.category.pk)).status_code
            == 302
        )
    assert phone("10.6.1.1").post(reverse("public:raise"), raise_data(cast.category.pk)).status_code == 429


def test_the_count_is_taken_again_under_the_lock(cast: Cast, monkeypatch) -> None:
    """A burst passes the first count together; the second, under the lock, refuses all but the
    slots left and writes nothing for the others."""
    from sanfuwu.portal.views import public
    from sanfuwu.raisers import limits

    for _ in range(5):
        phone("10.7.0.1").post(reverse("public:raise"), raise_data(cast.category.pk))
    calls = []

    def first_count_passes(**kwargs: object) -> bool:
        calls.append(kwargs)
        return False if len(calls) == 1 else limits.too_many(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(public, "too_many", first_count_passes)
    response = phone("10.7.0.1").post(reverse("public:raise"), raise_data(cast.category.pk))
    assert response.status_code == 429 and len(calls) == 2
    assert Issue.objects.count() == 5


def test_incomplete_forms_count_against_the_address(cast: Cast) -> None:
    from sanfuwu.raisers.limits import FAILED_CHECKS_PER_HOUR

    prober = phone("10.8.0.1")
    for n in range(FAILED_CHECKS_PER_HOUR):
        bad = prober.post(reverse("public:raise"), raise_data(cast.category.pk, enterprise=f"猜测公司{n}"))
        assert bad.status_code == 400
    assert prober.post(reverse("public:raise"), raise_data(cast.category.pk)).status_code == 429
    assert Attempt.objects.filter(outcome=Outcome.INVALID).count() == FAILED_CHECKS_PER_HOUR


def test_the_code_is_keyed_with_the_sites_secret(cast: Cast, settings) -> None:
    import hashlib

    from sanfuwu.raisers.codes import code_hash

    assert code_hash("ABCDEFGHJK") != hashlib.sha256(b"ABCDEFGHJK").hexdigest()
    before = code_hash("ABCDEFGHJK")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert code_hash("ABCDEFGHJK") != before
