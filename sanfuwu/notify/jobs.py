"""The notification jobs; sanfuwu.core.jobs runs them."""

from __future__ import annotations

from datetime import datetime

from huey import crontab

from sanfuwu.core.jobs import queue
from sanfuwu.notify import outbox


@queue.task()
def deliver(receiver_id: int) -> int:
    outcome = outbox.receiver_deliver(receiver_id=receiver_id)
    if outcome.retry_at is not None:
        _later(receiver_id, outcome.retry_at)
    return outcome.sent


def _later(receiver_id: int, at: datetime) -> None:
    # In the embedded and the Redis queue alike; the minute's sweep is the net under it.
    if not queue.immediate:
        deliver.schedule((receiver_id,), eta=at)


@queue.periodic_task(crontab(minute="*"))
def deliveries_sweep() -> int:
    robots = outbox.deliveries_sweep()
    for pk in robots:
        deliver(pk)
    return len(robots)


# Hourly, like the overdue flagging: the worker's clock may not be on Beijing time. The first run
# past eight on a working day sends; the rest of the day's runs find the day marked and stop.
@queue.periodic_task(crontab(minute="17"))
def reminders_due() -> int:
    from sanfuwu.notify.reminders import reminders_due as send

    return send()


@queue.periodic_task(crontab(hour="3", minute="23"))
@queue.lock_task("notify-forget")
def notices_forget() -> int:
    return outbox.notices_forget()
