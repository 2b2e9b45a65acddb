"""The framework's floor for `bench.http`: the least a signed-in request can cost on this server,
with the same middleware, session and database as every page. Mounted only when
SANFUWU_BENCH_FLOOR is set; the benchmark creates the one table it writes to."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sanfuwu.issues.models import Issue

TABLE = "bench_floor"


def floor_table_create() -> None:
    key = (
        "bigserial PRIMARY KEY" if connection.vendor == "postgresql" else "integer PRIMARY KEY AUTOINCREMENT"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id {key}, at timestamp NOT NULL, body text NOT NULL)"
        )


@require_POST
@login_required
def floor_insert(request: HttpRequest) -> HttpResponse:
    """One row written, as small as an intake could be."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (at, body) VALUES (%s, %s)", [timezone.now(), request.body.decode()]
        )
    return JsonResponse({"ok": True}, status=201)


@require_GET
@login_required
def floor_read(request: HttpRequest) -> HttpResponse:
    """Twenty-five issues read by their primary key, as small as a list page could be."""
    rows = list(Issue.objects.order_by("-id").values("id", "number", "title", "status", "due_date")[:25])
    return HttpResponse(json.dumps(rows, default=str, ensure_ascii=False), content_type="application/json")
