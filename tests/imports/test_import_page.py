"""The import page: who may use it, a dry run, a refusal with its marked workbook, an import."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sanfuwu.targets.models import Target
from tests.conftest import World, client_for, make_code
from tests.imports.test_targets_import import firm, workbook

pytestmark = pytest.mark.django_db


def upload(rows: list[list[object]]) -> SimpleUploadedFile:
    return SimpleUploadedFile("企业.xlsx", workbook(rows).getvalue())


def test_it_keeps_the_page_to_those_who_edit_targets(
    world: World, leader, handler, xiasha_dispatcher
) -> None:
    assert Client().get(reverse("imports:page")).status_code == 302
    assert client_for(leader).get(reverse("imports:page")).status_code == 403
    assert client_for(handler).get(reverse("imports:template", args=["targets"])).status_code == 403
    assert client_for(xiasha_dispatcher).get(reverse("imports:page")).status_code == 200
    assert client_for(xiasha_dispatcher).get(reverse("imports:template", args=["nothing"])).status_code == 404


def test_it_serves_the_template(world: World, xiasha_dispatcher) -> None:
    response = client_for(xiasha_dispatcher).get(reverse("imports:template", args=["targets"]))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet is not None and sheet.cell(row=1, column=1).value == "名称"


def test_a_dry_run_then_an_import(world: World, xiasha_dispatcher) -> None:
    client = client_for(xiasha_dispatcher)
    rows = [firm("页面导入企业", make_code("330114MA2WEB001"))]
    html = client.post(
        reverse("imports:page"), {"kind": "targets", "file": upload(rows), "dry_run": "on"}
    ).content.decode()
    assert 'id="import-checked"' in html and not Target.objects.filter(name="页面导入企业").exists()
    html = client.post(reverse("imports:page"), {"kind": "targets", "file": upload(rows)}).content.decode()
    assert 'id="import-done"' in html and Target.objects.filter(name="页面导入企业").exists()


def test_a_refusal_lists_the_problems_and_hands_back_the_marked_file_to_its_author_only(
    world: World, xiasha_dispatcher, baiyang_dispatcher
) -> None:
    client = client_for(xiasha_dispatcher)
    rows = [firm("坏代码企业", "91330114MA2WEB0029")]
    html = client.post(reverse("imports:page"), {"kind": "targets", "file": upload(rows)}).content.decode()
    assert 'id="import-refused"' in html and "统一社会信用代码" in html
    link = html.split('id="error-report"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert client.get(link).status_code == 200
    assert client_for(baiyang_dispatcher).get(link).status_code == 404
    assert not Target.objects.filter(name="坏代码企业").exists()


def test_a_file_that_is_not_a_workbook_is_refused_at_the_field(world: World, xiasha_dispatcher) -> None:
    fake = SimpleUploadedFile("企业.xlsx", "名称,类型\n某企业,企业\n".encode())
    html = (
        client_for(xiasha_dispatcher)
        .post(reverse("imports:page"), {"kind": "targets", "file": fake})
        .content.decode()
    )
    assert 'data-field-error="file"' in html and "这不是 Excel 工作簿" in html
