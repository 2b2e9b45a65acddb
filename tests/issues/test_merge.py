"""合并重复: a duplicate merged into the issue handled for both, whose raiser is answered with it."""

import pytest
from django.core.exceptions import ValidationError

from sanfuwu.issues.models import Action, Issue, IssueEvent, Status
from sanfuwu.issues.services import issue_register
from sanfuwu.issues.workflow import NotAllowed, issue_act
from sanfuwu.people.models import Role
from sanfuwu.raisers.selectors import progress_of
from tests.conftest import make_person
from tests.issues.conftest import Cast, issue_in, new_issue, payload_for


def test_it_merges_a_duplicate_and_keeps_both_histories(cast: Cast):
    original, duplicate = new_issue(cast), new_issue(cast)
    merged = cast.act(duplicate, "merge", Role.DISPATCHER, original=original, note="同一路口")
    assert merged.status == Status.VOID
    assert merged.duplicate_of == original
    assert original.number in merged.void_reason
    assert [e.action for e in merged.events.order_by("seq")] == [Action.REGISTER, Action.MERGE]
    assert original.number in merged.events.get(action=Action.MERGE).note
    assert Issue.objects.get(pk=original.pk).status == Status.REGISTERED
    assert original.events.count() == 1


def test_it_answers_the_duplicates_raiser_when_the_original_is_answered(cast: Cast):
    original = new_issue(cast)
    duplicate = cast.act(new_issue(cast), "merge", Role.DISPATCHER, original=original)
    before = progress_of(Issue.objects.get(pk=duplicate.pk))
    assert before.answer == "" and "合并" in before.words
    original = cast.act(original, "dispatch", Role.DISPATCHER, **payload_for("dispatch", original, cast))
    original = cast.act(original, "accept", Role.HANDLER)
    for item in original.checklist.all():
        original = cast.act(original, "check_item", Role.HANDLER, item_id=item.pk)
    original = cast.act(original, "resolve", Role.HANDLER, resolution="已修补路面。")
    cast.act(original, "feedback", Role.DISPATCHER, feedback="路面已修补，感谢反映。")
    duplicate = Issue.objects.get(pk=duplicate.pk)
    assert duplicate.feedback == "路面已修补，感谢反映。"
    assert duplicate.status == Status.VOID
    relayed = IssueEvent.objects.get(issue=duplicate, seq=duplicate.version)
    assert relayed.action == Action.FEEDBACK and original.number in relayed.note
    after = progress_of(duplicate)
    assert after.answer == "路面已修补，感谢反映。" and not after.may_rate


def test_it_refuses_merging_into_itself(cast: Cast):
    issue = new_issue(cast)
    with pytest.raises(ValidationError) as exc:
        cast.act(issue, "merge", Role.DISPATCHER, original=issue)
    assert "original" in exc.value.message_dict
    assert Issue.objects.get(pk=issue.pk).status == Status.REGISTERED


def test_it_refuses_an_original_outside_the_territory_as_if_it_did_not_exist(cast: Cast):
    far = make_person("far_dispatcher", [Role.DISPATCHER], region=cast.world.baiyang)
    mine = new_issue(cast)
    theirs = issue_register(
        actor=far, title="白杨路灯", description="白杨街道路灯不亮", source="hotline",
        category=cast.category, region=cast.world.baiyang_grid,
    )  # fmt: skip
    with pytest.raises(ValidationError) as outside:
        issue_act(issue=theirs, action="merge", actor=far, version=theirs.version, original=mine)
    with pytest.raises(ValidationError) as missing:
        issue_act(issue=theirs, action="merge", actor=far, version=theirs.version, original=None)
    assert outside.value.message_dict["original"] == missing.value.message_dict["original"]


def test_it_refuses_a_void_or_merged_original(cast: Cast):
    void = issue_in(Status.VOID, cast)
    with pytest.raises(ValidationError, match="作废"):
        cast.act(new_issue(cast), "merge", Role.DISPATCHER, original=void)
    original = new_issue(cast)
    merged = cast.act(new_issue(cast), "merge", Role.DISPATCHER, original=original)
    with pytest.raises(ValidationError, match="原问题"):
        cast.act(new_issue(cast), "merge", Role.DISPATCHER, original=merged)


def test_only_the_territorys_dispatcher_merges(cast: Cast):
    original, duplicate = new_issue(cast), new_issue(cast)
    with pytest.raises(NotAllowed):
        cast.act(duplicate, "merge", Role.LEADER, original=original)


def test_it_refuses_an_original_already_answered(cast: Cast):
    answered = issue_in(Status.RESOLVED, cast)
    with pytest.raises(ValidationError, match="已办结"):
        cast.act(new_issue(cast), "merge", Role.DISPATCHER, original=answered)


def test_duplicates_of_a_merged_issue_follow_it_to_its_original(cast: Cast):
    first, second, third = new_issue(cast), new_issue(cast), new_issue(cast)
    third = cast.act(third, "merge", Role.DISPATCHER, original=second)
    cast.act(second, "merge", Role.DISPATCHER, original=first)
    third = Issue.objects.get(pk=third.pk)
    assert third.duplicate_of_id == first.pk
    assert IssueEvent.objects.get(issue=third, seq=third.version).action == Action.MERGE


def test_voiding_an_original_tells_its_duplicates_raisers(cast: Cast):
    original = new_issue(cast)
    duplicate = cast.act(new_issue(cast), "merge", Role.DISPATCHER, original=original)
    cast.act(original, "void", Role.ADMIN, reason="经核实不属实。")
    duplicate = Issue.objects.get(pk=duplicate.pk)
    assert "经核实不属实" in duplicate.feedback
    assert "经核实不属实" in progress_of(duplicate).answer


def test_a_merged_issue_replays_to_its_state(cast: Cast):
    from sanfuwu.issues.replay import issue_replay, issue_state

    original = new_issue(cast)
    duplicate = cast.act(new_issue(cast), "merge", Role.DISPATCHER, original=original)
    duplicate = Issue.objects.get(pk=duplicate.pk)
    assert issue_replay(duplicate.events.order_by("seq")) == issue_state(duplicate)


def test_the_answer_form_warns_that_merged_raisers_get_the_same_words(cast: Cast):
    from sanfuwu.issues.forms import FeedbackForm

    original = new_issue(cast)
    cast.act(new_issue(cast), "merge", Role.DISPATCHER, original=original)
    assert "1 件重复问题的反映人" in str(FeedbackForm(issue=original).fields["feedback"].help_text)
