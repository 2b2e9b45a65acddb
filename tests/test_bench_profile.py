"""What `bench.http` writes beside a page that misses its target: the targets themselves, and a
profile that times the page's queries, explains the slowest and splits the Python time by part."""

from __future__ import annotations

import json

import pytest

from bench.profile import _python_parts, met, profile, target_of
from sanfuwu.people.models import Person

TEMPLATE = ("/v/django/template/base.py", 1, "render")
OURS = ("/v/sanfuwu/portal/views/x.py", 1, "page")
GETATTR = ("~", 0, "<built-in method builtins.getattr>")


def test_it_holds_the_issues_targets() -> None:
    assert target_of("floor_read") is None
    assert target_of("work_pending") == ("p95", 50.0)
    assert target_of("triage") == ("p95", 50.0)
    assert target_of("dashboard") == ("p95", 300.0)
    assert target_of("street_list") == ("p95", 100.0)
    assert target_of("intake_issue") == ("ratio", 0.5)


def test_it_judges_a_page_by_its_p95_and_intake_by_its_ratio() -> None:
    assert met("work_pending", {"requests": 90, "p95_ms": 50.0}) is True
    assert met("work_pending", {"requests": 90, "p95_ms": 50.1}) is False
    assert met("street_list", {"requests": 90, "p95_ms": 99.0}) is True
    assert met("intake_issue", {"requests": 900, "p95_ms": 9000.0, "rps_to_floor": 0.5}) is True
    assert met("intake_issue", {"requests": 900, "p95_ms": 1.0, "rps_to_floor": 0.49}) is False
    assert met("triage", {}) is None  # no request answered: nothing to judge, not a pass


def test_it_gives_a_builtins_time_to_the_parts_that_called_it() -> None:
    table = {
        TEMPLATE: (1, 1, 0.001, 0.004, {}),
        OURS: (1, 1, 0.001, 0.003, {}),
        # getattr: 3 ms of its own, 2 of them spent for the template engine, 1 for our view
        GETATTR: (3, 3, 0.003, 0.003, {TEMPLATE: (2, 2, 0.002, 0.002), OURS: (1, 1, 0.001, 0.001)}),
    }
    parts, top = _python_parts(table)
    assert parts["templates"] == pytest.approx(3 / 5)
    assert parts["our code"] == pytest.approx(2 / 5)
    assert "other" not in parts
    assert top[0][0].endswith("builtins.getattr>")


@pytest.mark.django_db
def test_it_profiles_a_page_with_its_queries_and_the_slowest_ones_plan(leader: Person) -> None:
    found = profile(leader.username, "GET", "/issues/")
    assert found.ms > 0
    assert found.queries and all(q.ms >= 0 for q in found.queries)
    assert found.plan, "the slowest read is explained"
    assert sum(found.parts.values()) == pytest.approx(1.0)
    summary = found.as_json()
    assert summary["queries"] == len(found.queries)
    assert (
        str(summary["slowest_sql"]).lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "SAVEPOINT"))
    )


def test_it_writes_the_runs_figures_as_json_one_row_a_line() -> None:
    from bench.http import json_compact

    result = {
        "meta": {"db": "postgresql", "issues": 1_003_000},
        "rows": [{"name": "下沙", "p95_ms": 1.5}, {"n": 2}],
    }
    text = json_compact(result)
    assert json.loads(text) == result
    assert len(text.splitlines()) == 3 + 2, "the meta, the rows' opening and closing, one line per row"
    assert "下沙" in text
