"""Excel exports of the lists: each streams what sanfuwu.portal.exporting builds for the reader."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, StreamingHttpResponse

from sanfuwu.core.routing import reads_from_replica
from sanfuwu.core.xlsx import xlsx_stream_response
from sanfuwu.people.roles import COORDINATORS, IMPORTERS
from sanfuwu.portal.access import person_of, roles_required
from sanfuwu.portal.exporting import EXPORTS


def _export(request: HttpRequest, kind: str) -> StreamingHttpResponse:
    built = EXPORTS[kind](person_of(request), request.GET)
    return xlsx_stream_response(filename=built.filename, sheets=built.sheets)


@login_required
@reads_from_replica()
def target_export(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, "targets")


@roles_required(*COORDINATORS)
@reads_from_replica()
def people_export(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, "people")


@login_required
@reads_from_replica()
def issue_export(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, "issues")


@login_required
@reads_from_replica()
def visit_export(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, "visits")


@login_required
@reads_from_replica()
def pairing_export(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, "pairings")


@login_required
@reads_from_replica()
def coverage_export(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, "coverage")


@login_required
@reads_from_replica()
def ranking_export(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, "ranking")


@login_required
@reads_from_replica()
def review_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    params = request.GET.copy()
    params["meeting"] = str(pk)
    built = EXPORTS["review"](person_of(request), params)
    return xlsx_stream_response(filename=built.filename, sheets=built.sheets)


@roles_required(*IMPORTERS)
@reads_from_replica()
def manual_value_export(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, "manual_values")
