"""Background jobs and periodic work, on huey.

Embedded (the default): the queue is a SQLite file in var/ and `sanfuwu serve` runs its workers and
scheduler as threads of the web process. At scale (SANFUWU_REDIS_URL set): the queue lives in Redis
and `sanfuwu worker` processes run it. Under test the queue runs each job at once, in the caller.

Apps declare their jobs in a `jobs.py` module, which `load_jobs()` imports so that every worker
knows the same jobs whatever started it.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.api import PeriodicTask, Task
from huey.consumer import Consumer

from sanfuwu.core.models import JobInFlight

log = logging.getLogger(__name__)


def make_queue() -> Huey:
    if settings.SANFUWU_REDIS_URL:
        return RedisHuey("sanfuwu", url=settings.SANFUWU_REDIS_URL)
    return SqliteHuey("sanfuwu", filename=str(settings.VAR_DIR / "jobs.sqlite3"))


queue = make_queue()


@queue.pre_execute()
def _fresh_connection(task: Task) -> None:
    # A worker thread lives for days; never hand a job a connection the database has dropped.
    # An immediate job runs inside its caller's request or transaction: leave that connection be.
    if not queue.immediate:
        close_old_connections()
        if not isinstance(task, PeriodicTask):  # a periodic job comes round again by itself
            _in_flight_remember(task)


@queue.post_execute()
def _release_connection(task: Task, task_value: object, exc: BaseException | None) -> None:
    if not queue.immediate:
        # A connection the database dropped (the job may have failed for it) is replaced first.
        close_old_connections()
        JobInFlight.objects.filter(task_id=task.id).delete()
    if exc is not None:
        log.error("job %s failed: %s", task.name, exc)


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def process_gone(claimed_by: str, started_at: datetime | None, *, other_hosts_after: timedelta) -> bool:
    """Whether the process named host:pid no longer runs, asked as a server or worker starts. Only
    this machine's processes can be asked; another machine's is taken as gone once its work is far
    older than any should be. Our own pid is a predecessor's (a container restarted as pid 1 again):
    nothing of ours runs yet."""
    host, _sep, pid = claimed_by.rpartition(":")
    if claimed_by == this_process():
        return True
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    return started_at is None or started_at < timezone.now() - other_hosts_after


def _in_flight_remember(task: Task) -> None:
    JobInFlight.objects.update_or_create(
        task_id=task.id,
        defaults={"name": task.name, "message": queue.serialize_task(task), "claimed_by": this_process(),
                  "started_at": timezone.now()},
    )  # fmt: skip


def jobs_recover() -> int:
    """At a worker's start: the jobs whose worker died while running them are queued again."""
    again = 0
    for job in JobInFlight.objects.all():
        if not process_gone(job.claimed_by, job.started_at, other_hosts_after=timedelta(hours=6)):
            continue
        # Compare-and-set: two workers starting at once queue it once.
        if JobInFlight.objects.filter(task_id=job.task_id, claimed_by=job.claimed_by).delete()[0]:
            log.warning("job %s was cut off in %s; queued again", job.name, job.claimed_by)
            queue.enqueue(queue.deserialize_task(bytes(job.message)))
            again += 1
    return again


def load_jobs() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("sanfuwu.") and find_spec(f"{config.name}.jobs"):
            import_module(f"{config.name}.jobs")


def consumer(*, workers: int) -> Consumer:
    load_jobs()
    # An idle thread looks for work at least every second: an import handed in on the page starts
    # at once rather than after the default ten-second back-off.
    return Consumer(queue, workers=workers, worker_type="thread", periodic=True, max_delay=1.0)


def start_in_process(*, workers: int = 2) -> Consumer:
    """Run the queue in daemon threads of this process, leaving its signals to the web server."""
    running = consumer(workers=workers)
    running.scheduler.start()
    for _, worker in running.worker_threads:
        worker.start()
    return running


@queue.periodic_task(crontab(hour="4", minute="41"))
def database_statistics() -> bool:
    from sanfuwu.core.dbstats import database_analyze

    return database_analyze()
