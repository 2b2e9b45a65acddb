import re

from django.urls import reverse

from tests.conftest import World, client_for


def territory_rows(person) -> list[tuple[str, ...]]:
    html = client_for(person).get(reverse("home")).content.decode()
    table = html.split('id="territory"')[1].split("</table>")[0] if 'id="territory"' in html else ""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        name = re.search(r'fw-medium">([^<]+)<', row)
        numbers = re.findall(r'sfw-num">(\d+)<', row)
        if name:
            rows.append((name.group(1), *numbers))
    return rows


def test_a_leader_sees_each_street_and_park_with_its_enterprises(world: World, leader):
    assert territory_rows(leader) == [
        ("下沙街道", "1", "0", "1"),
        ("白杨街道", "1", "0", "1"),
        ("医药港小镇", "1", "0", "1"),
    ]


def test_a_street_dispatcher_sees_the_streets_communities(world: World, xiasha_dispatcher):
    assert territory_rows(xiasha_dispatcher) == [("头格社区", "1", "0", "1")]


def test_a_grid_worker_has_no_territory_table_but_a_link_to_the_own_grid(world: World, grid_worker):
    html = client_for(grid_worker).get(reverse("home")).content.decode()
    assert 'id="territory"' not in html
    assert f"grid={world.touge_grid.pk}" in html


def test_home_counts_stay_within_scope(world: World, xiasha_dispatcher):
    html = client_for(xiasha_dispatcher).get(reverse("home")).content.decode()
    enterprise_card = re.search(
        r'sfw-stat-value">(\d+)</div>\s*<div class="text-secondary text-nowrap">'
        r'<a href="[^"]*kind=enterprise"',
        html,
    )
    assert enterprise_card and enterprise_card.group(1) == "1"


def test_a_handler_sees_the_departments_categories_and_colleagues(world: World, handler):
    from sanfuwu.orgs.models import Category

    Category.objects.create(code="road", name="道路交通", default_department=world.jianshe, about="道路破损")
    html = client_for(handler).get(reverse("home")).content.decode()
    assert 'id="department-panel"' in html and "道路交通" in html
    assert 'id="routing-panel"' not in html


def test_a_dispatcher_sees_where_each_category_goes(world: World, xiasha_dispatcher):
    from sanfuwu.orgs.models import Category

    Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    html = client_for(xiasha_dispatcher).get(reverse("home")).content.decode()
    assert 'id="routing-panel"' in html and "建设局" in html
    assert 'id="department-panel"' not in html


def test_a_grid_worker_sees_the_grids_key_enterprises(world: World, grid_worker):
    type(world.xiasha_firm).objects.filter(pk=world.xiasha_firm.pk).update(is_key=True)
    html = client_for(grid_worker).get(reverse("home")).content.decode()
    assert 'id="grid-panel"' in html and world.xiasha_firm.name in html


def test_the_navigation_depends_on_the_role(world: World, leader, handler, grid_worker, xiasha_dispatcher):
    directory = reverse("people:list")
    assert directory in client_for(leader).get(reverse("home")).content.decode()
    assert directory in client_for(xiasha_dispatcher).get(reverse("home")).content.decode()
    assert directory not in client_for(handler).get(reverse("home")).content.decode()
    assert directory not in client_for(grid_worker).get(reverse("home")).content.decode()


def test_the_directory_is_for_coordinators_and_keeps_to_scope(
    world: World, xiasha_dispatcher, baiyang_dispatcher, handler
):
    assert client_for(handler).get(reverse("people:list")).status_code == 403
    page = client_for(xiasha_dispatcher).get(reverse("people:list")).content.decode()
    assert "xs_dispatcher" in page and "by_dispatcher" not in page
