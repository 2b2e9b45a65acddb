"""A sheet of 200,000 blank rows (formatting carried down the sheet) or of 200,000 one-cell rows:
the import runs in a process of its own, its peak memory stays under 300 MB, and meanwhile another
person's action on an issue goes through at once, on SQLite, because reading and checking a file
never holds the database's write lock for longer than one batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from sanfuwu.issues.models import Issue
from sanfuwu.issues.workflow import issue_act
from sanfuwu.people.models import Role
from tests.conftest import make_person
from tests.imports.bigsheets import big_sheet
from tests.imports.helpers import header_of
from tests.issues.conftest import Cast, new_issue
from tests.issues.conftest import cast as cast  # the fixture, used by the test below

ROOT = Path(__file__).resolve().parents[2]
ROWS = 200_000
PEAK_MB = 300
# Another person waits at most for one batch of the check; the old import held the lock for the
# whole file, and SQLite gave up on them after 20 s.
PROMPT = 5.0


def _database_url() -> str:
    """The test database, for the process beside the test (SQLite here; PostgreSQL on CI too)."""
    given = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{given['NAME']}"
    auth = f"{given['USER']}:{given['PASSWORD']}" if given["PASSWORD"] else given["USER"]
    return f"postgres://{auth}@{given['HOST'] or 'localhost'}:{given['PORT'] or 5432}/{given['NAME']}"


def _import_beside(tmp_path: Path, shape: str) -> subprocess.Popen[str]:
    path = tmp_path / f"{shape}.xlsx"
    path.write_bytes(big_sheet(header_of("targets"), ROWS, shape))
    env = {
        **os.environ,
        "SANFUWU_DATABASE_URL": _database_url(),
        "SANFUWU_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.imports.measure_import", "targets", str(path), "importer"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("shape", ["blank", "one-cell"])
def test_a_sheet_of_200000_useless_rows_stays_small_and_lets_others_act(
    cast: Cast, tmp_path: Path, shape: str
) -> None:
    make_person("importer", [Role.ADMIN], region=cast.world.district)
    issue = new_issue(cast)
    leader = cast.people[Role.LEADER]
    process = _import_beside(tmp_path, shape)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "started", process.stderr.read() if process.stderr else ""
    waits: list[float] = []
    during = 0
    while process.poll() is None or not waits:
        version = Issue.objects.get(pk=issue.pk).version
        began = time.monotonic()
        issue_act(
            issue=issue,
            action="instruct",
            actor=leader,
            version=version,
            text=f"请抓紧办理（{len(waits) + 1}）。",
        )
        waits.append(time.monotonic() - began)
        during += process.poll() is None
        time.sleep(1.0)  # a person's pace; the import keeps the machine's cores
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["state"] == "refused"
    if shape == "blank":
        assert result["message"] == "工作簿中没有可导入的数据行。"
    else:
        # Each row lacks 类型 and 所属区域: all counted, the first 500 kept, the marked file written.
        assert (result["rows"], result["error_count"], result["errors_kept"]) == (ROWS, 2 * ROWS, 500)
        assert result["report"] and during >= 1
    assert result["peak_mb"] < PEAK_MB, result
    assert max(waits) < PROMPT, waits
    connection.close()
