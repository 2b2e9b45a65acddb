from datetime import date

from django.core.management import call_command
from django.db import connection
from django.db.models import Q

from sanfuwu.core.dbstats import database_analyze
from sanfuwu.issues import tasks
from sanfuwu.issues.models import Issue, IssueEvent, Status, SupervisionLevel
from sanfuwu.issues.replay import issue_replay, issue_state
from sanfuwu.issues.tasks import issues_flag_overdue, late_unflagged
from sanfuwu.issues.workflow import issues_act_as_system
from sanfuwu.people.models import Role
from tests.issues.conftest import Cast, issue_in


def test_it_flags_late_issues_once_with_a_system_event(cast: Cast):
    late = issue_in(Status.IN_PROGRESS, cast)
    on_time = issue_in(Status.IN_PROGRESS, cast)
    Issue.objects.filter(pk=late.pk).update(due_date=date(2025, 3, 3))
    Issue.objects.filter(pk=on_time.pk).update(due_date=date(2099, 1, 1))
    assert issues_flag_overdue(today=date(2025, 3, 4)) == 1
    flagged = Issue.objects.get(pk=late.pk)
    assert flagged.supervised and flagged.supervision_level == "general"
    event = IssueEvent.objects.get(issue=late, seq=flagged.version)
    assert event.action == "supervise" and event.actor is None and "超期" in event.note
    assert not Issue.objects.get(pk=on_time.pk).supervised
    assert issues_flag_overdue(today=date(2025, 3, 4)) == 0


def test_it_leaves_an_issue_due_today_alone(cast: Cast):
    issue = issue_in(Status.ASSIGNED, cast)
    Issue.objects.filter(pk=issue.pk).update(due_date=date(2025, 3, 4))
    assert issues_flag_overdue(today=date(2025, 3, 4)) == 0


def test_the_command_reports_what_it_flagged(cast: Cast, capsys):
    issue = issue_in(Status.ASSIGNED, cast)
    Issue.objects.filter(pk=issue.pk).update(due_date=date(2020, 1, 2))
    call_command("supervise_overdue")
    assert "已挂牌督办 1 件" in capsys.readouterr().out


def test_it_flags_many_late_issues_in_a_few_statements_and_each_replays(
    cast: Cast, django_assert_max_num_queries
):
    late = [issue_in(Status.IN_PROGRESS if n % 2 else Status.ASSIGNED, cast) for n in range(12)]
    Issue.objects.filter(pk__in=[i.pk for i in late]).update(due_date=date(2025, 3, 3))
    tasks.BATCH = 5  # three batches
    try:
        # Per batch: the ids, the locked rows, one UPDATE, one INSERT of events, and telling the
        # people (the issues, their handlers, their departments' staff, the choices, the robots,
        # one INSERT of notices); plus the empty read.
        with django_assert_max_num_queries(3 * (4 + 6) + 1 + 6):
            assert issues_flag_overdue(today=date(2025, 3, 4)) == 12
    finally:
        tasks.BATCH = 1000
    for issue in Issue.objects.filter(pk__in=[i.pk for i in late]).prefetch_related("events"):
        assert issue.supervised and issue.supervision_level == SupervisionLevel.GENERAL
        events = list(issue.events.all())
        assert [e.seq for e in events] == list(range(1, issue.version + 1))
        assert (
            events[-1].action == "supervise"
            and events[-1].from_status == events[-1].to_status == issue.status
        )
        # The board's row is history the workflow could have written, step by step (but for the
        # deadline, which this test moved into the past by hand).
        replayed, state = issue_replay(events), issue_state(issue)
        assert {**replayed, "due_date": None} == {**state, "due_date": None}


def test_it_neither_reflags_nor_downgrades_an_issue_a_supervisor_put_on_the_board(cast: Cast):
    issue = issue_in(Status.IN_PROGRESS, cast)
    Issue.objects.filter(pk=issue.pk).update(due_date=date(2025, 3, 3))
    # Between the scan's reading of ids and its lock, a supervisor flags it 重点.
    cast.act(issue, "supervise", Role.SUPERVISOR, level=SupervisionLevel.KEY)
    still_late = Q(supervised=False)
    assert (
        issues_act_as_system(issue_ids=[issue.pk], action="supervise", still=still_late, level="general")
        == []
    )
    flagged = Issue.objects.get(pk=issue.pk)
    assert flagged.supervision_level == SupervisionLevel.KEY
    assert IssueEvent.objects.filter(issue=issue, action="supervise").count() == 1


def test_it_leaves_an_issue_the_rules_refuse_and_flags_the_rest(cast: Cast):
    late, resolved = issue_in(Status.IN_PROGRESS, cast), issue_in(Status.RESOLVED, cast)
    changed = issues_act_as_system(issue_ids=[late.pk, resolved.pk], action="supervise", level="general")
    assert changed == [late.pk]
    assert not Issue.objects.get(pk=resolved.pk).supervised
    assert Issue.objects.get(pk=resolved.pk).version == resolved.version


def test_an_hour_with_nothing_newly_late_costs_one_query(cast: Cast, django_assert_num_queries):
    issue_in(Status.IN_PROGRESS, cast)
    with django_assert_num_queries(1):
        assert issues_flag_overdue(today=date(2025, 3, 4)) == 0


def test_the_overdue_scan_can_read_its_partial_index(cast: Cast):
    issue_in(Status.IN_PROGRESS, cast)
    scan = Issue.objects.filter(late_unflagged(date(2025, 3, 4))).order_by("pk").values_list("pk", flat=True)
    sql, params = scan.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # SQLite matches a partial index only against literal terms of the query, never bound
            # values; INDEXED BY makes it say so ("no query solution") if this one could not serve.
            forced = sql.replace(
                'FROM "issues_issue"', 'FROM "issues_issue" INDEXED BY issue_late_unflagged', 1
            )
            cursor.execute(f"EXPLAIN QUERY PLAN {forced}", params)
            assert "issue_late_unflagged" in str(cursor.fetchall())
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            assert "issue_late_unflagged" in scan.explain()


def test_the_nightly_statistics_are_sqlites_to_keep(cast: Cast):
    issue_in(Status.IN_PROGRESS, cast)
    # PostgreSQL's autovacuum keeps its own; SQLite has none until ANALYZE runs.
    assert database_analyze() == (connection.vendor == "sqlite")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE idx = 'issue_late_unflagged'")
            assert cursor.fetchone()[0] == 1
