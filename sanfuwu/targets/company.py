"""What an enterprise account reads of its own enterprise: the issues it raised itself, the
visits to it and the policies explained there; never another's, never the office's notes."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from sanfuwu.issues.models import Issue, Source
from sanfuwu.people.models import Person
from sanfuwu.targets.models import EnterpriseAccount
from sanfuwu.visits.models import Visit


def company_issues(account: EnterpriseAccount) -> QuerySet[Issue]:
    """What the enterprise itself raised: through its accounts, or to the cadres visiting it. Never
    what others raised about it (a resident's complaint, a hotline call): those stay with the office,
    and so does who raised them."""
    own = Q(registered_by__enterprise_account__target=account.target) | Q(
        source=Source.VISIT, visit__isnull=False
    )
    return (
        Issue.objects.filter(target=account.target)
        .filter(own)
        .select_related("category", "lead_department")
        .order_by("-registered_at", "-pk")
    )


def company_issue_get(account: EnterpriseAccount, pk: int) -> Issue:
    """One of the enterprise's issues; any other is missing, alike."""
    try:
        return company_issues(account).get(pk=pk)
    except Issue.DoesNotExist:
        raise Http404("没有找到该问题") from None


def company_visits(account: EnterpriseAccount) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(targets=account.target)
        .prefetch_related(
            "departments",
            "policies",
            Prefetch("visitors", queryset=Person.objects.select_related("region", "department")),
        )
        .order_by("-visited_at", "-pk")
    )
