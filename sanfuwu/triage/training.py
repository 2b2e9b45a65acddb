"""Training: the shipped corpus alone (the model the product ships, `sanfuwu triage train
--shipped`), or the corpus and the district's own dispatch history (`sanfuwu triage train`, and
nightly), so that the suggestions follow how this district actually sorts its issues and a
category the admin added starts being suggested once issues have been dispatched under it."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db import transaction

from sanfuwu.issues.models import Assignment, Issue, Status
from sanfuwu.orgs.models import Category
from sanfuwu.triage.classifier import Model, train
from sanfuwu.triage.corpus import SHIPPED_MODEL, corpus_examples
from sanfuwu.triage.models import ModelSource, TriageModel
from sanfuwu.triage.similar import issue_text
from sanfuwu.triage.store import model_forget

# The newest dispatched issues learnt from: enough to follow the district's habits, few enough
# that a retrain takes a minute on one core.
HISTORY = 8000
# How many dispatches the catalogue's default department counts as, against the history's own.
DEFAULT_WEIGHT = 3


def shipped_train() -> Model:
    examples = corpus_examples()
    model = train(examples)
    model.meta = {"source": str(ModelSource.SHIPPED), "examples": len(examples)}
    return model


def shipped_write() -> int:
    """Rebuild the shipped model file from the corpus; returns its size in bytes."""
    body = shipped_train().dumps() + "\n"
    SHIPPED_MODEL.write_text(body, encoding="utf-8")
    return len(body.encode())


def history_examples(limit: int = HISTORY) -> tuple[list[tuple[str, str]], dict[str, Counter[str]]]:
    """(code, text) of the newest dispatched issues, and per category the departments that led."""
    rows = list(
        Issue.objects.filter(dispatched_at__isnull=False)
        .exclude(status=Status.VOID)
        .order_by("-id")
        .values_list("pk", "category__code", "title", "description")[:limit]
    )
    examples = [(code, issue_text(title, description)) for _pk, code, title, description in rows]
    codes = {pk: code for pk, code, _t, _d in rows}
    leads: dict[str, Counter[str]] = defaultdict(Counter)
    first = min(codes, default=0)
    for issue_id, dept in Assignment.objects.filter(is_lead=True, issue_id__gte=first).values_list(
        "issue_id", "department__code"
    ):
        if issue_id in codes:
            leads[codes[issue_id]][dept] += 1
    return examples, leads


def department_table(leads: dict[str, Counter[str]]) -> dict[str, list[list[object]]]:
    """Per category code, its departments with the share of dispatches they led, the catalogue's
    default counted as DEFAULT_WEIGHT dispatches so that one odd dispatch does not outvote it."""
    table: dict[str, list[list[object]]] = {}
    for code, dept in Category.objects.values_list("code", "default_department__code"):
        counts = Counter(leads.get(code, Counter()))
        counts[dept] += DEFAULT_WEIGHT
        total = sum(counts.values())
        table[code] = [[d, round(n / total, 4)] for d, n in counts.most_common()]
    return table


def district_train() -> TriageModel:
    """Train on the corpus (for the categories still in use) and the district's history, keep it
    as the newest model."""
    active = set(Category.objects.filter(active=True).values_list("code", flat=True))
    corpus = [(code, text) for code, text in corpus_examples() if code in active]
    history, leads = history_examples()
    history = [(code, text) for code, text in history if code in active]
    model = train(corpus + history)
    model.meta = {
        "source": str(ModelSource.DISTRICT), "examples": len(corpus) + len(history), "history": len(history),
        "departments": department_table(leads),
    }  # fmt: skip
    with transaction.atomic():
        row = TriageModel.objects.create(
            source=ModelSource.DISTRICT, examples=len(corpus) + len(history), history=len(history),
            body=model.dumps(),
        )  # fmt: skip
        # Only the newest few are worth keeping: older ones explain old suggestions, nothing more.
        stale = TriageModel.objects.order_by("-id").values_list("id", flat=True)[5:]
        TriageModel.objects.filter(pk__in=list(stale)).delete()
    model_forget()
    return row
