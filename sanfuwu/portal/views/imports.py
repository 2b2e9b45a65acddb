"""导入: templates to download, a file to check or import, and the marked workbook of its problems."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfuwu.core.forms import StyledForm
from sanfuwu.imports.kinds import KINDS
from sanfuwu.imports.workbook import FileRefused, error_workbook, read_sheet, template_workbook
from sanfuwu.portal.access import TARGET_EDITORS, person_of, roles_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORTS_KEY = "import_reports"


class ImportForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("导入内容"), choices=[(k.key, k.title) for k in KINDS.values()]
    )
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        error_messages={"required": gettext_lazy("请选择要导入的文件。")},
    )
    dry_run = forms.BooleanField(label=gettext_lazy("只检查，不写入"), required=False, initial=True)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.style_widgets()


def _reports_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(exist_ok=True)
    return path


@roles_required(*TARGET_EDITORS)
def import_page(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        kind = KINDS[form.cleaned_data["kind"]]
        upload = form.cleaned_data["file"]
        try:
            sheet = read_sheet(upload, kind.columns, size=upload.size)
        except FileRefused as refused:
            form.add_error("file", str(refused))
        else:
            outcome = kind.run(sheet=sheet, actor=person, dry_run=form.cleaned_data["dry_run"])
            token = None
            if outcome.errors:
                token = uuid.uuid4().hex
                error_workbook(sheet, outcome.errors).save(_reports_dir() / f"{token}.xlsx")
                request.session[REPORTS_KEY] = [*request.session.get(REPORTS_KEY, [])[-9:], token]
            elif outcome.written:
                messages.success(
                    request,
                    _("导入完成：新增 %(c)s 条，更新 %(u)s 条。")
                    % {"c": outcome.created, "u": outcome.updated},
                )
            result = {
                "outcome": outcome,
                "kind": kind,
                "token": token,
                "dry_run": form.cleaned_data["dry_run"],
            }
    return render(request, "imports/page.html", {"form": form, "result": result, "kinds": KINDS.values()})


@roles_required(*TARGET_EDITORS)
def import_template(request: HttpRequest, kind: str) -> FileResponse:
    found = KINDS.get(kind)
    if found is None:
        raise Http404("没有这种导入模板")
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    template_workbook(found.columns, found.title).save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{found.title}导入模板.xlsx", content_type=XLSX)


@roles_required(*TARGET_EDITORS)
def import_report(request: HttpRequest, token: str) -> FileResponse:
    """Only the person who ran the import gets its report back."""
    if token not in request.session.get(REPORTS_KEY, []):
        raise Http404("没有找到该检查结果")
    path = _reports_dir() / f"{token}.xlsx"
    if not path.is_file():
        raise Http404("没有找到该检查结果")
    return FileResponse(path.open("rb"), as_attachment=True, filename="导入检查结果.xlsx", content_type=XLSX)
