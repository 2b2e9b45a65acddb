"""Sign-in: lockout after repeated failures, logins in any case, passwords the owner must choose,
idle sessions ending, and each of these in the audit."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from sanfuwu.audit.models import AuditAction, AuditEntry
from sanfuwu.people.admin import ResetPasswordForm
from sanfuwu.people.lockout import account_unlock
from sanfuwu.people.middleware import LOGIN_KEY, SEEN_COOKIE, seen_cookie_value, session_mark
from sanfuwu.people.models import LoginFailure, Person, Role
from tests.conftest import PASSWORD, World, client_for, make_person

NEW_PASSWORD = "Qiantang-river-2026"


def attempt(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_it_locks_an_account_after_five_wrong_passwords_and_says_for_how_long(
    world: World, leader: Person
) -> None:
    client = Client()
    for _ in range(4):
        assert "账号或密码不正确" in attempt(client, "leader", "wrong").content.decode()
    fifth = attempt(client, "leader", "wrong").content.decode()
    assert "该账号已临时锁定" in fifth and "15 分钟后再试" in fifth
    # Locked: the right password is not even tried.
    refused = attempt(client, "leader", PASSWORD, address="10.0.0.2")
    assert refused.status_code == 200 and "该账号已临时锁定" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    actions = list(AuditEntry.objects.filter(object_repr="leader").values_list("action", flat=True))
    assert actions.count(AuditAction.LOGIN_FAILED) == 5 and actions.count(AuditAction.LOCKED) == 1


def test_it_lets_the_account_in_again_once_the_window_passes(world: World, leader: Person, settings) -> None:
    settings.SANFUWU_LOCKOUT_SECONDS = 1
    client = Client()
    for _ in range(5):
        attempt(client, "leader", "wrong")
    time.sleep(1.1)
    assert attempt(client, "leader", PASSWORD).status_code == 302


def test_an_administrator_unlocks_an_account_at_once(
    world: World, leader: Person, admin_person: Person
) -> None:
    for _ in range(5):
        attempt(Client(), "leader", "wrong")
    admin_person.is_staff = admin_person.is_superuser = True
    admin_person.save()
    staff = client_for(admin_person)
    response = staff.post(
        reverse("admin:people_person_changelist"),
        {"action": "unlock_logins", "_selected_action": [leader.pk]},
    )
    assert response.status_code == 302
    assert attempt(Client(), "leader", PASSWORD).status_code == 302
    unlock = AuditEntry.objects.get(action=AuditAction.UNLOCKED)
    assert unlock.actor == admin_person and unlock.object_id == str(leader.pk)


def test_a_successful_login_clears_the_count(world: World, leader: Person) -> None:
    client = Client()
    for _ in range(4):
        attempt(client, "leader", "wrong")
    assert attempt(client, "leader", PASSWORD).status_code == 302
    for _ in range(4):
        attempt(Client(), "leader", "wrong")
    assert attempt(Client(), "leader", PASSWORD).status_code == 302


def test_it_stops_one_address_trying_many_accounts(world: World, settings) -> None:
    settings.SANFUWU_LOCKOUT_ADDRESS_FAILURES = 6
    for n in range(6):
        attempt(Client(), f"nobody{n}", "wrong", address="192.0.2.7")
    make_person("real", [Role.LEADER], region=world.district)
    from_there = attempt(Client(), "real", PASSWORD, address="192.0.2.7")
    assert "本机登录失败次数过多" in from_there.content.decode()
    assert attempt(Client(), "real", PASSWORD, address="192.0.2.8").status_code == 302


def test_the_admin_sign_in_counts_towards_the_same_lockout(world: World, admin_person: Person) -> None:
    for _ in range(5):
        Client().post(reverse("admin:login"), {"username": "admin", "password": "wrong"})
    assert LoginFailure.objects.filter(username="admin").count() == 5
    refused = Client().post(reverse("admin:login"), {"username": "admin", "password": PASSWORD})
    assert "该账号已临时锁定" in refused.content.decode()


def test_a_login_answers_to_any_case(world: World, leader: Person) -> None:
    assert attempt(Client(), "LEADER", PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN, actor=leader).exists()


def test_no_second_account_may_take_another_case_of_a_login(world: World, leader: Person) -> None:
    twin = Person(username="Leader", name="重名")
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert "该账号已被使用（不区分大小写）" in str(refused.value)


def test_a_people_import_updates_the_account_whatever_the_case(world: World, admin_person: Person) -> None:
    from sanfuwu.people.services import person_save

    make_person("tester1", [Role.VISITOR], region=world.touge_grid)
    person, created = person_save(
        actor=admin_person, username="TESTER1", name="测试一", region=world.touge_grid, department=None,
        roles=[Role.VISITOR], title="", phone="",
    )  # fmt: skip
    assert not created and person.username == "tester1"
    assert Person.objects.filter(username__iexact="tester1").count() == 1


def test_an_account_the_administrator_created_must_change_its_password_first(
    world: World, admin_person: Person
) -> None:
    admin_person.is_staff = admin_person.is_superuser = True
    admin_person.save()
    staff = client_for(admin_person)
    staff.post(reverse("admin:people_person_add"), {
        "username": "newbie", "name": "新人", "region": world.xiasha.pk, "password1": "Initial-pass-2026",
        "password2": "Initial-pass-2026", "usable_password": "true",
        "role_grants-TOTAL_FORMS": "1", "role_grants-INITIAL_FORMS": "0", "role_grants-0-role": Role.DISPATCHER,
    })  # fmt: skip
    newbie = Person.objects.get(username="newbie")
    assert newbie.must_change_password
    client = Client()
    assert attempt(client, "newbie", "Initial-pass-2026").status_code == 302
    assert client.get(reverse("issues:list"))["Location"] == reverse("password_change")
    hx = client.get(reverse("issues:list"), headers={"HX-Request": "true"})
    assert hx["HX-Redirect"] == reverse("password_change")
    page = client.get(reverse("password_change")).content.decode()
    assert 'id="must-change"' in page
    changed = client.post(reverse("password_change"), {
        "old_password": "Initial-pass-2026", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })  # fmt: skip
    assert changed.status_code == 302
    assert client.get(reverse("issues:list")).status_code == 200, "still signed in, free to work"
    newbie.refresh_from_db()
    assert not newbie.must_change_password
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGED, actor=newbie).exists()


def test_an_administrators_reset_makes_the_owner_choose_again(
    world: World, leader: Person, admin_person: Person
) -> None:
    form = ResetPasswordForm(leader, {"password1": "Reset-by-admin-77", "password2": "Reset-by-admin-77",
                                      "usable_password": "true"})  # fmt: skip
    assert form.is_valid(), form.errors
    form.save()
    leader.refresh_from_db()
    assert leader.must_change_password
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD_RESET, object_id=str(leader.pk)).exists()


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Ab1-short", "密码长度太短"),
        ("newbie-login", "相似"),
        ("password1234", "太常见"),
        ("20261203117", "只包含数字"),
    ],
)
def test_it_refuses_weak_new_passwords_at_the_field(world: World, password: str, why: str) -> None:
    person = make_person("newbie-login", [Role.VISITOR], region=world.touge_grid)
    response = client_for(person).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert why in page and "invalid-feedback" in page
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_a_wrong_current_password_changes_nothing(world: World, leader: Person) -> None:
    response = client_for(leader).post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 400 and "旧密码不正确" in response.content.decode()
    leader.refresh_from_db()
    assert leader.check_password(PASSWORD)


def test_an_idle_session_ends_and_says_why(world: World, leader: Person, settings) -> None:
    client = client_for(leader)
    assert client.get(reverse("home")).status_code == 200
    idle_since = int(time.time()) - settings.SANFUWU_IDLE_SECONDS - 5
    session = client.session
    session[LOGIN_KEY] = idle_since
    session.save()
    client.cookies[SEEN_COOKIE] = seen_cookie_value(mark=session_mark(leader.pk, idle_since), at=idle_since)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "长时间未操作" in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.SESSION_EXPIRED, actor=leader).exists()


def test_an_active_session_goes_on_and_a_page_read_writes_no_session(world: World, leader: Person) -> None:
    from django.contrib.sessions.models import Session

    client = client_for(leader)
    a_while_ago = int(time.time()) - 600
    session = client.session
    session[LOGIN_KEY] = a_while_ago - 3600
    session.save()
    client.cookies[SEEN_COOKIE] = seen_cookie_value(
        mark=session_mark(leader.pk, a_while_ago - 3600), at=a_while_ago
    )
    stored = Session.objects.get(pk=session.session_key).session_data
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.cookies[SEEN_COOKIE]["httponly"]
    assert Session.objects.get(pk=session.session_key).session_data == stored


def test_a_forged_last_seen_does_not_keep_a_session_alive(world: World, leader: Person, settings) -> None:
    client = client_for(leader)
    session = client.session
    session[LOGIN_KEY] = int(time.time()) - settings.SANFUWU_IDLE_SECONDS - 5
    session.save()
    client.cookies[SEEN_COOKIE] = str(int(time.time()))  # unsigned
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_unlock_of_an_unlocked_account_records_nothing(world: World, leader: Person) -> None:
    assert account_unlock(person=leader) is False
    assert not AuditEntry.objects.filter(action=AuditAction.UNLOCKED).exists()


def _idle_for(client: Client, person: Person, seconds: int, *, cookie_seconds: int | None = None) -> None:
    """The session as if signed in long ago and last used `seconds` ago."""
    now = int(time.time())
    session = client.session
    session[LOGIN_KEY] = now - 7200
    session.save()
    at = now - (cookie_seconds if cookie_seconds is not None else seconds)
    client.cookies[SEEN_COOKIE] = seen_cookie_value(mark=session_mark(person.pk, now - 7200), at=at)


def test_the_bell_polling_by_itself_keeps_no_idle_session_alive(world: World, leader: Person) -> None:
    client = client_for(leader)
    _idle_for(client, leader, 600)
    before = client.cookies[SEEN_COOKIE].value
    assert client.get(reverse("inbox:bell"), headers={"HX-Request": "true"}).status_code == 200
    assert client.cookies[SEEN_COOKIE].value == before, "a timer's request is not the person at work"
    assert client.get(reverse("home")).status_code == 200
    assert client.cookies[SEEN_COOKIE].value != before


def test_another_sessions_last_seen_is_worth_nothing(world: World, leader: Person, settings) -> None:
    client = client_for(leader)
    now = int(time.time())
    session = client.session
    session[LOGIN_KEY] = now - settings.SANFUWU_IDLE_SECONDS - 60
    session.save()
    # Fresh and signed, but made for another sign-in of the same person.
    client.cookies[SEEN_COOKIE] = seen_cookie_value(mark=session_mark(leader.pk, now - 5), at=now)
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_failures_count_against_the_account_whatever_its_spelling(world: World, leader: Person) -> None:
    for spelling in ("LEADER", "Leader", "leader ", "lEaDeR", "leadeR"):
        attempt(Client(), spelling, "wrong", address=f"10.0.1.{len(spelling)}")
    assert "该账号已临时锁定" in attempt(Client(), "leader", PASSWORD, address="10.9.9.9").content.decode()


def test_unlocking_an_account_frees_the_address_its_failures_came_from(
    world: World, leader: Person, admin_person: Person, settings
) -> None:
    settings.SANFUWU_LOCKOUT_ADDRESS_FAILURES = 6
    for _ in range(5):
        attempt(Client(), "leader", "wrong", address="192.0.2.9")
    attempt(Client(), "nobody", "wrong", address="192.0.2.9")
    assert (
        "本机登录失败次数过多" in attempt(Client(), "admin", PASSWORD, address="192.0.2.9").content.decode()
    )
    account_unlock(person=leader)
    assert attempt(Client(), "admin", PASSWORD, address="192.0.2.9").status_code == 302


def test_a_failure_on_no_account_records_no_typed_text(world: World) -> None:
    attempt(Client(), "my-secret-password-typed-in-the-wrong-box", "x")
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert "my-secret" not in entry.object_repr + entry.actor_name and entry.object_repr == "（未知账号）"


def test_an_ipv6_address_is_counted_by_its_block(world: World, settings) -> None:
    settings.SANFUWU_LOCKOUT_ADDRESS_FAILURES = 3
    for n in range(3):
        attempt(Client(), f"nobody{n}", "wrong", address=f"2001:db8:1:2::{n + 1}")
    assert "本机登录失败次数过多" in attempt(Client(), "x", "y", address="2001:db8:1:2::99").content.decode()
