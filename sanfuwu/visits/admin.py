from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from sanfuwu.core.admin_scope import ScopedAdmin
from sanfuwu.people.models import Person
from sanfuwu.visits.campaigns import campaigns_visible_to
from sanfuwu.visits.models import Campaign, CampaignGroup, CampaignTarget, Pairing, Policy, Visit
from sanfuwu.visits.selectors import pairings_visible_to, visits_visible_to
from sanfuwu.visits.services import pairing_check


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("title", "issuer", "issued_on", "active")
    list_filter = ("active", "issuer")
    search_fields = ("title", "summary")


@admin.register(Visit)
class VisitAdmin(ScopedAdmin):
    """Read-only: visits are recorded in the portal, where the problems become issues."""

    list_display = ("visited_at", "form", "region", "recorded_by")
    list_filter = ("form",)
    date_hierarchy = "visited_at"

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        assert isinstance(request.user, Person)
        return qs.filter(pk__in=visits_visible_to(request.user).values("pk"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Pairing)
class PairingAdmin(ScopedAdmin):
    list_display = ("target", "person", "department", "frequency", "starts_on", "ends_on")
    list_filter = ("frequency",)
    search_fields = ("target__name", "person__name")
    raw_id_fields = ("target", "person")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        base = super().get_form(request, obj, change, **kwargs)
        assert isinstance(request.user, Person)
        actor: Person = request.user

        class ScopedPairingForm(base):  # type: ignore[valid-type,misc]
            def _post_clean(self) -> None:
                super()._post_clean()
                try:
                    pairing_check(self.instance, actor=actor)
                except ValidationError as error:
                    self._update_errors(error)

        return ScopedPairingForm

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        assert isinstance(request.user, Person)
        return qs.filter(pk__in=pairings_visible_to(request.user).values("pk"))


class CampaignGroupInline(admin.TabularInline):
    model = CampaignGroup
    extra = 0
    filter_horizontal = ("members",)


@admin.register(Campaign)
class CampaignAdmin(ScopedAdmin):
    list_display = ("name", "starts_on", "ends_on", "region")
    inlines = [CampaignGroupInline]

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        assert isinstance(request.user, Person)
        return qs.filter(pk__in=campaigns_visible_to(request.user).values("pk"))


@admin.register(CampaignTarget)
class CampaignTargetAdmin(ScopedAdmin):
    list_display = ("target", "group", "campaign")
    list_filter = ("campaign", "group")
    raw_id_fields = ("target",)

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        assert isinstance(request.user, Person)
        return qs.filter(campaign__in=campaigns_visible_to(request.user).values("pk"))
