"""Hostile text in every place a person can type: it is stored as typed and shown as text, in the
pages, the Excel exports and the Word notice; odd filter values never reach the database as code."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from sanfuwu.issues.models import Issue, Status
from sanfuwu.people.models import Role
from sanfuwu.targets.services import target_update
from tests.conftest import client_for
from tests.issues.conftest import Cast, cast, issue_in
from tests.raisers.conftest import raise_data

SCRIPT = "<script>window.__xss=1</script>"
IMAGE = '"><img src=x onerror="window.__xss=1">'
FORMULA = '=HYPERLINK("http://evil.example/","点我")'
HOSTILE = f"{SCRIPT}{IMAGE}{FORMULA}"
__all__ = ["cast"]


def _assert_inert(html: str, where: str) -> None:
    assert SCRIPT not in html, f"{where}: a script tag came through"
    assert "<img src=x" not in html, f"{where}: an element came through"
    assert "&lt;script&gt;window" in html, f"{where}: the text is not shown at all"


@pytest.fixture
def hostile_issue(cast: Cast) -> Issue:
    issue = issue_in(Status.IN_PROGRESS, cast)
    Issue.objects.filter(pk=issue.pk).update(
        title=HOSTILE[:200], description=HOSTILE, raiser_name=HOSTILE[:32]
    )
    issue = cast.act(issue, "supervise", Role.SUPERVISOR, level="key", note=HOSTILE)
    target_update(actor=cast.people[Role.ADMIN], target=cast.world.xiasha_firm,
                  fields={"name": "下沙" + SCRIPT, "address": IMAGE})  # fmt: skip
    return issue


def test_hostile_text_shows_as_text_on_every_page_it_reaches(cast: Cast, hostile_issue: Issue) -> None:
    leader = client_for(cast.people[Role.LEADER])
    dispatcher = client_for(cast.people[Role.DISPATCHER])
    pages = {
        "issue": (leader, reverse("issues:detail", args=[hostile_issue.pk])),
        "issue list": (leader, reverse("issues:list")),
        "issue search": (dispatcher, reverse("issues:list") + "?q=" + "window.__xss"),
        "target": (leader, reverse("targets:detail", args=[cast.world.xiasha_firm.pk])),
        "target list": (leader, reverse("targets:list")),
    }
    for where, (client, url) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        _assert_inert(response.content.decode(), where)


def test_an_htmx_partial_escapes_it_too(cast: Cast, hostile_issue: Issue) -> None:
    response = client_for(cast.people[Role.LEADER]).get(
        reverse("issues:list"), headers={"HX-Request": "true", "HX-Target": "issue-rows"}
    )
    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()


def test_the_excel_export_keeps_it_as_text_never_a_formula(cast: Cast, hostile_issue: Issue) -> None:
    response = client_for(cast.people[Role.LEADER]).get(reverse("issues:export"))
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet, "no cell is a formula"
    assert "&lt;script&gt;" in sheet and "=HYPERLINK(" in sheet
    assert 't="inlineStr"' in sheet


def test_the_word_notice_holds_it_as_text(cast: Cast, hostile_issue: Issue) -> None:
    response = client_for(cast.people[Role.SUPERVISOR]).get(reverse("issues:notice", args=[hostile_issue.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert SCRIPT in text  # shown literally, as the words the person typed
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        xml = package.read("word/document.xml").decode()
    assert "<script>" not in xml


def test_a_resident_s_hostile_complaint_is_kept_as_typed_and_shown_as_text(cast: Cast) -> None:
    resident = Client(REMOTE_ADDR="10.0.0.9")
    resident.get(reverse("public:raise"))
    response = resident.post(
        reverse("public:raise"),
        raise_data(cast.category.pk, description="路灯坏了" + HOSTILE, raiser_name="李" + IMAGE[:20]),
    )
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert issue.description == "路灯坏了" + HOSTILE
    _assert_inert(resident.get(response["Location"]).content.decode(), "tracking page")
    triage = client_for(cast.people[Role.DISPATCHER]).get(reverse("issues:triage")).content.decode()
    _assert_inert(triage, "triage")


JUNK = [
    "' OR 1=1 --",
    "../../../../etc/passwd",
    "%00",
    "1;DROP TABLE issues_issue",
    "9" * 40,
    "-1",
    "２",
    "<b>",
]
FILTERS = ("q", "status", "region", "category", "department", "page", "sort", "month", "grid", "kind", "role",
           "from", "to", "period")  # fmt: skip
FILTERED_LISTS = [
    "issues:list",
    "issues:triage",
    "targets:list",
    "visits:list",
    "people:list",
    "race:ranking",
]


@pytest.mark.parametrize("name", FILTERED_LISTS)
def test_odd_filter_values_are_harmless(cast: Cast, name: str) -> None:
    issue_in(Status.REGISTERED, cast)
    client = client_for(cast.people[Role.ADMIN])
    for junk in JUNK:
        query = dict.fromkeys(FILTERS, junk)
        response = client.get(reverse(name), query)
        assert response.status_code in (200, 400), f"{name} {junk!r}: {response.status_code}"
        assert "<b>" not in response.content.decode().split('class="page-body"')[-1], (
            f"{name}: echoed as markup"
        )
    assert Issue.objects.count() >= 1, "nothing was dropped"


def test_an_uploaded_file_is_served_as_itself_and_nothing_more(cast: Cast, settings, tmp_path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sanfuwu.issues.attachments import attachment_add

    settings.MEDIA_ROOT = tmp_path
    issue = issue_in(Status.REGISTERED, cast)
    png = SimpleUploadedFile(
        "现场.png", b"\x89PNG\r\n\x1a\n" + b"<script>window.__xss=1</script>", "image/png"
    )
    pdf = SimpleUploadedFile("说明.pdf", b"%PDF-1.4 <html><script>1</script>", "application/pdf")
    for upload in (png, pdf):
        attachment = attachment_add(issue=issue, actor=cast.people[Role.VISITOR], upload=upload)
        assert not str(attachment.file.path).startswith(str(settings.STATIC_ROOT))
        response = client_for(cast.people[Role.LEADER]).get(
            reverse("issues:attachment", args=[issue.pk, attachment.pk])
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["Content-Type"] in ("image/png", "application/pdf")
        disposition = response["Content-Disposition"]
        assert disposition.startswith("inline" if upload is png else "attachment")


def test_an_oversized_or_disguised_upload_is_refused_at_the_field(cast: Cast) -> None:
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sanfuwu.issues.attachments import attachment_check

    big = SimpleUploadedFile("大.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024), "image/png")
    page = SimpleUploadedFile("照片.jpg", b"<html><script>1</script></html>", "image/jpeg")
    svg = SimpleUploadedFile("图.svg", b"<svg onload=alert(1)>", "image/svg+xml")
    for upload, why in ((big, "不能超过 10 MB"), (page, "文件内容与扩展名不符"), (svg, "只能上传")):
        with pytest.raises(ValidationError) as refused:
            attachment_check(upload)
        assert why in str(refused.value.message_dict["file"])
