"""The classifier itself: reproducible, explained, and as good as its examples."""

from sanfuwu.triage.classifier import Model, train

EXAMPLES = [
    ("lift", "电梯困人半小时没人来救"), ("lift", "三号楼电梯经常停运"), ("lift", "电梯维保不到位老是坏"),
    ("lift", "老小区想加装电梯"), ("lift", "电梯门夹人很危险"), ("lift", "电梯年检过期了"),
    ("bin", "垃圾桶满了没人清运"), ("bin", "路边有人偷倒建筑垃圾"), ("bin", "垃圾房臭味很大"),
    ("bin", "垃圾好几天没人收"), ("bin", "小区门口垃圾堆成山"), ("bin", "有人夜里偷倒垃圾"),
]  # fmt: skip


def test_it_trains_the_same_model_from_the_same_examples():
    assert train(EXAMPLES).dumps() == train(list(reversed(EXAMPLES))).dumps()


def test_it_survives_its_own_round_trip():
    model = train(EXAMPLES)
    again = Model.loads(model.dumps())
    assert again.ranked("电梯又困人了") == model.ranked("电梯又困人了")


def test_it_ranks_every_label_with_confidences_summing_to_one():
    ranked = train(EXAMPLES).ranked("电梯又困人了")
    assert ranked[0][0] == "lift"
    assert abs(sum(p for _label, p in ranked) - 1) < 1e-9


def test_it_names_the_words_that_decided_it():
    model = train(EXAMPLES)
    reasons = model.reasons("小区电梯困人", "lift")
    assert reasons and all(r in "小区电梯困人" for r in reasons)
    assert any("电梯" in r or "困人" in r for r in reasons)


def test_the_shipped_model_is_what_the_shipped_corpus_trains():
    from sanfuwu.triage.corpus import SHIPPED_MODEL
    from sanfuwu.triage.training import shipped_train

    # Fails when the corpus changed and `sanfuwu triage train --shipped` was not run after it.
    assert shipped_train().dumps() + "\n" == SHIPPED_MODEL.read_text(encoding="utf-8")
