"""Short Chinese texts as the pieces the classifier and the duplicate search compare.

Chinese has no spaces between words, and a segmenter's dictionary would miss the district's own
words (安置房, 留用地, 医药港); runs of characters cut into overlapping n-grams need no dictionary
and catch a word whichever way a sentence is put together. Punctuation and spaces only separate
runs: an n-gram never spans a comma, so "路灯，不亮" and "路灯不亮" share what matters.
"""

from __future__ import annotations

import re
import unicodedata

# Letters, digits and CJK ideographs; everything else (punctuation, spaces, symbols) separates.
_RUN = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
_DIGITS = re.compile(r"[0-9]+")


def runs(text: str) -> list[str]:
    """The text's runs of meaningful characters, width-folded and lower-cased, each number
    written as one "0": "3号楼" and "12号楼" are the same kind of place."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return [_DIGITS.sub("0", run) for run in _RUN.findall(folded)]


def ngrams(text: str, sizes: tuple[int, ...] = (1, 2, 3)) -> list[str]:
    """Every n-gram of the given sizes within each run, in order, repeats kept (they are counts)."""
    grams: list[str] = []
    for run in runs(text):
        for n in sizes:
            grams.extend(run[i : i + n] for i in range(len(run) - n + 1))
    return grams


def shingles(text: str) -> set[str]:
    """The set of 2- and 3-grams a text is compared by for duplicates. Single characters are left
    out: any two complaints share 的, 了 and 区."""
    return set(ngrams(text, (2, 3)))


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
