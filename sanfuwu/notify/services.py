"""Telling people: one function writes what a person reads in the product and what their work
group's robot is sent, inside the caller's transaction, so that an action and the word of it
commit or vanish together. The robots are sent to after the commit, by the job queue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sanfuwu.notify.models import MANDATORY, Channel, Delivery, Kind, Notice, Preference, Receiver
from sanfuwu.people.models import Person


@dataclass(frozen=True)
class News:
    """One piece of news for some people: what they read and where it leads."""

    kind: str
    recipients: tuple[Person, ...]
    text: str
    link: str = ""
    once: str = ""


def channels_of(people: Iterable[Person], kinds: Iterable[str]) -> dict[tuple[int, str], str]:
    """Each person's choice per kind; told in the product and their group by default, and a
    mandatory kind never switched off."""
    ids = {p.pk for p in people}
    kinds = set(kinds)
    chosen = {
        (pk, kind): channel
        for pk, kind, channel in Preference.objects.filter(person_id__in=ids, kind__in=kinds).values_list(
            "person_id", "kind", "channel"
        )
    }
    found = {}
    for pk in ids:
        for kind in kinds:
            channel = chosen.get((pk, kind), Channel.ROBOT)
            found[(pk, kind)] = Channel.IN_APP if channel == Channel.OFF and kind in MANDATORY else channel
    return found


def receivers_for(people: Iterable[Person]) -> dict[int, list[Receiver]]:
    """Each person's work groups: their department's robots and their region's."""
    people = list(people)
    departments = {p.department_id for p in people if p.department_id}
    regions = {p.region_id for p in people if p.region_id}
    if not departments and not regions:
        return {}
    robots = list(
        Receiver.objects.filter(active=True).filter(
            Q(department_id__in=departments) | Q(region_id__in=regions)
        )
    )
    return {
        p.pk: [r for r in robots if (r.department_id and r.department_id == p.department_id)
               or (r.region_id and r.region_id == p.region_id)]
        for p in people
    }  # fmt: skip


def notices_send(
    *,
    kind: str,
    recipients: Iterable[Person],
    text: str,
    link: str = "",
    once: str = "",
    actor: Person | None = None,
) -> int:
    """Tell `recipients` (never the actor: they know) `text`, linking to `link`. With `once`, a
    person or a group already told under that key is not told again. Returns how many people
    were told in the product."""
    return news_send([News(kind, tuple(recipients), text, link, once)], actor=actor)


def news_send(items: Sequence[News], *, actor: Person | None = None) -> int:
    """Many pieces of news in a few statements (the hourly job may supervise thousands of late
    issues at once): one read of the choices and the robots, one insert of the notices, one of
    the deliveries. Each robot gets a piece of news once, however many of its group it concerns."""
    for item in items:
        Kind(item.kind)  # an unknown kind is a programming error, not something to store
    people = {
        p.pk: p
        for item in items
        for p in item.recipients
        if p.is_active and (actor is None or p.pk != actor.pk)
    }
    if not people:
        return 0
    channels = channels_of(people.values(), {item.kind for item in items})
    robots = receivers_for(p for p in people.values())
    now = timezone.now()
    notices: list[Notice] = []
    deliveries: dict[tuple[int, int], Delivery] = {}
    for n, item in enumerate(items):
        text = item.text[:300]
        for person in {p.pk: p for p in item.recipients}.values():
            channel = channels.get((person.pk, item.kind))
            if person.pk not in people or channel in (None, Channel.OFF):
                continue
            notices.append(
                Notice(
                    recipient=person,
                    kind=item.kind,
                    text=text,
                    link=item.link,
                    created_at=now,
                    once=item.once,
                )
            )
            for r in robots.get(person.pk, []) if channel == Channel.ROBOT else []:
                deliveries.setdefault(
                    (n, r.pk),
                    Delivery(
                        receiver=r, kind=item.kind, text=text, link=item.link, created_at=now, once=item.once
                    ),
                )
    once = any(item.once for item in items)
    Notice.objects.bulk_create(notices, batch_size=2000, ignore_conflicts=once)
    if deliveries:
        Delivery.objects.bulk_create(list(deliveries.values()), batch_size=2000, ignore_conflicts=once)
        ids = sorted({r for _n, r in deliveries})
        # robust: a queue that cannot be reached loses no action; the sweep sends it later.
        transaction.on_commit(lambda: robots_enqueue(ids), robust=True)
    return len(notices)


def robots_enqueue(receiver_ids: list[int]) -> None:
    from sanfuwu.notify.jobs import deliver

    for pk in receiver_ids:
        deliver(pk)


def notices_unread(person: Person) -> int:
    return Notice.objects.filter(recipient=person, read_at__isnull=True).count()


def notice_mark_read(*, person: Person, ids: Iterable[int] | None = None) -> int:
    """Mark the person's notices read: those of `ids`, or all of them. Someone else's are left alone."""
    qs = Notice.objects.filter(recipient=person, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def preferences_save(*, person: Person, chosen: dict[str, str]) -> None:
    """Store a person's choices; a mandatory kind is never stored as off (the form refuses it
    first; this is the rule's own line)."""
    with transaction.atomic():
        for kind, channel in chosen.items():
            Kind(kind)
            channel = Channel(channel)
            if kind in MANDATORY and channel == Channel.OFF:
                raise ValueError(f"{kind} cannot be switched off")
            Preference.objects.update_or_create(person=person, kind=kind, defaults={"channel": channel})
