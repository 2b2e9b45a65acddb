"""The target list's filters, read from its query: what the page shows and its export writes."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import QueryDict

from sanfuwu.people.models import Person
from sanfuwu.targets.forms import TargetFilterForm
from sanfuwu.targets.models import Target, TargetKind
from sanfuwu.targets.selectors import TargetFilter, target_search


def target_filter_from(form: TargetFilterForm, *, kind: str | None = None) -> TargetFilter:
    """Filters from the valid fields; an invalid one is shown at its field and not applied. The
    list opens on enterprises; `kind` overrides the form's, "all" meaning every kind."""
    form.is_valid()
    d = getattr(form, "cleaned_data", {})
    chosen = kind if kind is not None else (d.get("kind") or TargetKind.ENTERPRISE)
    return TargetFilter(
        q=d.get("q", ""), kind="" if chosen == "all" else chosen, industry=d.get("industry", ""),
        region=d.get("region"), grid=d.get("grid"), is_key={"1": True, "0": False}.get(d.get("key", "")),
    )  # fmt: skip


def target_rows_for(person: Person, params: QueryDict) -> QuerySet[Target]:
    """The list's rows as its filters choose them, within the reader's scope."""
    return target_search(person, target_filter_from(TargetFilterForm(params or None, actor=person)))
