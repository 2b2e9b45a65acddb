"""Likely duplicates: the same problem however punctuated or ordered, never an unrelated one."""

import pytest

from sanfuwu.issues.models import Source
from sanfuwu.issues.services import issue_register
from sanfuwu.orgs.models import Category
from sanfuwu.triage.models import IssueBand
from sanfuwu.triage.similar import BANDS, similar_to
from tests.conftest import World


@pytest.fixture
def registered(world: World, grid_worker):
    category = Category.objects.create(code="sanitation", name="市容环卫", default_department=world.jianshe)

    def register(title: str, description: str):
        return issue_register(
            actor=grid_worker, title=title, description=description, source=Source.VISIT,
            category=category, region=world.touge_grid,
        )  # fmt: skip

    return register


def test_it_indexes_every_registered_issue_in_bands(registered):
    issue = registered("垃圾清运不及时", "小区门口垃圾桶好几天没人清运，臭味很大，居民意见大。")
    assert IssueBand.objects.filter(issue=issue).count() == BANDS


def test_it_finds_the_same_problem_across_punctuation_and_word_order(registered):
    original = registered("垃圾清运不及时", "小区门口垃圾桶好几天没人清运，臭味很大，居民意见大。")
    registered("路灯不亮", "福城路与文渊路交叉口的路灯坏了一周，晚上很危险。")
    found = similar_to("臭味很大！居民意见大：小区门口垃圾桶好几天没人清运。垃圾清运不及时")
    assert [m.issue_id for m in found] == [original.pk]
    assert found[0].similarity > 0.7


def test_it_finds_nothing_for_an_unrelated_text(registered):
    registered("垃圾清运不及时", "小区门口垃圾桶好几天没人清运，臭味很大，居民意见大。")
    assert similar_to("企业出口退税到账太慢，资金周转困难，希望加快审核。") == []


def test_it_leaves_the_issue_itself_out(registered):
    issue = registered("垃圾清运不及时", "小区门口垃圾桶好几天没人清运，臭味很大。")
    assert similar_to("垃圾清运不及时。小区门口垃圾桶好几天没人清运，臭味很大。", exclude=issue.pk) == []
