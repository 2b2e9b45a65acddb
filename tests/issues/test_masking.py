"""The raiser's name and phone: in full for whoever must talk to the raiser, masked for everyone
else who may see the issue — on the issue page and in the export, by one rule."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sanfuwu.issues.models import Action, Issue, Status
from sanfuwu.issues.selectors import mask_name, mask_phone, raiser_contact_for
from sanfuwu.issues.workflow import issue_act
from sanfuwu.people.models import Person, Role
from sanfuwu.people.services import stand_in_set
from tests.conftest import client_for, make_person
from tests.issues.conftest import Cast, issue_in

FULL = ("王伟", "13812345678")
MASKED = ("王**", "138****5678")


@pytest.fixture
def readers(cast: Cast) -> dict[str, Person]:
    jianshe = cast.world.jianshe
    return {
        "assignee": make_person("m_assignee", [Role.HANDLER], department=jianshe),
        "other_handler": make_person("m_other", [Role.HANDLER], department=jianshe),
        "head": make_person("m_head", [Role.HEAD, Role.HANDLER], department=jianshe),
        "co_handler": make_person("m_co", [Role.HANDLER], department=cast.other_department),
        "registrar": cast.people[Role.VISITOR],
        "dispatcher": cast.people[Role.DISPATCHER],
        "leader": cast.people[Role.LEADER],
        "admin": cast.people[Role.ADMIN],
        "supervisor": cast.people[Role.SUPERVISOR],
    }


def assigned_issue(cast: Cast, readers: dict[str, Person]) -> Issue:
    issue = issue_in(Status.IN_PROGRESS, cast)
    return issue_act(issue=issue, action=Action.ASSIGN_HANDLER, actor=readers["head"], version=issue.version,
                     handler=readers["assignee"])  # fmt: skip


def seen_by(person: Person, issue: Issue) -> tuple[str, str]:
    contact = raiser_contact_for(person)(Issue.objects.get(pk=issue.pk))
    return contact.name, contact.phone


EXPECTED_ASSIGNED = {
    "assignee": FULL, "head": FULL, "registrar": FULL, "other_handler": MASKED, "co_handler": MASKED,
    "dispatcher": MASKED, "leader": MASKED, "admin": MASKED, "supervisor": MASKED,
}  # fmt: skip


@pytest.mark.parametrize("who", list(EXPECTED_ASSIGNED))
def test_once_assigned_only_the_assignee_the_head_and_the_registrar_read_it_in_full(cast: Cast, readers, who):
    issue = assigned_issue(cast, readers)
    assert seen_by(readers[who], issue) == EXPECTED_ASSIGNED[who]


def test_before_assignment_every_handler_of_the_lead_department_reads_it(cast: Cast, readers) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    assert seen_by(readers["other_handler"], issue) == FULL
    assert seen_by(readers["co_handler"], issue) == MASKED


def test_a_stand_in_reads_it_while_standing_in(cast: Cast, readers) -> None:
    issue = assigned_issue(cast, readers)
    today = timezone.localdate()
    stand_in_set(actor=readers["head"], absent=readers["assignee"], stand_in=readers["other_handler"],
                 starts_on=today, ends_on=today)  # fmt: skip
    assert seen_by(readers["other_handler"], issue) == FULL


def test_the_dispatcher_reads_it_while_the_answer_and_return_visit_are_due(cast: Cast, readers) -> None:
    issue = issue_in(Status.RESOLVED, cast)
    assert seen_by(readers["dispatcher"], issue) == FULL
    outside = make_person("m_baiyang", [Role.DISPATCHER], region=cast.world.baiyang)
    assert seen_by(outside, issue) == MASKED
    closed = issue_in(Status.CLOSED, cast)
    assert seen_by(readers["dispatcher"], closed) == MASKED


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("13812345678", "138****5678"), ("0571-86001234", "057****1234"), ("110", "****"), ("", "")],
)
def test_phones_are_masked_in_the_middle(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


def test_names_keep_only_the_family_name() -> None:
    assert (mask_name("张三"), mask_name("欧阳晓明"), mask_name("")) == ("张**", "欧**", "")


@pytest.mark.parametrize(("who", "full"), [("assignee", True), ("registrar", True), ("other_handler", False),
                                           ("dispatcher", False), ("leader", False)])  # fmt: skip
def test_the_issue_page_shows_what_the_rule_says(cast: Cast, readers, who: str, full: bool) -> None:
    issue = assigned_issue(cast, readers)
    html = client_for(readers[who]).get(reverse("issues:detail", args=[issue.pk])).content.decode()
    assert ("13812345678" in html) is full
    assert ("138****5678" in html) is not full
    assert ('href="tel:' in html) is full


def export_contacts(person: Person) -> dict[str, tuple[str, str]]:
    response = client_for(person).get(reverse("issues:export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    assert sheet is not None
    rows = [[str(c.value or "") for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    number, name, phone = header.index("编号"), header.index("反映人"), header.index("反映人电话")
    return {row[number]: (row[name], row[phone]) for row in rows[1:]}


@pytest.mark.parametrize("who", ["assignee", "head", "registrar", "other_handler", "dispatcher", "leader"])
def test_the_export_masks_as_the_page_does(cast: Cast, readers, who: str) -> None:
    issue = assigned_issue(cast, readers)
    assert export_contacts(readers[who])[issue.number] == EXPECTED_ASSIGNED[who]
