"""The board's first rows, read per status and merged, are the first rows of the whole board."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from sanfuwu.issues.home import _first_on_board, _supervised_open
from sanfuwu.issues.models import Issue, Status
from tests.issues.conftest import Cast, issue_in


def test_the_merged_first_rows_are_the_whole_boards_first_rows(cast: Cast) -> None:
    today = timezone.localdate()
    made = []
    for n, status in enumerate(
        [Status.ASSIGNED, Status.IN_PROGRESS, Status.LONG_TERM, Status.IN_PROGRESS] * 3
    ):
        made.append(issue_in(status, cast))
        due = None if status == Status.LONG_TERM else today + timedelta(days=(n * 7) % 5 - 2)
        Issue.objects.filter(pk=made[-1].pk).update(supervised=True, due_date=due)
    issue_in(Status.CLOSED, cast)  # off the board once closed, flagged or not
    board = _supervised_open(Issue.objects.all())
    everything = sorted(board, key=lambda i: (i.due_date is None, i.due_date or today, i.registered_at, i.pk))
    for n in (1, 3, 8, 20):
        assert [i.pk for i in _first_on_board(board, n=n)] == [i.pk for i in everything[:n]], n
    # Those without a deadline (long-term plans) come after every deadline.
    assert _first_on_board(board, n=20)[-1].due_date is None
