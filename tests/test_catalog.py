from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from sanfuwu.orgs.catalog import DEFAULT_CATALOG, CatalogError, catalog_load
from sanfuwu.orgs.models import Category, Department, Region

SHIPPED = yaml.safe_load(DEFAULT_CATALOG.read_text(encoding="utf-8"))


def counts():
    return Region.objects.count(), Department.objects.count(), Category.objects.count()


def test_it_loads_every_department_and_category_of_the_shipped_catalogue(db):
    catalog_load()
    assert Department.objects.count() == len(SHIPPED["departments"]) == 17
    assert Category.objects.count() == len(SHIPPED["categories"]) == 21
    assert Category.objects.get(code="elevator").default_department.name == "市场监管分局"


def test_it_builds_the_catalogues_territory(db):
    district = catalog_load().district
    assert district.name == "杭州经济技术开发区"
    assert sorted(Region.objects.filter(parent=district).values_list("name", "kind")) == sorted(
        [("下沙街道", "street"), ("白杨街道", "street"), ("河庄街道", "street"), ("医药港小镇", "park")]
    )
    assert Region.objects.get(name="东沙湖社区").parent == Region.objects.get(name="河庄街道")
    assert Region.objects.get(name="头格社区").kind == "community"


def test_it_can_be_loaded_twice_without_duplicates(db):
    catalog_load()
    first = counts()
    catalog_load()
    assert counts() == first


def test_the_product_ships_its_own_copy_of_the_catalogue():
    assert DEFAULT_CATALOG.is_relative_to(Path(__file__).resolve().parent.parent / "sanfuwu")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_refuses_a_category_of_an_unknown_department_and_writes_nothing(db, tmp_path):
    bad = DEFAULT_CATALOG.read_text(encoding="utf-8").replace("dept: shuiwu", "dept: nosuch")
    with pytest.raises(CatalogError) as exc:
        catalog_load(path=write(tmp_path, bad))
    assert "nosuch" in str(exc.value)
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("district: [\n", "YAML"),
        ("- a list\n", "映射"),
        ("departments: []\n", "district"),
        ("district: 区\nregions:\n  - {name: 某街道, kind: planet}\n", "street 或 park"),
        ("district: 区\nregions:\n  - {name: 某街道, kind: street, children: [某某]}\n", "无法从名称"),
        ("district: 区\ndepartments:\n  - {code: a, name: 甲}\n  - {code: a, name: 乙}\n", "重复"),
    ],
)
def test_it_explains_what_is_wrong_with_a_file(db, tmp_path, text, words):
    with pytest.raises(CatalogError) as exc:
        catalog_load(path=write(tmp_path, text))
    assert words in str(exc.value)
    assert counts() == (0, 0, 0)


def test_the_command_loads_and_reports(db, capsys):
    call_command("load_catalog")
    assert "部门 17 个" in capsys.readouterr().out


def test_the_command_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="找不到"):
        call_command("load_catalog", "--file", str(tmp_path / "none.yaml"))
