"""The examples the shipped model learns from: one file per catalogue category under corpus/,
named by the category's code, one problem per line as residents, enterprises and cadres put it."""

from __future__ import annotations

from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
SHIPPED_MODEL = Path(__file__).resolve().parent / "shipped_model.json"


def corpus_examples(directory: Path = CORPUS_DIR) -> list[tuple[str, str]]:
    """(code, text) for every line of every category's file, in a fixed order."""
    examples = []
    for path in sorted(directory.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                examples.append((path.stem, line.strip()))
    return examples
