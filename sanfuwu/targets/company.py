"""What an enterprise account reads of its own enterprise: the issues raised by or about it, the
visits to it and the policies explained there; never another's, never the office's notes."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from sanfuwu.issues.models import Issue
from sanfuwu.targets.models import EnterpriseAccount
from sanfuwu.visits.models import Visit


def company_issues(account: EnterpriseAccount) -> QuerySet[Issue]:
    return (
        Issue.objects.filter(target=account.target)
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
        .prefetch_related("departments", "policies", "visitors")
        .order_by("-visited_at", "-pk")
    )
