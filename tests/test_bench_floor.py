"""The floor `bench.http` reads its figures against: mounted only for the benchmark, and like
every page it serves signed-in people only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory

from sanfuwu.core.floor import TABLE, floor_insert, floor_read, floor_table_create
from sanfuwu.people.models import Person

pytestmark = pytest.mark.django_db


def test_it_is_not_part_of_the_product() -> None:
    assert Client().post("/floor/insert/", "{}", content_type="application/json").status_code == 404
    assert Client().get("/floor/read/").status_code == 404


def test_it_turns_away_anonymous_requests(rf: RequestFactory) -> None:
    for view, request in ((floor_insert, rf.post("/floor/insert/", "{}", content_type="application/json")),
                          (floor_read, rf.get("/floor/read/"))):  # fmt: skip
        request.user = AnonymousUser()
        assert view(request).status_code == 302


def test_it_writes_one_row_and_reads_twenty_five(rf: RequestFactory, leader: Person) -> None:
    floor_table_create()
    request = rf.post("/floor/insert/", '{"n": 1}', content_type="application/json")
    request.user = leader
    assert floor_insert(request).status_code == 201
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {TABLE}")
        assert cursor.fetchall() == [('{"n": 1}',)]
    request = rf.get("/floor/read/")
    request.user = leader
    assert floor_read(request).status_code == 200
