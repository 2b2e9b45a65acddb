"""`sanfuwu triage …` for scripting and evaluation: one result a line, tab-separated."""

import io

import pytest
from django.core.management import CommandError, call_command

from sanfuwu.issues.models import Source
from sanfuwu.issues.services import issue_register
from sanfuwu.orgs.catalog import catalog_load
from sanfuwu.orgs.models import Category
from sanfuwu.triage.store import model_forget
from tests.conftest import World


@pytest.fixture
def catalogue(world: World):
    catalog_load()
    model_forget()


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("triage", *args, stdout=out)
    return out.getvalue().splitlines()


def test_suggest_prints_the_top_three_as_code_name_confidence(catalogue):
    lines = run("suggest", "3号楼电梯又把人困在里面了")
    assert len(lines) == 3
    code, name, confidence = lines[0].split("\t")
    assert (code, name) == ("elevator", "电梯安全")
    assert 0.5 < float(confidence) <= 1
    assert sum(float(line.split("\t")[2]) for line in lines) <= 1.0001


def test_split_prints_each_problem_with_its_code(catalogue):
    lines = run("split", "企业反映了两个问题：一是厂区门口公交站太远；二是出口退税到账慢。")
    assert lines == ["厂区门口公交站太远\troad", "出口退税到账慢\ttax"]


def test_similar_prints_the_most_similar_issues(catalogue, grid_worker, world):
    issue = issue_register(
        actor=grid_worker, title="垃圾清运不及时", description="小区门口垃圾桶好几天没人清运，臭味很大。",
        source=Source.VISIT, category=Category.objects.get(code="sanitation"), region=world.touge_grid,
    )  # fmt: skip
    lines = run("similar", "臭味很大，小区门口垃圾桶好几天没人清运。垃圾清运不及时")
    number, similarity, title = lines[0].split("\t")
    assert (number, title) == (issue.number, "垃圾清运不及时") and float(similarity) > 0.7


def test_it_asks_for_the_text(catalogue):
    with pytest.raises(CommandError, match="请在命令后给出文本"):
        run("suggest")


def test_index_covers_issues_written_in_bulk(catalogue, grid_worker, world):
    from sanfuwu.triage.models import IssueBand, IssueTopic

    issue = issue_register(
        actor=grid_worker, title="路面破损", description="福城路路面破损", source=Source.VISIT,
        category=Category.objects.get(code="road"), region=world.touge_grid,
    )  # fmt: skip
    IssueBand.objects.all().delete()
    IssueTopic.objects.all().delete()
    assert run("index") == ["已为 1 个问题建立相似索引，为 1 个问题归入问题类型。"]
    assert IssueBand.objects.filter(issue=issue).exists() and IssueTopic.objects.filter(issue=issue).exists()
