"""The admin of hand-entered indicator values: each person sees and changes the values of their own
units only, "missing" and "not yours" alike a 404; every save goes through manual_value_set, whose
refusals show in Chinese at their field; and a refused form writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from sanfuwu.people.models import Person, Role
from sanfuwu.scoring import admin as scoring_admin
from sanfuwu.scoring.models import Indicator, League, ManualValue, Source
from tests.conftest import World, client_for, make_person

pytestmark = pytest.mark.django_db

OCTOBER = date(2025, 10, 1)
ADD = reverse("admin:scoring_manualvalue_add")


def change_url(entry: ManualValue) -> str:
    return reverse("admin:scoring_manualvalue_change", args=[entry.pk])


@pytest.fixture
def output(world: World) -> Indicator:
    return Indicator.objects.create(
        league=League.TERRITORY, name="规上工业增加值", source=Source.MANUAL, unit="亿元", weight=10
    )


@pytest.fixture
def investment(world: World) -> Indicator:
    return Indicator.objects.create(
        league=League.DEPARTMENT, name="项目完成投资", source=Source.MANUAL, unit="亿元", weight=10
    )


@pytest.fixture
def clerk(world: World) -> Person:
    """A street dispatcher trusted with the scoring admin, for her street only."""
    person = make_person("xs_scorer", [Role.DISPATCHER], region=world.xiasha, staff=True)
    person.user_permissions.set(Permission.objects.filter(content_type__app_label="scoring"))
    return Person.objects.get(pk=person.pk)


@pytest.fixture
def values(world: World, output: Indicator, investment: Indicator) -> dict[str, ManualValue]:
    def value(indicator: Indicator, amount: str, **unit: object) -> ManualValue:
        return ManualValue.objects.create(indicator=indicator, month=OCTOBER, value=Decimal(amount), **unit)

    return {
        "xiasha": value(output, "12", region=world.xiasha),
        "baiyang": value(output, "8", region=world.baiyang),
        "jianshe": value(investment, "30", department=world.jianshe),
    }


def post(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "indicator": "",
        "region": "",
        "department": "",
        "month": "2025-11-01",
        "value": "5",
    }
    data.update(fields)
    return data


def errors_of(response) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    return response.context["adminform"].form.errors


def test_it_shows_a_street_only_its_own_values(world: World, clerk, admin_person, values) -> None:
    page = client_for(clerk).get(reverse("admin:scoring_manualvalue_changelist"))
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [values["xiasha"]]
    everything = client_for(admin_person).get(reverse("admin:scoring_manualvalue_changelist"))
    assert set(everything.context["cl"].result_list) == set(values.values())


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_it_answers_another_units_value_as_if_it_did_not_exist(world: World, clerk, values, view) -> None:
    client = client_for(clerk)
    url = f"admin:scoring_manualvalue_{view}"
    assert client.get(reverse(url, args=[values["xiasha"].pk])).status_code == 200
    for other in ("baiyang", "jianshe"):
        assert client.get(reverse(url, args=[values[other].pk])).status_code == 404
    assert client.get(reverse(url, args=[999999])).status_code == 404


def test_it_lets_a_street_neither_change_nor_delete_another_units_value(world: World, clerk, values) -> None:
    client = client_for(clerk)
    assert client.post(change_url(values["baiyang"]), {"value": "99"}).status_code == 404
    delete = reverse("admin:scoring_manualvalue_delete", args=[values["jianshe"].pk])
    assert client.post(delete, {"post": "yes"}).status_code == 404
    action = {"action": "delete_selected", "post": "yes", "_selected_action": [values["baiyang"].pk]}
    client.post(reverse("admin:scoring_manualvalue_changelist"), action)
    assert ManualValue.objects.get(pk=values["baiyang"].pk).value == 8
    assert ManualValue.objects.filter(pk=values["jianshe"].pk).exists()


def test_it_enters_a_value_through_the_service(world: World, clerk, output, monkeypatch) -> None:
    calls = []
    real = scoring_admin.manual_value_set

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(scoring_admin, "manual_value_set", spy)
    response = client_for(clerk).post(
        ADD, post(indicator=output.pk, region=world.xiasha.pk, month="2025-10-15")
    )
    assert response.status_code == 302, errors_of(response)
    assert [c["unit"] for c in calls] == [world.xiasha] and calls[0]["actor"] == clerk
    entry = ManualValue.objects.get()
    # The service's own doing: the month as its first day, and who entered it.
    assert (entry.month, entry.value, entry.entered_by) == (OCTOBER, Decimal(5), clerk)
    assert LogEntry.objects.get().object_id == str(entry.pk)


def test_it_corrects_a_value_in_place_and_nothing_else(world: World, clerk, values, output) -> None:
    entry = values["xiasha"]
    moved = {"value": "13.5", "month": "2025-09-01", "region": world.baiyang.pk, "indicator": output.pk}
    response = client_for(clerk).post(change_url(entry), moved)
    assert response.status_code == 302, errors_of(response)
    fresh = ManualValue.objects.get(pk=entry.pk)
    assert (fresh.value, fresh.month, fresh.region, fresh.entered_by) == (
        Decimal("13.5"),
        OCTOBER,
        world.xiasha,
        clerk,
    )
    assert ManualValue.objects.count() == 3


def test_it_refuses_a_unit_of_the_other_league_at_the_field(
    world: World, admin_person, output, investment
) -> None:
    client = client_for(admin_person)
    errors = errors_of(client.post(ADD, post(indicator=investment.pk, region=world.xiasha.pk)))
    assert "该指标属于“部门”赛道，单位须为部门。" in errors["region"]
    errors = errors_of(client.post(ADD, post(indicator=output.pk, department=world.jianshe.pk)))
    assert "该指标属于“街道园区”赛道，单位须为街道或园区。" in errors["department"]
    assert not ManualValue.objects.exists() and not LogEntry.objects.exists()


def test_it_asks_for_exactly_one_unit(world: World, admin_person, investment) -> None:
    client = client_for(admin_person)
    assert errors_of(client.post(ADD, post(indicator=investment.pk)))["region"] == [
        "请选择街道、园区或部门。"
    ]
    both = post(indicator=investment.pk, region=world.xiasha.pk, department=world.jianshe.pk)
    assert errors_of(client.post(ADD, both))["department"] == ["街道园区和部门只能选一个。"]
    assert not ManualValue.objects.exists()


def test_its_messages_follow_the_chosen_language(world: World, admin_person, investment) -> None:
    client = client_for(admin_person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    errors = errors_of(client.post(ADD, post(indicator=investment.pk)))
    assert errors["region"] == ["Select a street, a park or a department."]


def test_it_offers_a_street_neither_other_streets_nor_departments(
    world: World, clerk, output, investment
) -> None:
    client = client_for(clerk)
    form = client.get(ADD).context["adminform"].form
    assert "department" not in form.fields
    assert list(form.fields["region"].queryset) == [world.xiasha]
    assert list(form.fields["indicator"].queryset.order_by("pk")) == [output, investment]
    assert "region" in errors_of(client.post(ADD, post(indicator=output.pk, region=world.baiyang.pk)))
    # A department's value, posted all the same, is not taken: no unit was given that she may choose.
    errors = errors_of(client.post(ADD, post(indicator=investment.pk, department=world.jianshe.pk)))
    assert errors["region"] == ["请选择街道、园区或部门。"]
    assert not ManualValue.objects.exists()


def test_it_refuses_a_second_value_for_the_same_month_rather_than_overwrite_it(
    world: World, clerk, values, output
) -> None:
    response = client_for(clerk).post(
        ADD, post(indicator=output.pk, region=world.xiasha.pk, month="2025-10-20")
    )
    assert errors_of(response)["month"] == ["该单位这个月的“规上工业增加值”已经录入，请在列表中修改。"]
    assert ManualValue.objects.get(pk=values["xiasha"].pk).value == 12
    assert ManualValue.objects.count() == 3


def test_a_refused_correction_leaves_the_value_as_it_was(world: World, clerk, values) -> None:
    entry = values["xiasha"]
    response = client_for(clerk).post(change_url(entry), {"value": "约十二"})
    assert "value" in errors_of(response)
    assert ManualValue.objects.get(pk=entry.pk).value == 12 and not LogEntry.objects.exists()


def test_it_refuses_a_value_once_its_indicator_is_no_longer_entered_by_hand(
    world: World, clerk, values, output
) -> None:
    Indicator.objects.filter(pk=output.pk).update(source=Source.RESPONSE)
    response = client_for(clerk).post(change_url(values["xiasha"]), {"value": "20"})
    assert errors_of(response).get("__all__") == ["“规上工业增加值”不是手工录入的指标。"]
    assert ManualValue.objects.get(pk=values["xiasha"].pk).value == 12
