"""导入: templates to download, a file to check or import, its progress, its result and the marked
workbook of its problems, which only the person who handed the file in may see."""

from __future__ import annotations

import io

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanfuwu.core.forms import StyledForm
from sanfuwu.core.xlsx import XLSX_TYPE
from sanfuwu.imports.jobs import import_run_start
from sanfuwu.imports.kinds import KINDS, kinds_for
from sanfuwu.imports.runs import (
    import_progress,
    import_run_confirm,
    import_run_create,
    import_run_get_for,
    import_runs_of,
    kind_for,
)
from sanfuwu.imports.workbook import MAX_BYTES, FileRefused, SheetReader, template_workbook
from sanfuwu.people.models import Person
from sanfuwu.portal.access import person_of


class ImportForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("导入内容"))
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx 或 .xls）"),
        error_messages={"required": gettext_lazy("请选择要导入的文件。")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls"}),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("只检查，不写入"), required=False, initial=True)

    def __init__(self, *args: object, person: Person, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [(k.key, k.title) for k in kinds_for(person)]  # type: ignore[attr-defined]
        self.style_widgets()


def _importer(request: HttpRequest) -> Person:
    person = person_of(request)
    if not kinds_for(person):
        raise PermissionDenied(_("您的角色不能导入数据。"))
    return person


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    person = _importer(request)
    form = ImportForm(request.POST or None, request.FILES or None, person=person,
                      initial={"kind": request.GET.get("kind", "")})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        kind = kind_for(person, form.cleaned_data["kind"])
        upload = form.cleaned_data["file"]
        data = upload.read(MAX_BYTES + 1)  # one byte more than allowed is enough to refuse it
        try:
            # The file as a whole is judged here, so that its refusal shows at the field.
            SheetReader(data, kind.columns, upload.name or "")
        except FileRefused as refused:
            form.add_error("file", str(refused))
        else:
            run = import_run_create(actor=person, kind=kind, filename=upload.name or "upload.xlsx", data=data,
                                    dry_run=form.cleaned_data["dry_run"])  # fmt: skip
            import_run_start(run)
            return redirect("imports:run", pk=run.pk)
    context = {
        "form": form,
        "kinds": kinds_for(person),
        "runs": import_runs_of(person)[:10],
        "max_rows": settings.SANFUWU_IMPORT_MAX_ROWS,
    }
    return render(request, "imports/page.html", context)


def _run_context(run: object) -> dict[str, object]:
    done, total = import_progress(run)  # type: ignore[arg-type]
    return {
        "run": run, "kind": KINDS.get(run.kind),  # type: ignore[attr-defined]
        "done": done, "total": total, "percent": round(done * 100 / total) if total else 0,
    }  # fmt: skip


@login_required
def import_run_page(request: HttpRequest, pk: int) -> HttpResponse:
    run = import_run_get_for(person_of(request), pk)
    return render(request, "imports/run.html", _run_context(run))


@login_required
def import_run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by the page; once the run is over, the page reloads itself whole."""
    run = import_run_get_for(person_of(request), pk)
    response = render(request, "imports/_progress.html", _run_context(run))
    if run.finished:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
def import_run_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    checked = import_run_get_for(person, pk)
    kind_for(person, checked.kind)
    run = import_run_confirm(run=checked, actor=person)
    import_run_start(run)
    return redirect("imports:run", pk=run.pk)


@login_required
def import_template(request: HttpRequest, kind: str) -> FileResponse:
    found = kind_for(_importer(request), kind)
    buffer = io.BytesIO()
    template_workbook(found.columns, str(found.title)).save(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename=f"{found.title}导入模板.xlsx", content_type=XLSX_TYPE
    )


@login_required
def import_report(request: HttpRequest, pk: int) -> FileResponse:
    run = import_run_get_for(person_of(request), pk)
    if run.report is None:
        raise Http404("没有找到该检查结果")
    name = f"{run.filename.rsplit('.', 1)[0]}-检查结果.xlsx"
    return FileResponse(
        io.BytesIO(bytes(run.report.data)), as_attachment=True, filename=name, content_type=XLSX_TYPE
    )
