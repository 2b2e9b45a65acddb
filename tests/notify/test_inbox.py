"""消息中心: the bell on every page, one's own notices and nobody else's, opening one reads it and
goes to the issue, and the choices of what to be told."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sanfuwu.notify.models import Channel, Kind, Notice, Preference
from sanfuwu.notify.services import notices_send
from sanfuwu.people.models import Person, Role
from tests.conftest import World, client_for, make_person
from tests.issues.conftest import Cast, new_issue, payload_for

pytestmark = pytest.mark.django_db

PAGES = ["inbox:list", "inbox:bell", "inbox:settings"]


def tell(person: Person, text: str = "WT-1 路面塌陷：已交办本部门主办", link: str = "/issues/") -> Notice:
    notices_send(kind=Kind.DISPATCHED, recipients=[person], text=text, link=link)
    return Notice.objects.filter(recipient=person).latest("id")


@pytest.mark.parametrize("name", PAGES)
def test_it_sends_strangers_to_the_login_page(world: World, name: str) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_refuses_a_stranger_opening_or_marking_a_notice(world: World, handler: Person) -> None:
    notice = tell(handler)
    assert Client().get(reverse("inbox:open", args=[notice.pk])).status_code == 302
    assert Client().post(reverse("inbox:read")).status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize("role", list(Role.values))
def test_every_role_has_the_bell_and_the_inbox(world: World, role: str) -> None:
    person = make_person(f"p_{role}", [role], region=world.xiasha)
    tell(person)
    client = client_for(person)
    home = client.get(reverse("home")).content.decode()
    assert 'id="sfw-bell"' in home and 'id="sfw-bell-phone"' in home
    assert 'class="badge bg-red text-white badge-pill sfw-bell-count">1<' in home
    assert client.get(reverse("inbox:list")).status_code == 200
    assert client.get(reverse("inbox:settings")).status_code == 200


def test_it_lists_only_ones_own_notices(world: World, handler: Person, leader: Person) -> None:
    tell(handler, "建设局的消息")
    tell(leader, "领导的消息")
    page = client_for(handler).get(reverse("inbox:list")).content.decode()
    assert "建设局的消息" in page and "领导的消息" not in page


def test_another_persons_notice_is_missing(world: World, handler: Person, leader: Person) -> None:
    notice = tell(leader)
    assert client_for(handler).get(reverse("inbox:open", args=[notice.pk])).status_code == 404
    assert client_for(handler).get(reverse("inbox:open", args=[987654])).status_code == 404
    client_for(handler).post(reverse("inbox:read"), {"id": [notice.pk]})
    notice.refresh_from_db()
    assert notice.read_at is None


def test_opening_a_notice_reads_it_and_goes_to_its_issue(cast: Cast) -> None:
    issue = new_issue(cast)
    cast.act(issue, "dispatch", Role.DISPATCHER, **payload_for("dispatch", issue, cast))
    handler = cast.people[Role.HANDLER]
    notice = Notice.objects.get(recipient=handler)
    client = client_for(handler)
    response = client.get(reverse("inbox:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("issues:detail", args=[issue.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "sfw-bell-count" not in client.get(reverse("home")).content.decode()


def test_it_never_sends_a_reader_off_the_site(world: World, handler: Person) -> None:
    notice = tell(handler, link="https://evil.example.com/")
    response = client_for(handler).get(reverse("inbox:open", args=[notice.pk]))
    assert response["Location"] == reverse("inbox:list")


def test_it_shows_unread_read_and_all(world: World, handler: Person) -> None:
    first, second = tell(handler, "第一条"), tell(handler, "第二条")
    client = client_for(handler)
    client.get(reverse("inbox:open", args=[first.pk]))
    unread = client.get(reverse("inbox:list")).content.decode()
    read = client.get(reverse("inbox:list") + "?show=read").content.decode()
    everything = client.get(reverse("inbox:list") + "?show=all").content.decode()
    assert "第二条" in unread and "第一条" not in unread
    assert "第一条" in read and "第二条" not in read
    assert "第一条" in everything and "第二条" in everything
    assert second.pk


def test_it_marks_everything_read(world: World, handler: Person) -> None:
    for n in range(3):
        tell(handler, f"消息{n}")
    response = client_for(handler).post(reverse("inbox:read"), {"show": "unread"}, follow=True)
    assert "已将 3 条消息标为已读" in response.content.decode()
    assert not Notice.objects.filter(recipient=handler, read_at__isnull=True).exists()


def test_the_bell_refreshes_alone(world: World, handler: Person) -> None:
    tell(handler)
    bell = client_for(handler).get(reverse("inbox:bell") + "?id=sfw-bell-phone").content.decode()
    assert 'id="sfw-bell-phone"' in bell and "<html" not in bell and ">1<" in bell


def test_the_bell_says_999_plus_rather_than_counting_everything(world: World, handler: Person) -> None:
    Notice.objects.bulk_create(
        [Notice(recipient=handler, kind=Kind.OVERDUE, text="超期") for _ in range(1000)]
    )
    assert ">999+<" in client_for(handler).get(reverse("inbox:bell")).content.decode()


def test_it_saves_the_choices_of_what_to_be_told(world: World, handler: Person) -> None:
    data = {kind.value: Channel.ROBOT.value for kind in Kind}
    data[Kind.DISPATCHED] = Channel.OFF
    data[Kind.OVERDUE] = Channel.IN_APP
    response = client_for(handler).post(reverse("inbox:settings"), data, follow=True)
    assert "提醒设置已保存" in response.content.decode()
    chosen = dict(Preference.objects.filter(person=handler).values_list("kind", "channel"))
    assert chosen[Kind.DISPATCHED] == Channel.OFF and chosen[Kind.OVERDUE] == Channel.IN_APP


def test_it_refuses_switching_off_a_mandatory_kind_at_its_field(world: World, handler: Person) -> None:
    data = {kind.value: Channel.ROBOT.value for kind in Kind}
    data[Kind.SUPERVISED] = Channel.OFF
    response = client_for(handler).post(reverse("inbox:settings"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-field-error="supervised"' in page and "必须提醒，不能关闭" in page
    assert not Preference.objects.exists()
    settings_page = client_for(handler).get(reverse("inbox:settings")).content.decode()
    assert 'name="supervised" value="off"' not in settings_page
    assert 'name="dispatched" value="off"' in settings_page
