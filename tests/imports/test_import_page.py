"""The import page: who may use it, a dry run then its confirmation, a refusal with its marked
workbook for its author only, a large file in the background with its progress."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sanfuwu.imports.models import ImportRun, RunState, StoredFile
from sanfuwu.targets.models import Target
from tests.conftest import World, client_for, make_code
from tests.imports.test_targets_import import firm, workbook

pytestmark = pytest.mark.django_db


def upload(rows: list[list[object]]) -> SimpleUploadedFile:
    return SimpleUploadedFile("企业.xlsx", workbook(rows).getvalue())


def test_it_keeps_the_page_to_those_who_may_import(
    world: World, leader, handler, grid_worker, xiasha_dispatcher
) -> None:
    assert Client().get(reverse("imports:page")).status_code == 302
    assert client_for(leader).get(reverse("imports:page")).status_code == 403
    assert client_for(handler).get(reverse("imports:template", args=["targets"])).status_code == 403
    assert client_for(xiasha_dispatcher).get(reverse("imports:page")).status_code == 200
    assert client_for(xiasha_dispatcher).get(reverse("imports:template", args=["nothing"])).status_code == 404
    # A grid worker imports targets and nothing else; people are for administrators.
    html = client_for(grid_worker).get(reverse("imports:page")).content.decode()
    assert 'value="targets"' in html and 'value="issues"' not in html
    assert client_for(grid_worker).get(reverse("imports:template", args=["issues"])).status_code == 403
    assert client_for(xiasha_dispatcher).get(reverse("imports:template", args=["people"])).status_code == 403


def test_it_serves_the_template(world: World, xiasha_dispatcher) -> None:
    response = client_for(xiasha_dispatcher).get(reverse("imports:template", args=["targets"]))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet is not None and sheet.cell(row=1, column=1).value == "名称"


def test_a_dry_run_then_its_confirmation_imports_the_same_file_once(world: World, xiasha_dispatcher) -> None:
    client = client_for(xiasha_dispatcher)
    rows = [firm("页面导入企业", make_code("330114MA2WEB001"))]
    response = client.post(
        reverse("imports:page"), {"kind": "targets", "file": upload(rows), "dry_run": "on"}
    )
    html = client.get(response["Location"]).content.decode()
    assert 'id="import-checked"' in html and "页面导入企业" in html
    assert not Target.objects.filter(name="页面导入企业").exists()
    checked = ImportRun.objects.get()
    confirm = reverse("imports:confirm", args=[checked.pk])
    response = client.post(confirm)
    html = client.get(response["Location"]).content.decode()
    assert 'id="import-done"' in html and Target.objects.filter(name="页面导入企业").count() == 1
    # A second click confirms nothing, and the file is gone once imported.
    assert client.post(confirm).status_code == 403
    assert not StoredFile.objects.exists()


def test_a_refusal_lists_the_problems_and_hands_back_the_marked_file_to_its_author_only(
    world: World, xiasha_dispatcher, baiyang_dispatcher
) -> None:
    client = client_for(xiasha_dispatcher)
    rows = [firm("坏代码企业", "91330114MA2WEB0029")]
    response = client.post(reverse("imports:page"), {"kind": "targets", "file": upload(rows)})
    run_page = response["Location"]
    html = client.get(run_page).content.decode()
    assert 'id="import-refused"' in html and "统一社会信用代码" in html
    link = html.split('id="error-report"')[0].rsplit('href="', 1)[1].split('"')[0]
    report = client.get(link)
    assert report.status_code == 200
    marked = load_workbook(io.BytesIO(report.getvalue())).active
    assert marked is not None and marked.cell(row=2, column=3).comment is not None
    other = client_for(baiyang_dispatcher)
    assert other.get(link).status_code == 404 and other.get(run_page).status_code == 404
    assert not Target.objects.filter(name="坏代码企业").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("名称,类型\n某企业,企业\n".encode(), "这不是 Excel 工作簿"),
        (b"PK\x03\x04" + b"\x00" * 3000, "这不是 Excel 工作簿"),
        (b"\x00" * (20 * 1024 * 1024 + 1), "文件超过 20 MB"),
    ],
    ids=["csv-renamed", "broken-zip", "over-20-mb"],
)
def test_a_file_that_cannot_be_imported_is_refused_at_the_field(
    world: World, xiasha_dispatcher, content: bytes, message: str
) -> None:
    fake = SimpleUploadedFile("企业.xlsx", content)
    html = (
        client_for(xiasha_dispatcher)
        .post(reverse("imports:page"), {"kind": "targets", "file": fake})
        .content.decode()
    )
    assert 'data-field-error="file"' in html and message in html
    assert not ImportRun.objects.exists()


def test_a_large_file_runs_in_the_background_and_the_page_follows_it(
    world: World, xiasha_dispatcher, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SANFUWU_IMPORT_INLINE_BYTES = 0  # every file counts as large
    client = client_for(xiasha_dispatcher)
    rows = [firm(f"后台导入企业{i}", make_code(f"330114MA2BG{i:04d}")) for i in range(30)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("imports:page"), {"kind": "targets", "file": upload(rows)})
        run = ImportRun.objects.get()
        assert run.state == RunState.QUEUED
        html = client.get(response["Location"]).content.decode()
        # Queued: the page polls the progress bar.
        assert 'id="import-progress"' in html and reverse("imports:progress", args=[run.pk]) in html
    assert len(callbacks) == 1  # the job, queued once the run was committed; it ran at once under test
    run.refresh_from_db()
    assert run.state == RunState.DONE and run.created == 30
    progress = client.get(reverse("imports:progress", args=[run.pk]))
    assert progress["HX-Refresh"] == "true"
    assert Target.objects.filter(name__startswith="后台导入企业").count() == 30


def test_it_keeps_the_runs_free_of_the_job_that_starts_them() -> None:
    """jobs.py starts runs and runs.py executes them: an import of the job back into runs.py, even
    one tucked inside a function, is the cycle that moving import_run_start beside its job removed."""
    import ast
    import inspect

    from sanfuwu.imports import jobs, runs

    names: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(runs))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    assert not [name for name in names if name.startswith(jobs.__name__)]
    assert callable(jobs.import_run_start) and not hasattr(runs, "import_run_start")


def test_the_page_lists_my_recent_imports_only(world: World, xiasha_dispatcher, baiyang_dispatcher) -> None:
    client_for(xiasha_dispatcher).post(
        reverse("imports:page"),
        {"kind": "targets", "file": upload([firm("甲", make_code("330114MA2LNT001"))])},
    )
    assert 'id="recent-runs"' in client_for(xiasha_dispatcher).get(reverse("imports:page")).content.decode()
    assert (
        'id="recent-runs"' not in client_for(baiyang_dispatcher).get(reverse("imports:page")).content.decode()
    )


def test_the_progress_and_the_confirmation_belong_to_the_runs_author(
    world: World, xiasha_dispatcher, baiyang_dispatcher, admin_person
) -> None:
    rows = [firm("只属本人企业", make_code("330114MA2WEB009"))]
    client_for(xiasha_dispatcher).post(
        reverse("imports:page"), {"kind": "targets", "file": upload(rows), "dry_run": "on"}
    )
    run = ImportRun.objects.get()
    for other in (baiyang_dispatcher, admin_person):
        assert client_for(other).get(reverse("imports:progress", args=[run.pk])).status_code == 404
        assert client_for(other).post(reverse("imports:confirm", args=[run.pk])).status_code == 404
    assert client_for(xiasha_dispatcher).get(reverse("imports:progress", args=[run.pk])).status_code == 200
    assert not Target.objects.filter(name="只属本人企业").exists()
    assert Client().get(reverse("imports:run", args=[run.pk])).status_code == 302


def test_a_check_that_would_write_nothing_offers_no_confirmation(world: World, xiasha_dispatcher) -> None:
    client = client_for(xiasha_dispatcher)
    exported = client.get(reverse("targets:export")).getvalue()  # the street's own list, unchanged
    same = SimpleUploadedFile("企业.xlsx", exported)
    response = client.post(reverse("imports:page"), {"kind": "targets", "file": same, "dry_run": "on"})
    html = client.get(response["Location"]).content.decode()
    assert (
        'id="import-checked"' in html
        and 'id="nothing-to-import"' in html
        and 'id="confirm-import"' not in html
    )


def test_old_files_are_forgotten_but_the_runs_stay(world: World, xiasha_dispatcher) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from sanfuwu.imports.runs import import_files_forget

    client = client_for(xiasha_dispatcher)
    client.post(
        reverse("imports:page"), {"kind": "targets", "file": upload([firm("甲企业", "91330114MA2WEB0029")])}
    )
    client.post(reverse("imports:page"), {"kind": "targets", "file": upload([firm("乙企业", make_code("330114MA2WEB011"))]),
                                          "dry_run": "on"})  # fmt: skip
    refused, checked = ImportRun.objects.order_by("pk")
    assert refused.report_id and checked.upload_id
    assert import_files_forget() == 0  # fresh files stay
    assert import_files_forget(now=timezone.now() + timedelta(days=8)) == 1  # the unconfirmed check
    assert import_files_forget(now=timezone.now() + timedelta(days=31)) == 1  # the marked workbook
    assert not StoredFile.objects.exists() and ImportRun.objects.count() == 2


def test_an_import_that_breaks_is_recorded_as_failed_and_writes_nothing(
    world: World, xiasha_dispatcher, monkeypatch
) -> None:
    from sanfuwu.imports.targets import TargetImporter

    checks = TargetImporter.handle

    def broken(self, rows, outcome):
        # The check only reads and passes; the writing breaks halfway through.
        if self.dry_run:
            return checks(self, rows, outcome)
        Target.objects.create(kind="community", name="写了一半的对象", region=world.xiasha)
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr(TargetImporter, "handle", broken)
    client = client_for(xiasha_dispatcher)
    response = client.post(
        reverse("imports:page"),
        {"kind": "targets", "file": upload([firm("甲", make_code("330114MA2BRK001"))])},
    )
    html = client.get(response["Location"]).content.decode()
    assert 'id="import-failed"' in html and "数据库连接中断" in html
    assert ImportRun.objects.get().state == RunState.FAILED
    assert not Target.objects.filter(name="写了一半的对象").exists()


def test_administrators_read_every_import_in_the_admin_and_change_none(
    world: World, admin_person, xiasha_staff, xiasha_dispatcher
) -> None:
    client_for(xiasha_dispatcher).post(
        reverse("imports:page"),
        {"kind": "targets", "file": upload([firm("审计企业", make_code("330114MA2ADM001"))])},
    )
    run = ImportRun.objects.get()
    page = client_for(admin_person).get(reverse("admin:imports_importrun_changelist"))
    assert page.status_code == 200 and "企业.xlsx" in page.content.decode()
    detail = client_for(admin_person).get(reverse("admin:imports_importrun_change", args=[run.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert (
        client_for(admin_person).post(reverse("admin:imports_importrun_delete", args=[run.pk])).status_code
        == 403
    )
    # A street clerk with the admin for targets and regions does not read other people's imports.
    assert client_for(xiasha_staff).get(reverse("admin:imports_importrun_changelist")).status_code == 403
