"""A worker killed in the middle of a job: the job is queued again when a worker starts, and what
it does happens once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from redis import Redis

from sanfuwu.core.jobs import JobInFlight, jobs_recover, queue
from sanfuwu.imports.jobs import run_import
from sanfuwu.imports.kinds import KINDS
from sanfuwu.imports.models import ImportRun, RunState
from sanfuwu.imports.runs import import_run_create
from sanfuwu.orgs.models import Category
from sanfuwu.people.models import Person
from sanfuwu.targets.models import Target
from tests.conftest import World
from tests.imports.helpers import header_of, row_of, workbook

REDIS = "redis://127.0.0.1:6379/15"
ROOT = Path(__file__).resolve().parents[2]


@queue.task()
def open_category(code: str, department_id: int) -> bool:
    """A job with an effect, claimed compare-and-set as every job of the product claims its work."""
    _category, created = Category.objects.get_or_create(
        code=code, defaults={"name": "补录类别", "default_department_id": department_id}
    )
    return created


def _dead_pid() -> int:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return finished.pid


@pytest.mark.django_db
def test_a_job_whose_worker_died_runs_again_and_its_effect_happens_once(world: World) -> None:
    task = open_category.s("heating", world.jianshe.pk)
    JobInFlight.objects.create(task_id=task.id, name=task.name, message=queue.serialize_task(task),
                               claimed_by=f"{os.uname().nodename}:{_dead_pid()}")  # fmt: skip
    assert jobs_recover() == 1  # queued again, and (under test) run at once
    assert Category.objects.filter(code="heating").count() == 1
    assert not JobInFlight.objects.exists()
    assert jobs_recover() == 0


@pytest.mark.django_db
def test_a_job_still_running_elsewhere_is_left_alone(world: World) -> None:
    task = open_category.s("gas", world.jianshe.pk)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        JobInFlight.objects.create(task_id=task.id, name=task.name, message=queue.serialize_task(task),
                                   claimed_by=f"{os.uname().nodename}:{alive.pid}")  # fmt: skip
        assert jobs_recover() == 0 and JobInFlight.objects.count() == 1
        assert not Category.objects.filter(code="gas").exists()
    finally:
        alive.kill()
        alive.wait()


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "sanfuwu"), "worker", "--workers", "1"], env=env, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip


def _until(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_a_redis_worker_killed_mid_import_leaves_nothing_and_the_restarted_worker_settles_it(
    world: World, admin_person: Person
) -> None:
    redis = Redis.from_url(REDIS)
    redis.flushdb()
    rows = [
        row_of("targets", 名称=f"队列测试企业{n:05d}", 类型="社区", 所属区域="下沙街道") for n in range(4000)
    ]
    run = import_run_create(actor=admin_person, kind=KINDS["targets"], filename="排队.xlsx",
                            data=workbook(header_of("targets"), rows), dry_run=False)  # fmt: skip
    ImportRun.objects.filter(pk=run.pk).update(confirmed=True)
    from huey.storage import RedisStorage

    RedisStorage(name="sanfuwu", url=REDIS).enqueue(queue.serialize_task(run_import.s(run.pk)))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sanfuwu.settings", "SANFUWU_REDIS_URL": REDIS,
           "SANFUWU_DATABASE_URL": _database_url()}  # fmt: skip
    connection.close()
    first = _worker(env)
    try:
        _until(lambda: JobInFlight.objects.filter(name__endswith="run_import").exists())
        _until(lambda: ImportRun.objects.get(pk=run.pk).state == RunState.RUNNING)
        time.sleep(1.0)  # writing, in its transaction
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    job = JobInFlight.objects.get()
    assert job.claimed_by.endswith(f":{first.pid}")
    assert Target.objects.count() == 3

    second = _worker(env)
    try:
        _until(
            lambda: (
                not JobInFlight.objects.exists() and ImportRun.objects.get(pk=run.pk).state == RunState.FAILED
            )
        )
        time.sleep(1.0)  # the job queued again has run: it finds its run settled and leaves it
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        output = second.communicate(timeout=30)[0]
    assert "重新排队" in output and "已标记为出错" in output
    assert Target.objects.count() == 3, "nothing of the killed import, and no second import"
    assert "被中断" in ImportRun.objects.get(pk=run.pk).message
    redis.flushdb()
