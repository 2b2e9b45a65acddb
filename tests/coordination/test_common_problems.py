"""共性问题: a topic is common once it is raised in K distinct places within the period."""

from datetime import timedelta

from django.utils import timezone

from sanfuwu.coordination.common import common_problems
from tests.conftest import make_person
from tests.coordination.conftest import PARKING, Desk


def period():
    today = timezone.localdate()
    return today - timedelta(days=30), today + timedelta(days=1)


def test_it_needs_k_distinct_places(desk: Desk, settings):
    settings.SANFUWU_COMMON_PROBLEM_PLACES = 3
    w = desk.world
    desk.register(PARKING[0], w.touge_grid)
    desk.register(PARKING[1], w.touge_grid)
    desk.register(PARKING[2], w.baiyang_grid)
    assert common_problems(desk.leader, *period()) == []
    desk.register(PARKING[3], w.park_grid)
    [problem] = common_problems(desk.leader, *period())
    assert (problem.topic, problem.count, problem.places) == ("停车位不足", 4, 3)
    assert {r.name for r, _n in problem.regions} == {"头格第1网格", "白杨第1网格", "医药港第1网格"}
    assert problem.statuses == {"awaiting_dispatch": 4}
    assert sum(n for _m, n in problem.months) == 4


def test_k_is_configurable(desk: Desk, settings):
    w = desk.world
    desk.register(PARKING[0], w.touge_grid)
    desk.register(PARKING[1], w.baiyang_grid)
    settings.SANFUWU_COMMON_PROBLEM_PLACES = 2
    assert len(common_problems(desk.leader, *period())) == 1
    settings.SANFUWU_COMMON_PROBLEM_PLACES = 3
    assert common_problems(desk.leader, *period()) == []


def test_a_dispatcher_sees_only_the_places_of_their_street(desk: Desk, settings):
    settings.SANFUWU_COMMON_PROBLEM_PLACES = 2
    w = desk.world
    desk.register(PARKING[0], w.touge_grid)
    desk.register(PARKING[1], w.baiyang_grid)
    desk.register(PARKING[2], w.park_grid)
    street = make_person("xs_d", ["dispatcher"], region=w.xiasha)
    assert common_problems(street, *period()) == []
    assert common_problems(desk.leader, *period())[0].places == 3


def test_a_merged_duplicate_is_not_counted_again(desk: Desk, settings):
    from sanfuwu.issues.workflow import issue_act

    settings.SANFUWU_COMMON_PROBLEM_PLACES = 3
    w = desk.world
    first = desk.register(PARKING[0], w.touge_grid)
    desk.register(PARKING[1], w.baiyang_grid)
    again = desk.register(PARKING[2], w.park_grid)
    dispatcher = make_person("d_all", ["dispatcher"], region=w.district)
    issue_act(issue=again, action="merge", actor=dispatcher, version=again.version, original=first)
    assert common_problems(desk.leader, *period()) == []
