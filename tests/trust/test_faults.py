"""Faults survived with nothing lost: a process killed with SIGKILL in the middle of a large
import leaves no row of it behind, and the run is marked failed when a server or worker starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from sanfuwu.imports.kinds import KINDS
from sanfuwu.imports.models import ImportRun, RunState, StoredFile
from sanfuwu.imports.runs import import_run_create, import_runs_recover, this_process
from sanfuwu.people.models import Person
from sanfuwu.targets.models import Target
from tests.conftest import World
from tests.imports.helpers import header_of, row_of, workbook

pytestmark = pytest.mark.django_db(transaction=True)
ROWS = 4_000
RUN_IT = """
import sys, django
django.setup()
from sanfuwu.imports.runs import import_run_execute
import_run_execute(run_id=int(sys.argv[1]), progress=lambda done, total: print(done, flush=True))
"""


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_a_killed_import_writes_nothing_and_is_marked_failed_on_restart(
    world: World, admin_person: Person
) -> None:
    rows = [
        row_of("targets", 名称=f"中断测试企业{n:05d}", 类型="社区", 所属区域="下沙街道") for n in range(ROWS)
    ]
    run = import_run_create(actor=admin_person, kind=KINDS["targets"], filename="大名单.xlsx",
                            data=workbook(header_of("targets"), rows), dry_run=False)  # fmt: skip
    ImportRun.objects.filter(pk=run.pk).update(confirmed=True)  # checked before: straight to writing
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sanfuwu.settings",
        "SANFUWU_DATABASE_URL": _database_url(),
    }
    connection.close()
    worker = subprocess.Popen(
        [sys.executable, "-c", RUN_IT, str(run.pk)], env=env, stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert worker.stdout is not None
    for line in worker.stdout:
        if int(line) >= ROWS // 2:  # half the rows read: four batches of 500 written, uncommitted
            worker.send_signal(signal.SIGKILL)
            break
    assert worker.wait(timeout=60) == -signal.SIGKILL
    run.refresh_from_db()
    assert run.state == RunState.RUNNING and run.claimed_by.endswith(f":{worker.pid}")
    assert Target.objects.count() == 3, "none of the killed import's rows remain"

    assert import_runs_recover() == 1
    run.refresh_from_db()
    assert run.state == RunState.FAILED and "被中断" in run.message and "没有写入任何数据" in run.message
    assert not StoredFile.objects.filter(pk=run.upload_id or 0).exists()
    assert import_runs_recover() == 0, "marked once"


def test_a_run_of_a_live_process_is_left_alone(world: World, admin_person: Person) -> None:
    run = import_run_create(actor=admin_person, kind=KINDS["targets"], filename="小.xlsx",
                            data=workbook(header_of("targets"), []), dry_run=False)  # fmt: skip
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        host = this_process().rpartition(":")[0]
        ImportRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, claimed_by=f"{host}:{alive.pid}")
        assert import_runs_recover() == 0
        assert ImportRun.objects.get(pk=run.pk).state == RunState.RUNNING
    finally:
        alive.kill()
        alive.wait()


def test_a_run_claimed_by_this_very_pid_is_a_predecessors(world: World, admin_person: Person) -> None:
    # A container restarted runs its server as the same pid again: what that pid claimed is cut off.
    run = import_run_create(actor=admin_person, kind=KINDS["targets"], filename="重启.xlsx",
                            data=workbook(header_of("targets"), []), dry_run=False)  # fmt: skip
    ImportRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, claimed_by=this_process())
    assert import_runs_recover() == 1


def test_a_run_marked_cut_off_keeps_that_outcome_when_its_old_process_finishes(
    world: World, admin_person: Person
) -> None:
    from sanfuwu.imports.runs import _finish

    run = import_run_create(actor=admin_person, kind=KINDS["targets"], filename="迟到.xlsx",
                            data=workbook(header_of("targets"), []), dry_run=True)  # fmt: skip
    ImportRun.objects.filter(pk=run.pk).update(
        state=RunState.FAILED, claimed_by="other-host:1", message="被中断"
    )
    run.state, run.claimed_by = RunState.RUNNING, "other-host:1"
    _finish(run, state=RunState.CHECKED)
    assert ImportRun.objects.get(pk=run.pk).state == RunState.FAILED
