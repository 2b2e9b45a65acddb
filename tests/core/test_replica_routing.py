"""Read replicas: the lists, the dashboard, the exports and the bulletin read from the replica;
actions, transactions and whoever just wrote read from the primary.

The replica alias is added for the test with the settings that SANFUWU_REPLICA_URL gives (router,
middleware, TEST MIRROR), its connection pointed at the test database: a second connection, so a
query on it shows in its own CaptureQueriesContext. Transactional tests, so that it sees the rows.
"""

from __future__ import annotations

import copy
import importlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import sanfuwu.settings
from sanfuwu.core import routing
from sanfuwu.core.routing import COOKIE, PRIMARY, REPLICA, ReplicaRouter, reads_from_replica
from sanfuwu.issues.models import Issue, Tier
from sanfuwu.issues.services import issue_register
from sanfuwu.orgs.models import Category
from sanfuwu.people.models import Person
from tests.conftest import World, client_for

CONFIGURED = REPLICA in django_settings.DATABASES  # the whole run has SANFUWU_REPLICA_URL set
MIDDLEWARE = "sanfuwu.core.routing.ReplicaMiddleware"
ROUTER = "sanfuwu.core.routing.ReplicaRouter"

with_replica = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


def settings_under(tmp_path: Path, **env: str | None) -> dict[str, Any]:
    """The settings sanfuwu.settings makes of this environment; the module is reloaded as it was
    after."""
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SANFUWU_VAR_DIR", str(tmp_path))
            for name, value in env.items():
                if value is None:
                    patch.delenv(name, raising=False)
                else:
                    patch.setenv(name, value)
            fresh = importlib.reload(sanfuwu.settings)
            return {name: copy.deepcopy(getattr(fresh, name)) for name in dir(fresh) if name.isupper()}
    finally:
        importlib.reload(sanfuwu.settings)


@pytest.fixture(scope="module")
def replica_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    url = "postgres://reader@replica.invalid:5432/sanfuwu"
    return settings_under(tmp_path_factory.mktemp("replica"), SANFUWU_REPLICA_URL=url)


@contextmanager
def _sync_calls_allowed() -> Iterator[None]:
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="module")
def replica_alias(
    replica_settings: dict[str, Any], django_db_setup: None, django_db_blocker: Any
) -> Iterator[BaseDatabaseWrapper]:
    """The replica alias as SANFUWU_REPLICA_URL configures it, reading the test database.

    Added for the module, before each test's database fixture, which must know the alias."""
    added = REPLICA not in connections.settings
    if added:
        primary = connections[PRIMARY].settings_dict  # the test database by now
        test = {**primary["TEST"], **replica_settings["DATABASES"][REPLICA]["TEST"]}
        connections.settings[REPLICA] = {**copy.deepcopy(primary), "TEST": test}
    yield connections[REPLICA]
    if added:
        # This teardown may run while another module's test has an event loop running in this
        # thread (the browser tests' Playwright, an async view's test); closing is safe here.
        with django_db_blocker.unblock(), _sync_calls_allowed():
            connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def replica(
    replica_alias: BaseDatabaseWrapper, replica_settings: dict[str, Any], settings: Any
) -> BaseDatabaseWrapper:
    """The router and the middleware that SANFUWU_REPLICA_URL adds, for the test."""
    settings.DATABASE_ROUTERS = replica_settings["DATABASE_ROUTERS"]
    settings.MIDDLEWARE = replica_settings["MIDDLEWARE"]
    return replica_alias


@pytest.fixture
def category(world: World) -> Category:
    return Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)


def an_issue(person: Person, category: Category, title: str = "企业门口井盖松动") -> Issue:
    assert person.region is not None
    return issue_register(
        actor=person, title=title, description="车辆经过有响声。", source="visit", category=category,
        region=person.region, tier=Tier.DEADLINE,
    )  # fmt: skip


def tables(queries: CaptureQueriesContext) -> str:
    return " ".join(q["sql"] for q in queries.captured_queries)


def read_by_each(url: str, person: Person) -> tuple[int, bytes, str, str]:
    """The response's status and body, and the queries the replica and the primary answered for
    it, those of a streamed body included."""
    client = client_for(person)
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
    ):
        response = client.get(url)
        body = response.getvalue()  # a streamed body read here, its queries counted
    return response.status_code, body, tables(on_replica), tables(on_primary)


def test_it_adds_the_replica_alias_router_and_middleware_from_the_url(tmp_path):
    configured = settings_under(
        tmp_path,
        SANFUWU_DATABASE_URL="postgres://postgres@127.0.0.1:5432/sanfuwu",
        SANFUWU_REPLICA_URL="postgres://reader:secret@10.0.0.2:6432/sanfuwu",
        SANFUWU_REPLICA_LAG_SECONDS="2",
    )
    replica = configured["DATABASES"][REPLICA]
    assert (replica["ENGINE"], replica["HOST"], replica["PORT"], replica["NAME"], replica["USER"]) == (
        "django.db.backends.postgresql", "10.0.0.2", 6432, "sanfuwu", "reader",
    )  # fmt: skip
    assert replica["TEST"] == {"MIRROR": "default"}
    assert configured["DATABASES"][PRIMARY]["HOST"] == "127.0.0.1"
    assert configured["DATABASE_ROUTERS"] == [ROUTER]
    middleware = configured["MIDDLEWARE"]
    # Outside the session's middleware: a login's session write counts as the request's write.
    assert middleware.index(MIDDLEWARE) < middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )
    assert configured["SANFUWU_REPLICA_LAG_SECONDS"] == 2
    assert "SANFUWU_REPLICA_URL" not in configured  # its password stays out of the settings


def test_it_adds_no_alias_no_router_and_no_middleware_without_a_replica_url(tmp_path):
    configured = settings_under(tmp_path, SANFUWU_REPLICA_URL=None, SANFUWU_DATABASE_URL=None)
    assert list(configured["DATABASES"]) == [PRIMARY]
    assert configured["DATABASE_ROUTERS"] == []
    assert MIDDLEWARE not in configured["MIDDLEWARE"]
    assert configured["SANFUWU_REPLICA_LAG_SECONDS"] == 5
    default = configured["DATABASES"][PRIMARY]  # the embedded SQLite, as before
    assert (default["ENGINE"], default["NAME"]) == (
        "django.db.backends.sqlite3",
        str(tmp_path / "sanfuwu.sqlite3"),
    )
    assert "journal_mode=WAL" in default["OPTIONS"]["init_command"]
    assert default["TEST"] == {"NAME": str(tmp_path / "test-sanfuwu.sqlite3")}


@pytest.mark.skipif(CONFIGURED, reason="this run has SANFUWU_REPLICA_URL set")
@pytest.mark.django_db(transaction=True)
def test_it_changes_nothing_at_run_time_without_a_replica(world, xiasha_dispatcher, category):
    assert REPLICA not in django_settings.DATABASES
    assert router.routers == []
    assert MIDDLEWARE not in django_settings.MIDDLEWARE
    issue = an_issue(xiasha_dispatcher, category)
    with reads_from_replica():
        assert Issue.objects.all().db == PRIMARY
    client = client_for(xiasha_dispatcher)
    with CaptureQueriesContext(connections[PRIMARY]) as on_primary:
        response = client.get(reverse("issues:list"))
    assert response.status_code == 200 and issue.number in response.content.decode()
    assert "issues_issue" in tables(on_primary)
    assert COOKIE not in response.cookies


@with_replica
def test_it_reads_a_list_page_from_the_replica(replica, world, xiasha_dispatcher, category):
    issue = an_issue(xiasha_dispatcher, category)
    status, body, on_replica, on_primary = read_by_each(reverse("issues:list"), xiasha_dispatcher)
    assert status == 200 and issue.number in body.decode()
    assert "issues_issue" in on_replica
    assert "issues_issue" not in on_primary
    assert "django_session" in on_primary  # the login is read before the view, from the primary


@with_replica
def test_it_sends_an_action_to_the_primary_and_the_page_after_it_reads_its_own_write(
    replica, world, xiasha_dispatcher, category
):
    client = client_for(xiasha_dispatcher)
    data = {"title": "路灯不亮", "description": "园区门口路灯不亮。", "source": "visit",
            "category": category.pk, "tier": Tier.DEADLINE, "region": world.touge_grid.pk}  # fmt: skip
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
    ):
        response = client.post(reverse("issues:new"), data)
    issue = Issue.objects.get(title="路灯不亮")
    assert response.status_code == 302 and response["Location"] == reverse("issues:detail", args=[issue.pk])
    assert on_replica.captured_queries == []
    assert 'INSERT INTO "issues_issue"' in tables(on_primary)
    assert COOKIE in response.cookies and response.cookies[COOKIE]["max-age"] == 5

    # The redirect and the list after it, within the lag window: both from the primary.
    with CaptureQueriesContext(replica) as on_replica:
        assert issue.title in client.get(response["Location"]).content.decode()
        listed = client.get(reverse("issues:list"))
    assert issue.number in listed.content.decode()
    assert on_replica.captured_queries == []
    assert COOKIE not in listed.cookies  # a read opens no window of its own

    # Once the window has passed, the list reads the replica again.
    later = time.time() + 6
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(routing.time, "time", lambda: later)
        with CaptureQueriesContext(replica) as on_replica:
            assert issue.number in client.get(reverse("issues:list")).content.decode()
    assert "issues_issue" in tables(on_replica)


@with_replica
def test_it_ignores_a_lag_cookie_it_did_not_sign(replica, world, xiasha_dispatcher, category):
    an_issue(xiasha_dispatcher, category)
    client = client_for(xiasha_dispatcher)
    client.cookies[COOKIE] = str(time.time() + 3600)
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get(reverse("issues:list")).status_code == 200
    assert "issues_issue" in tables(on_replica)


@with_replica
def test_it_reads_from_the_primary_inside_a_transaction(replica, world, xiasha_dispatcher, category):
    issue = an_issue(xiasha_dispatcher, category)
    with reads_from_replica():
        with CaptureQueriesContext(replica) as on_replica:
            assert Issue.objects.filter(pk=issue.pk).exists()
        assert len(on_replica.captured_queries) == 1
        with transaction.atomic(), CaptureQueriesContext(replica) as on_replica:
            assert Issue.objects.all().db == PRIMARY
            assert Issue.objects.filter(pk=issue.pk).exists()
        assert on_replica.captured_queries == []


@with_replica
def test_it_reads_from_the_primary_after_a_write_in_the_same_scope(
    replica, world, xiasha_dispatcher, category
):
    issue = an_issue(xiasha_dispatcher, category)
    assert Issue.objects.all().db == PRIMARY  # outside a scope
    with reads_from_replica():
        assert Issue.objects.all().db == REPLICA
        Issue.objects.filter(pk=issue.pk).update(title="已改")
        with CaptureQueriesContext(replica) as on_replica:
            assert Issue.objects.get(pk=issue.pk).title == "已改"
        assert on_replica.captured_queries == []
    with reads_from_replica():  # the next command starts afresh
        assert Issue.objects.all().db == REPLICA


@with_replica
def test_it_streams_an_export_from_the_replica(replica, world, xiasha_dispatcher, category):
    an_issue(xiasha_dispatcher, category)
    status, body, on_replica, on_primary = read_by_each(reverse("issues:export"), xiasha_dispatcher)
    assert status == 200 and body[:2] == b"PK"
    assert "issues_issue" in on_replica
    assert "issues_issue" not in on_primary


@pytest.mark.parametrize(
    "name", ["race:dashboard", "race:ranking", "race:bulletin", "targets:list", "people:list", "visits:list"]
)
@with_replica
def test_it_reads_the_dashboard_ranking_bulletin_and_lists_from_the_replica(replica, world, leader, name):
    status, _body, on_replica, _on_primary = read_by_each(reverse(name), leader)
    assert status == 200
    assert on_replica


def test_it_writes_and_migrates_only_on_the_primary(replica):
    chosen = ReplicaRouter()
    with reads_from_replica():
        assert chosen.db_for_write(Issue) == PRIMARY
    assert chosen.allow_migrate(PRIMARY, "issues") is True
    assert chosen.allow_migrate(REPLICA, "issues") is False
    assert chosen.db_for_read(Issue) == PRIMARY  # no scope: the primary
