from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse


class ScopedAdmin(admin.ModelAdmin):
    """An admin whose every screen goes through the app's access function.

    Django's admin answers an object outside the queryset with a redirect and a message;
    here "missing" and "not yours" are the same 404, as everywhere else in the product.
    """

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scoped_queryset(request, super().get_queryset(request))

    def _require_visible(self, request: HttpRequest, object_id: str | None) -> None:
        if object_id is None:
            return
        try:
            found = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, TypeError):
            found = False
        if not found:
            raise Http404("没有找到该记录")

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        self._require_visible(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._require_visible(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)
