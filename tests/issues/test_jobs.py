"""The job queue: periodic overdue flagging, Redis at scale, and threads inside `sanfuwu serve`."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from huey import RedisHuey, SqliteHuey

from sanfuwu.core.jobs import queue
from sanfuwu.issues import jobs as issue_jobs
from sanfuwu.issues.models import Issue, Status
from sanfuwu.issues.tasks import issues_flag_overdue
from tests.issues.conftest import issue_in


def _late_issue(cast) -> Issue:
    issue = issue_in(Status.IN_PROGRESS, cast)
    Issue.objects.filter(pk=issue.pk).update(due_date=timezone.localdate() - timedelta(days=2))
    return issue


def test_it_schedules_overdue_flagging_every_hour() -> None:
    periodic = {task.name for task in queue._registry.periodic_tasks}
    # The job carries the name of the service it runs, so that a worker's log names what ran.
    assert "issues_flag_overdue" in periodic
    every_hour = [timezone.now().replace(hour=h, minute=7, second=0, microsecond=0) for h in range(24)]
    assert all(issue_jobs.issues_flag_overdue.task_class().validate_datetime(moment) for moment in every_hour)
    assert not issue_jobs.issues_flag_overdue.task_class().validate_datetime(every_hour[0].replace(minute=8))


@pytest.mark.django_db
def test_it_flags_late_issues_when_the_periodic_job_runs(cast) -> None:
    issue = _late_issue(cast)
    issue_jobs.issues_flag_overdue()
    issue.refresh_from_db()
    assert issue.supervised
    assert issue.events.filter(action="supervise", actor=None).count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_job_queued_in_redis(cast) -> None:
    redis_queue = RedisHuey(f"sanfuwu-test-{uuid.uuid4().hex}", url="redis://127.0.0.1:6379/0")
    job = redis_queue.task()(issues_flag_overdue)
    issue = _late_issue(cast)
    try:
        result = job()
        assert redis_queue.pending_count() == 1
        redis_queue.execute(redis_queue.dequeue())
        assert result.get() == 1
        issue.refresh_from_db()
        assert issue.supervised
    finally:
        redis_queue.storage.flush_all()


@pytest.mark.django_db(transaction=True)
def test_it_runs_jobs_in_threads_of_the_serving_process(cast, tmp_path: Path) -> None:
    from sanfuwu.core import jobs

    file_queue = SqliteHuey("sanfuwu-test", filename=str(tmp_path / "jobs.sqlite3"))
    job = file_queue.task()(issues_flag_overdue)
    issue = _late_issue(cast)
    original = jobs.queue
    jobs.queue = file_queue
    try:
        running = jobs.start_in_process(workers=1)
        job()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not Issue.objects.get(pk=issue.pk).supervised:
            time.sleep(0.1)
        running.stop()
    finally:
        jobs.queue = original
    assert Issue.objects.get(pk=issue.pk).supervised


def test_it_refreshes_the_planners_statistics_every_night() -> None:
    from sanfuwu.core import jobs as core_jobs

    assert "database_statistics" in {task.name for task in queue._registry.periodic_tasks}
    night = timezone.now().replace(hour=4, minute=41, second=0, microsecond=0)
    assert core_jobs.database_statistics.task_class().validate_datetime(night)
    assert not core_jobs.database_statistics.task_class().validate_datetime(night.replace(hour=5))
