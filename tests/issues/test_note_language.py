"""Notes the system writes into an issue's history read in the reader's language, whatever the
language of whoever took the step; what a person typed reads as typed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from sanfuwu.issues.models import Issue, IssueEvent, Status
from sanfuwu.issues.notes import TEXTS, clause, sentence
from sanfuwu.issues.workflow import issue_act_as_system
from sanfuwu.people.models import Role
from tests.conftest import client_for
from tests.issues.conftest import Cast, issue_in

pytestmark = pytest.mark.django_db

# The English words of the notes this test reads, whether or not the catalogue has them yet: the
# test is about when a note is worded, not about the catalogue's wording.
ENGLISH = {
    TEXTS["dispatch_co"]: "Lead: %(lead)s; co-departments: %(co)s. %(note)s",
    TEXTS["supervise_auto"]: "Not resolved by its deadline: put under supervision by the system.",
    TEXTS["rate_reopen_note"]: "%(rating)s: %(note)s, reopened.",
}


@pytest.fixture
def english_notes() -> Iterator[None]:
    # The catalogue's first layer is a plain dict: put the words there and take them out after.
    layer = trans_real.translation("en")._catalog._catalogs[0]  # type: ignore[attr-defined]
    saved = {key: layer[key] for key in ENGLISH if key in layer}
    layer.update(ENGLISH)
    yield
    for key in ENGLISH:
        layer.pop(key, None)
    layer.update(saved)


def timeline(cast: Cast, issue: Issue, language: str) -> str:
    client = client_for(cast.people[Role.LEADER])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("issues:detail", args=[issue.pk])).content.decode()


def test_a_note_written_in_chinese_reads_in_english_for_an_english_reader(
    cast: Cast, english_notes: None
) -> None:
    with translation.override("zh-hans"):
        issue = issue_in(Status.ASSIGNED, cast)
    dispatched = IssueEvent.objects.get(issue=issue, action="dispatch")
    assert dispatched.note == "主办：建设局；协办：城市管理局。"  # the writer's words stay in the row
    english = timeline(cast, issue, "en")
    assert "Lead: 建设局; co-departments: 城市管理局." in english
    assert "主办：" not in english
    assert "主办：建设局；协办：城市管理局。" in timeline(cast, issue, "zh-hans")


def test_a_note_written_in_english_reads_in_chinese_for_a_chinese_reader(
    cast: Cast, english_notes: None
) -> None:
    issue = issue_in(Status.RESOLVED, cast)
    with translation.override("en"):
        issue = cast.act(issue, "rate", Role.DISPATCHER, rating="unsatisfied", note="路面仍有积水。")
    rated = IssueEvent.objects.filter(issue=issue, action="rate").latest("seq")
    assert rated.note == "Dissatisfied: 路面仍有积水, reopened."
    chinese = timeline(cast, issue, "zh-hans")
    assert "不满意：路面仍有积水，重办。" in chinese
    assert "reopened" not in chinese
    assert "Dissatisfied: 路面仍有积水, reopened." in timeline(cast, issue, "en")


def test_the_systems_own_supervision_reads_in_each_readers_language(cast: Cast, english_notes: None) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    with translation.override("zh-hans"):
        issue_act_as_system(issue=issue, action="supervise", version=issue.version, level="general")
    assert "超期未办结，系统自动挂牌督办。" in timeline(cast, issue, "zh-hans")
    english = timeline(cast, issue, "en")
    assert "put under supervision by the system" in english and "系统自动挂牌督办" not in english


def test_typed_notes_and_old_rows_read_as_they_were_stored(cast: Cast) -> None:
    issue = issue_in(Status.RETURNED, cast)
    returned = IssueEvent.objects.get(issue=issue, action="return")
    assert returned.system_note is None and returned.note_shown == "不属于本部门职责范围。"
    # A row written before notes were kept as keys shows its stored words.
    IssueEvent.objects.filter(issue=issue, action="dispatch").update(system_note=None, note="主办：建设局。")
    assert "主办：建设局。" in timeline(cast, issue, "en")


def test_a_typed_remark_joined_to_more_words_never_doubles_its_punctuation(cast: Cast) -> None:
    assert clause("已修好。") == "已修好" and clause("  好的，，") == "好的"
    assert sentence("同意") == "同意。" and sentence("同意。") == "同意。" and sentence("好吗？") == "好吗？"
    assert sentence("同意，") == "同意。" and sentence("") == "" and sentence("。") == ""
    assert sentence("好的。。") == "好的。"
    issue = issue_in(Status.IN_PROGRESS, cast)
    issue = cast.act(
        issue, "request_extension", Role.HANDLER, workdays=3, reason="需要协调供电公司迁改线路。"
    )
    issue = cast.act(issue, "approve_extension", Role.DISPATCHER, decision_note="同意。")
    approved = IssueEvent.objects.get(issue=issue, action="approve_extension")
    assert approved.note.endswith("。同意。") and "。。" not in approved.note
    issue = cast.act(issue, "instruct", Role.LEADER, text="请加快办理。")
    issue = cast.act(issue, "resolve", Role.HANDLER, resolution="已修复破损路面。")
    issue = cast.act(issue, "feedback", Role.DISPATCHER, feedback="已电话告知反映人。")
    issue = cast.act(issue, "rate", Role.DISPATCHER, rating="unsatisfied", note="仍有积水。")
    rated = IssueEvent.objects.filter(issue=issue, action="rate").latest("seq")
    assert rated.note == "不满意：仍有积水，重办。"
    dispatched = IssueEvent.objects.get(issue=issue, action="dispatch")
    for doubled in ("。。", "，。", "：：", "；。", "。，"):
        assert doubled not in dispatched.note and doubled not in approved.note and doubled not in rated.note


def test_a_note_within_a_note_is_worded_for_the_reader(english_notes: None) -> None:
    from sanfuwu.issues.notes import SystemNote, note_value, stored_note_words

    inner = SystemNote("supervise_auto")
    outer = SystemNote("on_behalf_note", {"note": note_value(inner), "name": "张三"})
    with translation.override("zh-hans"):
        assert str(outer) == "超期未办结，系统自动挂牌督办。（代 张三）"
    with translation.override("en"):
        assert stored_note_words(outer.stored()).startswith("Not resolved by its deadline")
    assert note_value("已修好。") == "已修好。"
