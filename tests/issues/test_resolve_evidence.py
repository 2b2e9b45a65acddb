"""Resolving takes evidence: photos or documents, checked by what the bytes are and by size, kept
as the issue's attachments of the resolve step — or the resolve is refused at the file field."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sanfuwu.issues.models import Action, Attachment, Issue, IssueEvent, Status
from sanfuwu.people.models import Role
from tests.conftest import client_for
from tests.issues.conftest import Cast, issue_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def resolve(cast: Cast, issue: Issue, *files: SimpleUploadedFile, htmx: bool = False):
    issue = Issue.objects.get(pk=issue.pk)
    data: dict[str, object] = {"version": issue.version, "resolution": "已更换破损井盖并恢复通行。"}
    if files:
        data["evidence"] = list(files)
    headers = {"HX-Request": "true"} if htmx else {}
    return client_for(cast.people[Role.HANDLER]).post(
        reverse("issues:act", args=[issue.pk, Action.RESOLVE]), data, headers=headers
    )


def test_a_resolve_with_a_photo_and_a_document_keeps_them_with_the_step(cast: Cast) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    response = resolve(
        cast, issue, SimpleUploadedFile("现场.png", PNG), SimpleUploadedFile("验收单.pdf", PDF)
    )
    assert response.status_code == 302
    issue = Issue.objects.get(pk=issue.pk)
    assert issue.status == Status.RESOLVED
    event = IssueEvent.objects.get(issue=issue, action=Action.RESOLVE)
    files = Attachment.objects.filter(issue=issue).order_by("name")
    assert [(f.name, f.content_type, f.event_seq) for f in files] == [
        ("现场.png", "image/png", event.seq), ("验收单.pdf", "application/pdf", event.seq),
    ]  # fmt: skip
    assert all(f.uploaded_by == cast.people[Role.HANDLER] and f.file.read() for f in files)
    assert "现场.png" in event.note


def test_a_resolve_without_evidence_is_refused_at_the_file_field(cast: Cast) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    response = resolve(cast, issue, htmx=True)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field-error="evidence"' in html and "请上传办结的佐证材料" in html
    assert Issue.objects.get(pk=issue.pk).status == Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("现场.jpg", b"MZ\x90\x00 not a jpeg", "文件内容与扩展名不符"),
        ("现场.png", PNG + b"\x00" * (10 * 1024 * 1024), "不能超过 10 MB"),
        ("说明.exe", b"MZ", "只能上传"),
    ],
)
def test_a_bad_file_is_refused_at_the_field_and_nothing_is_written(
    cast: Cast, name, content, message
) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    response = resolve(cast, issue, SimpleUploadedFile("好的.png", PNG), SimpleUploadedFile(name, content))
    assert response.status_code == 400
    html = response.content.decode()
    error = html[html.index('data-field-error="evidence"') :]
    assert message in error[: error.index("</div>")] and name in error[: error.index("</div>")]
    assert Issue.objects.get(pk=issue.pk).status == Status.IN_PROGRESS
    assert not Attachment.objects.exists()


def test_the_workflow_checks_files_given_by_any_caller(cast: Cast) -> None:
    """A caller other than the form (a script, a future interface) cannot slip a bad file in."""
    from django.core.exceptions import ValidationError

    issue = issue_in(Status.IN_PROGRESS, cast)
    with pytest.raises(ValidationError) as exc:
        cast.act(issue, "resolve", Role.HANDLER, resolution="已修复。",
                 evidence=[SimpleUploadedFile("假.png", b"GIF89a")])  # fmt: skip
    assert "evidence" in exc.value.message_dict
    assert Issue.objects.get(pk=issue.pk).status == Status.IN_PROGRESS and not Attachment.objects.exists()


def test_the_resolve_form_posts_files(cast: Cast) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    html = (
        client_for(cast.people[Role.HANDLER]).get(reverse("issues:detail", args=[issue.pk])).content.decode()
    )
    form = html[html.index('data-action-form="resolve"') :]
    form = form[: form.index("</form>")]
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form and "multiple" in form
