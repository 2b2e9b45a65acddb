"""The demo's visits agree with its pairings, its issues and its campaign; its horse race has six
months of rankings in both leagues, an economic indicator with targets and a closed review."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone

from sanfuwu.core.demokit import demo_build
from sanfuwu.issues.models import Issue, Source
from sanfuwu.targets.models import Target, TargetKind
from sanfuwu.targets.selectors import targets_visible_to
from sanfuwu.visits.campaigns import campaign_progress
from sanfuwu.visits.coverage import coverage
from sanfuwu.visits.models import Campaign, Pairing, Policy, Visit, VisitTarget

TODAY = date(2025, 11, 14)


def test_the_demo_visits_and_horse_race_hold_together(db):
    demo_build(seed=2025, today=TODAY, out=io.StringIO())
    firms = Target.objects.filter(kind=TargetKind.ENTERPRISE)
    # Every enterprise is paired, and every person can reach what they are paired with.
    assert set(Pairing.objects.values_list("target_id", flat=True)) >= set(firms.values_list("pk", flat=True))
    for pairing in Pairing.objects.filter(person__isnull=False).select_related("person"):
        assert pairing.person is not None
        assert targets_visible_to(pairing.person).filter(pk=pairing.target_id).exists(), pairing
    # Six months of visits, none in the future; most pairings met last month, with some gaps.
    assert Visit.objects.count() > 2000 and Policy.objects.count() >= 5
    assert not Visit.objects.filter(visited_at__gt=timezone.now()).exists()
    last_month = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
    month_end = TODAY.replace(day=1) - timedelta(days=1)
    results = [
        r for r in coverage(Pairing.objects.all(), start=last_month, end=month_end, today=TODAY) if r.counted
    ]
    met = sum(r.fulfilled for r in results) / len(results)
    assert 0.75 < met < 1.0
    # Each issue raised on a visit points at a visit of its registrar to its target, before it.
    from_visits = Issue.objects.filter(source=Source.VISIT, registered_by__isnull=False, target__isnull=False)
    assert from_visits.exists() and not from_visits.filter(visit__isnull=True).exists()
    for issue in from_visits.select_related("visit")[:500]:
        assert issue.visit is not None and issue.visit.visited_at <= issue.registered_at
        assert issue.visit.visitors.filter(pk=issue.registered_by_id or 0).exists()
        assert VisitTarget.objects.filter(visit=issue.visit, target_id=issue.target_id or 0).exists()
    # Visit dates are copied as Beijing days.
    for row in VisitTarget.objects.select_related("visit")[:300]:
        assert row.visited_on == timezone.localdate(row.visit.visited_at)
    # The campaign: ten groups over the 160 key enterprises, most visited, problems collected.
    campaign = Campaign.objects.get()
    groups = campaign_progress(campaign)
    assert len(groups) == 10 and sum(g.assigned for g in groups) == firms.filter(is_key=True).count() == 160
    assert sum(g.visited for g in groups) > 120 and sum(g.collected for g in groups) > 0
    # Leaders' research stays carry reports.
    assert Visit.objects.exclude(report="").annotate(n=Count("visitors")).filter(n__gte=1).count() > 5

    # Six months of rankings in both leagues, with movement after the first.
    from sanfuwu.core.periods import previous_span, span_bounds
    from sanfuwu.scoring.models import Indicator, League, ManualValue, ReviewMeeting, UnitTarget
    from sanfuwu.scoring.models import Source as IndicatorSource
    from sanfuwu.scoring.standings import league_board

    for league in League.values:
        weights = sum(Indicator.objects.filter(league=league, active=True).values_list("weight", flat=True))
        assert weights == 100
    month = TODAY.replace(day=1)
    moved = 0
    for _ in range(6):
        month = (month - timedelta(days=1)).replace(day=1)
        start, end = span_bounds("month", f"{month:%Y-%m}", TODAY)
        for league in League.values:
            board = league_board(league, start, end, previous=previous_span("month", start))
            ranked = [s for s in board.standings if s.rank is not None]
            assert len(ranked) >= (4 if league == League.TERRITORY else 10), (league, month)
            moved += sum(1 for s in ranked if s.movement)
    assert moved > 0
    manual = Indicator.objects.get(source=IndicatorSource.MANUAL)
    assert ManualValue.objects.filter(indicator=manual).count() >= 4 * 5
    assert UnitTarget.objects.filter(indicator=manual).count() >= 4
    closed = ReviewMeeting.objects.filter(closed_at__isnull=False).get()
    assert Indicator.objects.get(source=IndicatorSource.REVIEW).meeting == closed
    assert closed.criteria.count() == 3 and closed.evaluators.count() == 5
