"""The command line right after installation, before any database is built: a command that needs
the database says so in one Chinese line with the command to run, never a traceback, and
`sanfuwu workdays` answers from the holiday package alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNBUILT = "数据库尚未建立，请先运行：sanfuwu migrate（或 make demo）"


def sanfuwu(tmp_path: Path, *args: str, database: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SANFUWU_VAR_DIR": str(tmp_path / "var"),
        "SANFUWU_DATABASE_URL": database or f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "sanfuwu", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_workdays_answers_right_after_installation(tmp_path: Path) -> None:
    done = sanfuwu(tmp_path, "workdays", "2025-04-30", "3")
    # 五一 holidays run from 1 to 5 May 2025; 4 May is none, 27 April was the make-up Sunday.
    assert (done.returncode, done.stdout.strip()) == (0, "2025-05-08"), done.stderr
    assert "Traceback" not in done.stderr


def test_workdays_still_refuses_a_year_nobody_has_entered(tmp_path: Path) -> None:
    done = sanfuwu(tmp_path, "workdays", "2099-04-30", "3")
    assert done.returncode == 1 and "2099 年" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["rollup_scores"],
        ["supervise_overdue"],
        ["export", "targets", "out.xlsx"],
        ["import", "targets", "missing.xlsx"],
        ["bulletin", "out.docx", "--period", "2025-10"],
        ["createsuperuser", "--noinput", "--username", "root"],
        ["serve", "--port", "8799"],
    ],
    ids=lambda a: a[0],
)
def test_a_command_that_needs_the_database_says_how_to_build_it(tmp_path: Path, args: list[str]) -> None:
    done = sanfuwu(tmp_path, *args)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == UNBUILT, done.stderr
    assert "Traceback" not in done.stderr and "unapplied migration" not in done.stderr


def test_a_database_that_cannot_be_opened_is_named_with_what_to_check(tmp_path: Path) -> None:
    done = sanfuwu(
        tmp_path, "rollup_scores", database=f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.sqlite3'}"
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "无法连接数据库" in done.stderr and "SANFUWU_DATABASE_URL" in done.stderr


def test_after_migrating_the_same_command_runs(tmp_path: Path) -> None:
    assert sanfuwu(tmp_path, "migrate", "-v", "0").returncode == 0
    done = sanfuwu(tmp_path, "rollup_scores")
    assert done.returncode == 0, done.stderr
    assert UNBUILT not in done.stderr


def test_an_unknown_command_is_named_as_such_not_blamed_on_the_database(tmp_path: Path) -> None:
    done = sanfuwu(tmp_path, "nosuchcommand")
    assert done.returncode == 1 and "Unknown command" in done.stderr and UNBUILT not in done.stderr
