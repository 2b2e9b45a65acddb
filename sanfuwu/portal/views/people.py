from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sanfuwu.core.routing import reads_from_replica
from sanfuwu.people.filters import PeopleFilterForm, people_rows_for
from sanfuwu.people.models import RoleGrant
from sanfuwu.people.roles import COORDINATORS
from sanfuwu.portal.access import person_of, roles_required


@roles_required(*COORDINATORS)
@reads_from_replica()
def people_list(request: HttpRequest) -> HttpResponse:
    """Who is who and how to reach them: dispatchers look up handlers, leaders their cadres."""
    person = person_of(request)
    form = PeopleFilterForm(request.GET or None)
    qs = people_rows_for(person, request.GET).prefetch_related(
        Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role"))
    )
    page = Paginator(qs, settings.SANFUWU_PAGE_SIZE * 2)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/list.html",
        {"form": form, "page": page.get_page(request.GET.get("page")), "query": query.urlencode()},
    )
