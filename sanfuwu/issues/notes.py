"""Notes the system writes into an issue's history (主办：建设局。, 超期未办结，系统自动挂牌督办。),
kept as a key with its values and worded in the reader's language when shown.

The event's `note` column still holds the words as the writer read them, for the admin, the
exports and any reader of old rows; the timeline shows `system_note` worded afresh. What a
person typed (a return reason, a remark) travels as a value and is shown as typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_noop

from sanfuwu.issues.models import Rating

# Whole sentences, so that a translator sees each as it reads; %(note)s is what the person typed.
TEXTS: dict[str, str] = {
    "dispatch": gettext_noop("主办：%(lead)s。%(note)s"),
    "dispatch_co": gettext_noop("主办：%(lead)s；协办：%(co)s。%(note)s"),
    "accept_co": gettext_noop("协办部门签收"),
    "extension_request": gettext_noop("申请延长 %(n)s 个工作日：%(reason)s"),
    "extension_approve": gettext_noop("同意延期至 %(date)s。%(note)s"),
    "rate": gettext_noop("%(rating)s"),
    "rate_note": gettext_noop("%(rating)s：%(note)s"),
    "rate_reopen": gettext_noop("%(rating)s，重办。"),
    "rate_reopen_note": gettext_noop("%(rating)s：%(note)s，重办。"),
    "rate_redispatch": gettext_noop("%(rating)s，退回重新交办。"),
    "rate_redispatch_note": gettext_noop("%(rating)s：%(note)s，退回重新交办。"),
    "supervise_auto": gettext_noop("超期未办结，系统自动挂牌督办。"),
    # Work inside a department (issue 12, point 4): a head's assignment, the evidence of a resolve,
    # a stand-in acting for the handler away. %(note)s may itself be a stored note, worded in turn.
    "assign": gettext_noop("分派给 %(name)s"),
    "assign_note": gettext_noop("分派给 %(name)s：%(note)s"),
    "reassign": gettext_noop("改派给 %(name)s"),
    "reassign_note": gettext_noop("改派给 %(name)s：%(note)s"),
    "resolve_evidence": gettext_noop("%(note)s\n佐证材料：%(names)s"),
    "on_behalf": gettext_noop("代 %(name)s"),
    "on_behalf_note": gettext_noop("%(note)s（代 %(name)s）"),
    "merge": gettext_noop("与 %(number)s 重复，已并入该问题办理。%(note)s"),
    "merged_answer": gettext_noop("随 %(number)s 答复：%(feedback)s"),
}

# Values that are a choice's code, worded by its label in the reader's language.
CHOICES: dict[str, Any] = {"rating": Rating}

# What ends a clause already; a typed remark followed by more words loses it, so that a note
# never reads "已修好。，重办。".
CLAUSE_ENDS = "。．.，,；;：:！!？? \n"


def clause(text: str) -> str:
    return text.strip().rstrip(CLAUSE_ENDS)


def sentence(text: str) -> str:
    """A typed remark as a whole sentence: ended by one mark, its own (？ !) or else 。, and
    nothing at all when it is only marks."""
    body = clause(text)
    if not body:
        return ""
    end = text.strip()[-1]
    return body + (end if end in "。．.！!？?" else "。")


@dataclass(frozen=True)
class SystemNote:
    key: str
    args: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return note_words(self.key, self.args)

    def stored(self) -> dict[str, Any]:
        return {"key": self.key, "args": self.args}


def note_value(note: str | SystemNote) -> str | dict[str, Any]:
    """A note to carry inside another (on_behalf_note): stored if the system wrote it, else as typed."""
    return note.stored() if isinstance(note, SystemNote) else note


def note_words(key: str, args: dict[str, Any]) -> str:
    """The note in the active language. A key this version does not know reads as nothing, so
    that the caller falls back to the stored words."""
    text = TEXTS.get(key)
    if text is None:
        return ""
    values = {name: _worded(name, value) for name, value in args.items()}
    return (gettext(text) % values).strip()


def _worded(name: str, value: Any) -> Any:
    if name in CHOICES:
        return str(CHOICES[name](value).label)
    if isinstance(value, dict):  # a note within a note: a stand-in's suffix on a dispatch
        return stored_note_words(value)
    return value


def stored_note_words(stored: dict[str, Any] | None) -> str:
    if not stored:
        return ""
    return note_words(str(stored.get("key", "")), dict(stored.get("args") or {}))
