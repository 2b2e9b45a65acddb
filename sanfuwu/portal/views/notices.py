"""The supervision notice (督办通知书) of one issue, as Word, for those who press for supervised work."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from sanfuwu.issues.selectors import issue_get_for
from sanfuwu.people.roles import NOTICE_PRINTERS
from sanfuwu.portal.access import person_of, roles_required
from sanfuwu.reports.supervision_notice import notice_facts, supervision_notice_document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@roles_required(*NOTICE_PRINTERS)
def supervision_notice(request: HttpRequest, pk: int) -> HttpResponseBase:
    issue = issue_get_for(person_of(request), pk)
    if not issue.supervised:
        # Back to the issue with the reason, rather than a file that would notify of nothing.
        messages.error(request, _("该问题未挂牌督办，没有督办通知书。"))
        return redirect("issues:detail", pk=issue.pk)
    facts = notice_facts(issue)
    name = f"督办通知书-{issue.number}.docx"
    return FileResponse(
        io.BytesIO(supervision_notice_document(facts)), as_attachment=True, filename=name, content_type=DOCX
    )
