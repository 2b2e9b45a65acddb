"""集中走访 progress: per group, targets visited of those assigned and the problems they raised."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from sanfuwu.issues.models import DONE_STATUSES, Issue
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.visits.coverage import visit_company
from sanfuwu.visits.models import Campaign, CampaignGroup, CampaignTarget, VisitTarget


def campaigns_visible_to(person: Person) -> QuerySet[Campaign]:
    qs = Campaign.objects.select_related("region")
    scope = scope_of(person)
    if scope.everything:
        return qs
    visible = Q(groups__members=person)
    if person.region_id and scope.region is not None:
        visible |= Q(region_id__in=scope.region_ids())
    if person.department_id:
        visible |= Q(groups__lead_department_id=person.department_id)
    return qs.filter(visible).distinct()


def campaign_get_for(person: Person, pk: int) -> Campaign:
    try:
        return campaigns_visible_to(person).get(pk=pk)
    except Campaign.DoesNotExist:
        raise Http404("没有找到该集中走访") from None


@dataclass
class GroupProgress:
    group: CampaignGroup
    assigned: int = 0
    visited: int = 0
    collected: int = 0
    resolved: int = 0

    @property
    def visit_rate(self) -> float | None:
        return self.visited / self.assigned if self.assigned else None

    @property
    def resolve_rate(self) -> float | None:
        return self.resolved / self.collected if self.collected else None


def campaign_progress(campaign: Campaign) -> list[GroupProgress]:
    """A target counts as visited by its group when, within the campaign, a member went, someone of
    the lead department went, or the lead department came along."""
    groups = list(campaign.groups.select_related("lead_department").prefetch_related("members"))
    progress = {g.pk: GroupProgress(group=g) for g in groups}
    target_group: dict[int, int] = {}
    for group_id, target_id in CampaignTarget.objects.filter(campaign=campaign).values_list(
        "group_id", "target_id"
    ):
        target_group[target_id] = group_id
        progress[group_id].assigned += 1
    members = {g.pk: {m.pk for m in g.members.all()} for g in groups}
    leads = {g.pk: g.lead_department_id for g in groups}
    rows = VisitTarget.objects.filter(
        target_id__in=list(target_group), visited_on__gte=campaign.starts_on, visited_on__lte=campaign.ends_on
    ).values_list("visit_id", "target_id")
    people, departments = visit_company({visit_id for visit_id, _ in rows})
    counted_visits: set[int] = set()
    visited: set[int] = set()
    for visit_id, target_id in rows:
        group_id = target_group[target_id]
        if people[visit_id] & members[group_id] or leads[group_id] in departments[visit_id]:
            counted_visits.add(visit_id)
            visited.add(target_id)
    for target_id in visited:
        progress[target_group[target_id]].visited += 1
    issues = Issue.objects.filter(visit_id__in=counted_visits, target_id__in=list(target_group))
    for target_id, status in issues.values_list("target_id", "status"):
        group = progress[target_group[target_id]]
        group.collected += 1
        group.resolved += status in DONE_STATUSES
    return [progress[g.pk] for g in groups]
