"""A visit's notes cut into the separate problems they raise, each with its likeliest category,
for the visitor to confirm or edit before any issue is written.

Cadres write up a visit in a few familiar shapes, and each is read for what it is:
- ordinals: 一是……；二是……, 其一/其二, 首先/其次/最后;
- numbered lists: 1. 2. / 1、2、 / （1）（2）/ ①②;
- an enumeration inside one sentence: 关于X、Y、Z以及W等方面的问题;
- plain prose, one problem a sentence (or a clause after ；).
Sentences that only frame the visit (who went, when, what was answered on the spot, what happens
next) are left out, and neighbouring sentences about one category are one problem told at length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sanfuwu.triage.store import current_model

_ORDINAL = r"[一二三四五六七八九十]"
_MARKER = re.compile(
    rf"(?:{_ORDINAL}是|其{_ORDINAL}(?![他它中余实])|首先|其次|再次|再者|最后|"
    r"[（(]\s*\d{1,2}\s*[)）]|(?<![\d.])\d{1,2}\s*[.、．)）](?!\d)|[①-⑳]|"
    rf"(?<![\u4e00-\u9fff]){_ORDINAL}、)"
)
# 关于X、Y和Z等（方面的）问题: the list is the part between the opening word and 等/的问题. Without
# a 、 or a 等 it is no list: "反映员工培训与技能鉴定补贴申请困难" is one problem.
_ENUMERATION = re.compile(
    r"(?:关于|涉及|包括|集中在|主要是|反映了?|提出了?|存在|就|谈到|提到|说到|聊到)(?P<items>[^。；;：:]{2,}?)"
    r"(?P<deng>等)?(?:方面|领域|几个|多个|的|\s)*(?:问题|困难|诉求|事项|情况|方面)"
)
_ITEM_JOIN = re.compile(r"、|，|,|以及|及|和|与|还有|并且")
_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_FRAMING = re.compile(
    r"走访|座谈|调研|召开|参加|陪同|一行|前往|深入|现场答复|当场答复|已答复|已告知|表示感谢|"
    r"将(?:梳理|汇总|上报|跟进|协调|转交|反馈|分头|配合|于)|梳理上报|形成清单|纳入台账|做好解释|进行了?交流|了解了?|"
    r"当场|逐一记录|已要求|已约谈|已联系|联系了|已开展|已安排|协调解决|予以解决|分头落实|限期整改|上门|收集"
)
_PROBLEM = re.compile(
    r"难|不足|破损|损坏|坏了|不亮|缺|差|漏|堵|乱|噪音|噪声|臭|慢|贵|拖欠|欠薪|困人|故障|不便|"
    r"隐患|污染|积水|偷倒|违章|占道|紧张|排队|不到位|不及时|不畅|无法|没有|不够|过少|过多|不清|倒灌|诈骗|"
    r"未|不会|拿不准"
)
_LEAD_IN = re.compile(
    r"^(?:[^：:]{0,40}?(?:问题|诉求|困难|情况|建议)[^：:，,]{0,6}[：:]|"
    r"[^，,：:。]{0,24}?(?:提出|反映|表示|指出|称|说)了?[，,：:]|"
    r"[^，,：:。]{0,10}?(?:还|也|都)?(?:反映|提出|表示|指出|谈到|提到|说|称|发现)了?)"
)
_CLAUSE = re.compile(r"[，,]")
_CONNECTIVE = re.compile(r"^(?:另外|此外|同时|还有|并且|而且|再有|的|关于|了|是)+[，,]?")
# Inside a plain sentence, 和/与/及 joins two problems only when each side names one by itself
# ("道路破损和路灯不亮"); "招工和培训补贴申请困难" is one.
_PAIR_JOIN = re.compile(r"以及|和|与|及")


@dataclass
class Problem:
    text: str
    code: str
    confidence: float


def _clean(part: str) -> str:
    part = part.strip(" \t\n，,、；;。：:—-")
    return _CONNECTIVE.sub("", part).strip(" ，,")


def _pairs(sentence: str) -> list[str]:
    parts = [_clean(p) for p in _PAIR_JOIN.split(sentence)]
    parts = [p for p in parts if p]
    if len(parts) >= 2 and all(len(p) >= 3 and _PROBLEM.search(p) for p in parts):
        return parts
    return [sentence]


def _enumeration_items(sentence: str) -> list[str] | None:
    """The items of an enumeration in `sentence`, or None when it holds none (fewer than two)."""
    match = _ENUMERATION.search(sentence)
    if not match:
        return None
    if not match.group("deng") and "、" not in match.group("items"):
        return None
    items = [_clean(i) for i in _ITEM_JOIN.split(match.group("items"))]
    items = [i for i in items if len(i) >= 2]
    return items if len(items) >= 2 else None


def _marked(text: str) -> list[str] | None:
    """The parts after ordinal or numbered markers, each cut at its sentence's end; None when the
    text is not such a list (fewer than two markers)."""
    marks = _in_sequence(list(_MARKER.finditer(text)))
    if len(marks) < 2:
        return None
    parts = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        chunk = text[mark.end() : end]
        # The last item runs only to its sentence's end: what follows is the visit's framing.
        first = re.search(r"[。；;！!？?\n]", chunk)
        if (first and (i + 1 == len(marks) or not chunk[first.end() :].strip(" 。；;\n"))) or (
            first and i + 1 == len(marks)
        ):
            chunk = chunk[: first.start()]
        parts.append(_clean(chunk))
    return [p for p in parts if p]


_NUMERALS = {ch: i for i, ch in enumerate("一二三四五六七八九十", start=1)}


def _number_of(mark: str) -> int | None:
    """The number a numbered marker counts, None for the unnumbered ones (首先, 其次, 最后)."""
    if digits := re.search(r"\d+", mark):
        return int(digits.group())
    if circled := re.search(r"[①-⑳]", mark):
        return ord(circled.group()) - ord("①") + 1
    for ch in mark:
        if ch in _NUMERALS:
            return _NUMERALS[ch]
    return None


def _in_sequence(marks: list[re.Match[str]]) -> list[re.Match[str]]:
    """Markers that count on from 1 (a later "第（2）项" referring back to an item is no marker)."""
    kept: list[re.Match[str]] = []
    expected = 1
    for mark in marks:
        number = _number_of(mark.group())
        if number is None:
            kept.append(mark)
        elif number == expected:
            kept.append(mark)
            expected += 1
    return kept


_WHEN = re.compile(r"^\s*(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:[上中下]午|晚上|早上)?\s*$")


def _is_framing(sentence: str) -> bool:
    if _WHEN.match(sentence):
        return True
    if _enumeration_items(sentence):
        return False
    return bool(_FRAMING.search(sentence)) and not _PROBLEM.search(_FRAMING.sub("", sentence))


def split_parts(text: str) -> list[str]:
    """The problems' texts, in the order the notes raise them."""
    marked = _marked(text)
    if marked is not None:
        parts = []
        for part in marked:
            parts.extend(_enumeration_items(part) or [part])
        return parts
    parts = []
    for sentence in _SENTENCE.findall(text):
        sentence = _clean(sentence)
        if len(sentence) < 2:
            continue
        items = _enumeration_items(sentence)
        if items:
            parts.extend(items)
        else:
            # Clauses that only frame the visit ("在某社区座谈时") go; the rest is the problem.
            clauses = [c for c in _CLAUSE.split(sentence) if c.strip() and not _is_framing(c)]
            if clauses:
                kept = _clean(_LEAD_IN.sub("", _clean("，".join(clauses))))
                if kept:
                    parts.extend(_pairs(kept))
    return [p for p in parts if p]


def split_notes(text: str) -> list[Problem]:
    """The problems with their likeliest category; neighbouring plain sentences of one category
    are joined as one problem."""
    _model_id, model = current_model()
    listed = _marked(text) is not None or any(_enumeration_items(s) for s in _SENTENCE.findall(text))
    problems: list[Problem] = []
    for part in split_parts(text):
        code, confidence = model.ranked(part)[0]
        if not listed and problems and problems[-1].code == code:
            problems[-1] = Problem(
                f"{problems[-1].text}，{part}", code, max(confidence, problems[-1].confidence)
            )
            continue
        problems.append(Problem(part, code, confidence))
    return problems
