"""接口令牌: each person makes their own tokens, sees one once, revokes it; nobody reaches another's."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from sanfuwu.people.models import Role
from sanfuwu.tokens.models import ApiToken, TokenScope
from tests.conftest import World, client_for, make_person


def test_strangers_are_sent_to_sign_in(world: World) -> None:
    response = Client().get(reverse("tokens:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", list(Role.values))
def test_every_role_makes_a_read_token_and_sees_it_once(world: World, role: str) -> None:
    person = make_person(f"k_{role}", [role], region=world.xiasha)
    client = client_for(person)
    made = client.post(reverse("tokens:list"), {"name": "12345 热线对接", "scope": "read", "days": "90"})
    assert made.status_code == 201
    raw = re.search(r'id="token-raw" value="(sfw_[^"]+)"', made.content.decode()).group(1)  # type: ignore[union-attr]
    assert made["Cache-Control"].startswith("max-age=0")
    again = client.get(reverse("tokens:list")).content.decode()
    assert raw not in again and ApiToken.objects.get().prefix in again
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/issues").status_code == 200


def test_only_administrators_are_offered_the_admin_scope(
    world: World, admin_person, xiasha_dispatcher
) -> None:
    refused = client_for(xiasha_dispatcher).post(
        reverse("tokens:list"), {"name": "x", "scope": "admin", "days": "30"}
    )
    assert refused.status_code == 400 and "权限范围" in refused.content.decode()
    assert not ApiToken.objects.exists()
    made = client_for(admin_person).post(
        reverse("tokens:list"), {"name": "x", "scope": "admin", "days": "30"}
    )
    assert made.status_code == 201 and ApiToken.objects.get().scope == TokenScope.ADMIN


def test_it_refuses_a_bad_token_at_its_fields(world: World, xiasha_dispatcher) -> None:
    page = client_for(xiasha_dispatcher).post(
        reverse("tokens:list"), {"name": "", "scope": "read", "days": "999"}
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "请填写用途。" in text and "有效期（天）不能大于 365。" in text
    assert not ApiToken.objects.exists()


def test_a_person_revokes_their_token_and_not_anyone_elses(world: World, xiasha_dispatcher, leader) -> None:
    client_for(xiasha_dispatcher).post(reverse("tokens:list"), {"name": "x", "scope": "read", "days": "30"})
    token = ApiToken.objects.get()
    assert client_for(leader).post(reverse("tokens:revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get().revoked_at is None
    assert client_for(leader).get(reverse("tokens:list")).content.decode().count("data-token=") == 0
    response = client_for(xiasha_dispatcher).post(reverse("tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    assert "已撤销" in client_for(xiasha_dispatcher).get(reverse("tokens:list")).content.decode()


def test_the_command_line_makes_and_revokes_a_token(world: World, xiasha_dispatcher) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("token", "create", "xs_dispatcher", "--scope", "write", "--days", "1", stdout=out)
    raw = out.getvalue().strip()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/issues").status_code == 200
    call_command("token", "revoke", raw[:12], stdout=StringIO())
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/issues").status_code == 401
    with pytest.raises(CommandError, match="没有在岗人员"):
        call_command("token", "create", "nobody")
