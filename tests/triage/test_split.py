"""Visit notes cut into problems, in each of the shapes cadres write them."""

import pytest

from sanfuwu.triage.split import split_notes, split_parts


def test_it_splits_an_enumeration_joined_by_dunhao_yiji_he_and_deng():
    notes = (
        "9月12日，街道干部走访头格社区。针对座谈中居民们提出的关于停车难、道路破损、老年食堂以及垃圾清运"
        "等方面的问题，现场作了答复，其余问题将梳理上报。"
    )
    assert split_parts(notes) == ["停车难", "道路破损", "老年食堂", "垃圾清运"]


def test_it_splits_an_enumeration_joined_by_he():
    assert split_parts("居民集中反映了电梯老旧和楼道漏水等问题。") == ["电梯老旧", "楼道漏水"]


def test_it_splits_yishi_ershi_sanshi_and_leaves_the_framing_out():
    notes = (
        "企业反映了三个问题：一是招工难，普工缺口大；二是员工子女入学难；三是厂区门口没有公交站。已现场答复。"
    )
    assert split_parts(notes) == ["招工难，普工缺口大", "员工子女入学难", "厂区门口没有公交站"]


def test_it_splits_qiyi_qier_and_shouxian_qici_zuihou():
    assert split_parts("其一，融资成本高；其二，出口退税慢。") == ["融资成本高", "出口退税慢"]
    assert split_parts("首先，停车位不足；其次，小区监控有盲区；最后，路灯不亮。") == [
        "停车位不足",
        "小区监控有盲区",
        "路灯不亮",
    ]


@pytest.mark.parametrize(
    "notes",
    [
        "走访中企业提出：1. 融资难，银行抽贷；2. 出口退税慢；3. 员工宿舍不够。",
        "走访中企业提出：1、融资难，银行抽贷；2、出口退税慢；3、员工宿舍不够。",
        "走访中企业提出：（1）融资难，银行抽贷（2）出口退税慢（3）员工宿舍不够",
        "走访中企业提出：①融资难，银行抽贷②出口退税慢③员工宿舍不够",
    ],
)
def test_it_splits_numbered_lists(notes):
    assert split_parts(notes) == ["融资难，银行抽贷", "出口退税慢", "员工宿舍不够"]


def test_it_splits_clauses_after_semicolons_and_two_problems_joined_by_he():
    notes = "座谈会上居民提出，小区门口道路破损和路灯不亮；另外，小区里乱停车严重。"
    assert split_parts(notes) == ["小区门口道路破损", "路灯不亮", "小区里乱停车严重"]


def test_it_keeps_one_problem_whose_he_joins_words_not_problems():
    assert split_parts("企业反映招工和员工培训补贴申请困难。") == ["招工和员工培训补贴申请困难"]


def test_it_tells_one_problem_told_in_several_sentences_as_one(db):
    problems = split_notes("居民反映3号楼电梯经常困人，物业维保不及时。希望尽快更换电梯。")
    assert len(problems) == 1
    assert problems[0].code == "elevator"


def test_it_gives_each_problem_its_likeliest_category(db):
    problems = split_notes("企业反映了两个问题：一是厂区门口公交站太远；二是出口退税到账慢。")
    assert [p.code for p in problems] == ["road", "tax"]
