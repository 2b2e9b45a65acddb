"""走访覆盖: was each pairing visited as often as it must be?

A pairing's frequency cuts time into slots (calendar weeks from Monday, months, quarters, years).
A period's coverage looks at the slots whose last day falls inside it:

- a slot is due when the pairing is in force on its last day and the target is still active then,
  so a pairing that starts mid-month owes that month, and one that ends or whose target is
  deactivated mid-month owes nothing for it;
- a slot that has not ended yet counts only once it is met; until then it is pending, not missed;
- it is met by a visit on a day of the slot on which the pairing was in force, made by the paired
  person, or by the paired department (it came along, or one of its people went); several visits
  in one slot count once. Days are Beijing days: a visit at 23:59 on the 31st belongs to the 31st.

The rate of a unit is pairings whose every due slot was met / pairings with a due slot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from sanfuwu.orgs.models import Department, Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.visits.models import Frequency, Pairing, Visit, VisitTarget


@dataclass(frozen=True, order=True)
class Slot:
    start: date
    end: date


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def slot_containing(frequency: str, day: date) -> Slot:
    if frequency == Frequency.WEEKLY:
        start = day - timedelta(days=day.weekday())
        return Slot(start, start + timedelta(days=6))
    if frequency == Frequency.MONTHLY:
        return Slot(day.replace(day=1), _month_end(day.year, day.month))
    if frequency == Frequency.QUARTERLY:
        first_month = (day.month - 1) // 3 * 3 + 1
        return Slot(date(day.year, first_month, 1), _month_end(day.year, first_month + 2))
    if frequency == Frequency.YEARLY:
        return Slot(date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(f"unknown frequency {frequency!r}")


def slots_ending_in(frequency: str, start: date, end: date) -> list[Slot]:
    """The slots of a frequency whose last day falls within [start, end]."""
    slots: list[Slot] = []
    slot = slot_containing(frequency, start)
    while slot.start <= end:
        if start <= slot.end <= end:
            slots.append(slot)
        slot = slot_containing(frequency, slot.end + timedelta(days=1))
    return slots


def in_force(pairing: Pairing, day: date) -> bool:
    if day < pairing.starts_on or (pairing.ends_on is not None and day > pairing.ends_on):
        return False
    since = pairing.target.inactive_since
    return since is None or day < since


LOOKBACK_DAYS = 366


@dataclass
class PairingCoverage:
    pairing: Pairing
    due: list[Slot] = field(default_factory=list)
    met: list[Slot] = field(default_factory=list)
    pending: Slot | None = None  # the running slot, not met yet
    last_visit: date | None = None  # by the pairing's holder, within a year

    @property
    def counted(self) -> bool:
        return bool(self.due)

    @property
    def fulfilled(self) -> bool:
        return bool(self.due) and len(self.met) == len(self.due)

    @property
    def missed(self) -> list[Slot]:
        return [slot for slot in self.due if slot not in self.met]


@dataclass(frozen=True)
class VisitFact:
    day: date
    # Shared by every fact of the same visit and never changed: a district's year holds a
    # hundred thousand facts, and a copy of each set per fact was most of the coverage page.
    people: AbstractSet[int]
    departments: AbstractSet[int]  # came along, or one of their people went


NOBODY: frozenset[int] = frozenset()


def visit_company(visit_ids: set[int] | QuerySet[Any]) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Per visit: the people who went, and the departments that came along or had one of them there.
    `visit_ids` may be a query of ids: a district's year of visits is a hundred thousand of them,
    which PostgreSQL reads as a join in milliseconds and as a literal list in over a second."""
    people: dict[int, set[int]] = defaultdict(set)
    departments: dict[int, set[int]] = defaultdict(set)
    visitors = Visit.visitors.through.objects.filter(visit_id__in=visit_ids)
    for visit_id, person_id, department_id in visitors.values_list(
        "visit_id", "person_id", "person__department_id"
    ):
        people[visit_id].add(person_id)
        if department_id:
            departments[visit_id].add(department_id)
    along = Visit.departments.through.objects.filter(visit_id__in=visit_ids)
    for visit_id, department_id in along.values_list("visit_id", "department_id"):
        departments[visit_id].add(department_id)
    return people, departments


def _visit_facts(pairings: QuerySet[Pairing], first: date, last: date) -> dict[int, list[VisitFact]]:
    window = VisitTarget.objects.filter(
        target_id__in=pairings.values("target_id"), visited_on__gte=first, visited_on__lte=last
    )
    rows = list(window.values_list("target_id", "visit_id", "visited_on"))
    people, departments = visit_company(window.values("visit_id"))
    facts: dict[int, list[VisitFact]] = defaultdict(list)
    for target_id, visit_id, day in rows:
        facts[target_id].append(
            VisitFact(day, people.get(visit_id, NOBODY), departments.get(visit_id, NOBODY))
        )
    return facts


def _with_holders(pairings: QuerySet[Pairing]) -> list[Pairing]:
    """The pairings with their targets, and the targets' regions and the holders from one read
    each, shared: ten thousand pairings joined to five tables were fifty thousand model objects."""
    chosen = list(pairings.select_related(None).select_related("target"))
    regions = Region.objects.in_bulk(
        {t.grid_id for t in (p.target for p in chosen) if t.grid_id} | {p.target.region_id for p in chosen}
    )
    people = Person.objects.only("name", "username").in_bulk({p.person_id for p in chosen if p.person_id})
    departments = Department.objects.in_bulk({p.department_id for p in chosen if p.department_id})
    for p in chosen:
        target = p.target
        target.grid = regions.get(target.grid_id) if target.grid_id else None
        target.region = regions[target.region_id]
        p.person = people.get(p.person_id) if p.person_id else None
        p.department = departments.get(p.department_id) if p.department_id else None
    return chosen


def _counts_for(pairing: Pairing, fact: VisitFact) -> bool:
    if pairing.person_id is not None:
        return pairing.person_id in fact.people
    return pairing.department_id in fact.departments


def coverage(pairings: QuerySet[Pairing], *, start: date, end: date, today: date) -> list[PairingCoverage]:
    """Each pairing's due, met and pending slots for the period [start, end], as of `today`."""
    chosen = _with_holders(pairings)
    if not chosen:
        return []
    plans = {p.pk: slots_ending_in(p.frequency, start, end) for p in chosen}
    running = {p.pk: slot_containing(p.frequency, today) for p in chosen}
    until = min(end, today)
    # A year back at least, so that a blind spot can say when its holder last went.
    first = min(
        [s.start for slots in plans.values() for s in slots] + [start, until - timedelta(days=LOOKBACK_DAYS)]
    )
    facts = _visit_facts(pairings, first, until)
    results = []
    for pairing in chosen:
        own = [f.day for f in facts.get(pairing.target_id, ()) if _counts_for(pairing, f)]
        result = PairingCoverage(pairing=pairing, last_visit=max(own, default=None))
        for slot in plans[pairing.pk]:
            ended = slot.end < today
            as_of = slot.end if ended else today
            if not in_force(pairing, as_of):
                continue
            met = any(
                slot.start <= fact.day <= as_of and in_force(pairing, fact.day) and _counts_for(pairing, fact)
                for fact in facts.get(pairing.target_id, ())
            )
            if met or ended:
                result.due.append(slot)
            if met:
                result.met.append(slot)
            elif not ended and slot == running[pairing.pk]:
                result.pending = slot
        results.append(result)
    return results


@dataclass
class Rollup:
    key: object
    label: str
    pairings: int = 0  # with a due slot in the period
    fulfilled: int = 0
    slots_due: int = 0
    slots_met: int = 0

    @property
    def rate(self) -> float | None:
        """None when nothing was due: shown as "—", never as 0 % or 100 %."""
        return self.fulfilled / self.pairings if self.pairings else None

    @property
    def gaps(self) -> int:
        return self.pairings - self.fulfilled


def roll_up(
    results: Iterable[PairingCoverage], key: Callable[[Pairing], tuple[object, str] | None]
) -> list[Rollup]:
    rollups: dict[object, Rollup] = {}
    for result in results:
        if not result.counted:
            continue
        keyed = key(result.pairing)
        if keyed is None:
            continue
        rollup = rollups.setdefault(keyed[0], Rollup(key=keyed[0], label=keyed[1]))
        rollup.pairings += 1
        rollup.fulfilled += result.fulfilled
        rollup.slots_due += len(result.due)
        rollup.slots_met += len(result.met)
    return sorted(rollups.values(), key=lambda r: (r.rate if r.rate is not None else 2, r.label))


def by_person(pairing: Pairing) -> tuple[object, str] | None:
    person: Person | None = pairing.person
    return (person.pk, str(person)) if person else None


def by_department(pairing: Pairing) -> tuple[object, str] | None:
    return (pairing.department.pk, pairing.department.name) if pairing.department else None


def by_grid(pairing: Pairing) -> tuple[object, str] | None:
    grid = pairing.target.grid
    return (grid.pk, grid.name) if grid else None


def street_finder() -> Callable[[Pairing], tuple[object, str] | None]:
    """The street or park a pairing's target lies in, found by path prefix without a query each."""
    streets = list(
        Region.objects.filter(kind__in=[RegionKind.STREET, RegionKind.PARK]).values_list("pk", "name", "path")
    )

    def by_street(pairing: Pairing) -> tuple[object, str] | None:
        path = pairing.target.region.path
        for pk, name, street_path in streets:
            if path.startswith(street_path):
                return (pk, name)
        return None

    return by_street
