import io
from datetime import date

import pytest
from django.db.models import F

from sanfuwu.core.demokit import demo_build
from sanfuwu.core.logins import DEMO_LOGINS, demo_logins_text
from sanfuwu.orgs.models import Region
from sanfuwu.people.models import Person, Role, StandIn
from sanfuwu.people.scope import scope_of
from sanfuwu.people.service_accounts import SERVICE_ACCOUNT_PREFIX
from sanfuwu.targets.credit_code import validate_credit_code
from sanfuwu.targets.models import EnterpriseAccount, Target


def build(seed: int = 2025) -> None:
    demo_build(seed=seed, today=date(2025, 11, 1), out=io.StringIO(), small=True)


@pytest.fixture
def demo(db):
    build()


def snapshot():
    return (
        sorted(Region.objects.values_list("path", "name", "kind")),
        sorted(Person.objects.values_list("username", "name", "phone", "title")),
        sorted(
            Target.objects.values_list("kind", "name", "credit_code", "region__name", "grid__name", "is_key")
        ),
    )


def test_it_builds_a_district_of_the_required_size(demo):
    assert Region.objects.filter(kind__in=["community", "village"]).count() >= 10
    assert Region.objects.filter(kind="grid").count() == 24
    assert Target.objects.filter(kind="enterprise").count() == 269
    assert Target.objects.filter(kind="university").count() == 3
    assert 70 <= Person.objects.count() <= 90  # a head and two handlers in every department, and the rest


def test_it_keeps_the_catalogues_names(demo):
    for name in ["下沙街道", "白杨街道", "河庄街道", "医药港小镇", "头格社区", "中沙社区", "东沙湖社区"]:
        assert Region.objects.filter(name=name).exists()


def test_every_enterprise_has_a_valid_unique_code_and_a_grid(demo):
    enterprises = Target.objects.filter(kind="enterprise")
    for firm in enterprises:
        assert firm.credit_code is not None
        validate_credit_code(firm.credit_code)
        assert firm.grid is not None and firm.region.contains(firm.grid)
        assert firm.industry
    assert enterprises.values("credit_code").distinct().count() == 269
    assert enterprises.values("name").distinct().count() == 269


def test_every_grid_has_enterprises(demo):
    for grid in Region.objects.filter(kind="grid"):
        assert Target.objects.filter(grid=grid).exists(), grid.name


def test_every_role_is_held_and_every_person_has_a_unit(demo):
    # The public channel's account (网上诉求) is no person: no role, no unit, no sign-in; an
    # enterprise's account (服务企业) is its contact's, tied to the enterprise instead of a unit.
    people = Person.objects.exclude(username__startswith=SERVICE_ACCOUNT_PREFIX).filter(
        enterprise_account__isnull=True
    )
    held = set(people.values_list("role_grants__role", flat=True))
    assert held == set(Role.values)
    assert not people.filter(region__isnull=True, department__isnull=True).exists()
    assert not Person.objects.filter(username__startswith=SERVICE_ACCOUNT_PREFIX, is_active=True).exists()


@pytest.mark.parametrize(
    ("username", "role", "unit"),
    [
        ("admin", Role.ADMIN, "杭州经济技术开发区"),
        ("leader", Role.LEADER, "杭州经济技术开发区"),
        ("dispatcher", Role.DISPATCHER, "杭州经济技术开发区"),
        ("handler", Role.HANDLER, "建设局"),
        ("supervisor", Role.SUPERVISOR, "杭州经济技术开发区"),
        ("evaluator", Role.EVALUATOR, "杭州经济技术开发区"),
    ],
)
def test_the_demo_logins_have_their_roles_and_units(demo, username, role, unit):
    person = Person.objects.get(username=username)
    assert person.roles == {role}
    assert person.unit_name == unit


def test_every_department_with_issues_works_as_a_team_and_its_head_assigns(demo):
    from sanfuwu.issues.models import HANDLING_STATUSES, Issue
    from sanfuwu.orgs.models import Department

    head = Person.objects.get(username="head")
    assert head.roles == {Role.HEAD, Role.HANDLER} and head.unit_name == "建设局"
    for department in Department.objects.filter(led_issues__isnull=False).distinct():
        staff = Person.objects.filter(department=department)
        assert staff.filter(role_grants__role=Role.HEAD).count() == 1, department.name
        assert staff.filter(role_grants__role=Role.HANDLER).exclude(role_grants__role=Role.HEAD).count() >= 2
    handling = Issue.objects.filter(status__in=HANDLING_STATUSES)
    assert 0 < handling.filter(handler__isnull=False).count() < handling.count()
    # The handler the head gave an issue to belongs to the department that leads it.
    assert (
        not Issue.objects.filter(handler__isnull=False)
        .exclude(handler__department=F("lead_department"))
        .exists()
    )
    assert StandIn.objects.filter(absent__username="handler", stand_in__username="handler2").exists()


def test_the_visitor_is_a_grid_worker_of_xiasha(demo):
    visitor = Person.objects.get(username="visitor")
    assert visitor.roles == {Role.VISITOR}
    assert visitor.region is not None and visitor.region.kind == "grid"
    assert Region.objects.get(name="下沙街道").contains(visitor.region)
    assert scope_of(visitor).covers(visitor.region)


def test_the_demo_logins_share_the_demo_password(demo, settings):
    for username in DEMO_LOGINS:
        assert Person.objects.get(username=username).check_password(settings.SANFUWU_DEMO_PASSWORD)
    assert "dispatcher" in demo_logins_text() and settings.SANFUWU_DEMO_PASSWORD in demo_logins_text()
    assert "qiye" in demo_logins_text() and "企业账号" in demo_logins_text()


def test_building_twice_duplicates_nothing_and_changes_nothing(demo):
    first = snapshot()
    build()
    assert snapshot() == first


def test_the_same_seed_gives_the_same_district(db):
    build(seed=7)
    first = snapshot()
    from sanfuwu.coordination.models import Coordination
    from sanfuwu.issues.models import Issue
    from sanfuwu.scoring.models import Indicator, ReviewMeeting
    from sanfuwu.visits.models import Campaign, Pairing, Policy, Visit

    Coordination.objects.all().delete()
    Issue.objects.all().delete()
    for model in (Campaign, Pairing, Visit, Policy, Indicator, ReviewMeeting):
        model.objects.all().delete()
    EnterpriseAccount.objects.all().delete()
    Target.objects.all().delete()
    StandIn.objects.all().delete()
    Person.objects.all().delete()
    build(seed=7)
    assert snapshot()[2] == first[2]
    assert snapshot()[1] == first[1]


def test_the_demo_command_runs_from_the_console_script(db, capsys):
    from django.core.management import call_command

    call_command("demo", "--no-migrate", "--seed", "3", "--small")
    out = capsys.readouterr().out
    assert "演示区已就绪" in out
    assert Target.objects.filter(kind="enterprise").count() == 269
