"""Benchmark: how good and how fast triage's suggestions are.

    .venv/bin/python -m bench.suggestions            # BENCH_DUP_ISSUES=1000000 by default

- Suggestion: top-1 and top-3 accuracy of the shipped model, overall and per category, on the
  labelled set in bench/data/triage_labelled.tsv (written apart from the training corpus; the
  run checks that no line of it is in the corpus), and the time one suggestion takes in process
  (categories, confidences and the words that decided them).
- Splitting: precision and recall of the problems split from bench/data/triage_split.jsonl (the
  set the rules were tuned on) and triage_split_fresh.jsonl (written afterwards by someone who had
  not seen the rules, never tuned on): a problem found counts when it holds the expected words or
  they hold it, each matched once.
- Duplicate search: BENCH_DUP_ISSUES texts made from the corpus and the labelled set (each with
  its places, numbers, punctuation and clause order changed) banded into an SQLite table as the
  product bands its issues (and in PostgreSQL too when BENCH_DUP_POSTGRES names a server), then
  200 searches: the time each takes (the product's candidate
  query, the candidates' texts read, their similarity computed) and recall@10 against a brute
  force over every text, counting the brute force's top 10 at or above the product's floor.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("SANFUWU_VAR_DIR", tempfile.mkdtemp(prefix="sanfuwu-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfuwu.settings")
django.setup()

from sanfuwu.triage.classifier import Model  # noqa: E402
from sanfuwu.triage.corpus import SHIPPED_MODEL, corpus_examples  # noqa: E402
from sanfuwu.triage.similar import BANDS, CANDIDATES, LIKELY, band_keys, bigrams  # noqa: E402
from sanfuwu.triage.text import jaccard  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
DUP_ISSUES = int(os.environ.get("BENCH_DUP_ISSUES", "1000000"))
RECALL_QUERIES = 50
# A PostgreSQL server (as SANFUWU_TEST_PG: postgres://user@host:port) to measure the search on too.
DUP_POSTGRES = os.environ.get("BENCH_DUP_POSTGRES", "")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def suggestion(model: Model) -> None:
    rows = [
        line.split("\t", 1) for line in (DATA / "triage_labelled.tsv").read_text("utf-8").splitlines() if line
    ]
    seen = {text for _code, text in corpus_examples()}
    overlap = sum(text in seen for _code, text in rows)
    top1, top3 = Counter(), Counter()
    per = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    times = []
    for code, text in rows:
        started = time.perf_counter()
        ranked = model.ranked(text)
        model.reasons(text, ranked[0][0])
        times.append((time.perf_counter() - started) * 1000)
        labels = [label for label, _p in ranked[:3]]
        per[code] += 1
        top1[code] += labels[0] == code
        top3[code] += code in labels
        if labels[0] != code:
            confusion[(code, labels[0])] += 1
    n = len(rows)
    print(f"## 分类建议（{n} 条标注文本，与训练语料重合 {overlap} 条）")
    print(f"top-1 {sum(top1.values()) / n:.1%}  top-3 {sum(top3.values()) / n:.1%}")
    print(
        f"每条建议耗时（进程内）：p50 {pct(times, 50):.2f} ms  p95 {pct(times, 95):.2f} ms  最长 {max(times):.2f} ms"
    )
    print("| 分类 | 条数 | top-1 | top-3 |")
    print("|---|---:|---:|---:|")
    for code in sorted(per):
        print(f"| {code} | {per[code]} | {top1[code] / per[code]:.0%} | {top3[code] / per[code]:.0%} |")
    print(
        "最常见的误判（实际 → 建议）：" + "；".join(f"{a}→{b} {k}" for (a, b), k in confusion.most_common(8))
    )


def _matches(found: list[str], expected: list[str]) -> int:
    left = list(expected)
    hits = 0
    for f in found:
        for e in left:
            if e in f or f in e:
                left.remove(e)
                hits += 1
                break
    return hits


def splitting() -> None:
    from sanfuwu.triage.split import split_parts

    sets = [
        ("triage_split.jsonl", "规则据此调整，非留出数据"),
        ("triage_split_fresh.jsonl", "留出数据：规则写成后才由另一人写出，未据此调整"),
    ]
    for name, about in sets:
        lines = (DATA / name).read_text("utf-8").splitlines()
        found_n = expected_n = hit_n = exact = 0
        for line in lines:
            case = json.loads(line)
            found = split_parts(case["text"])
            expected = [p["text"] for p in case["problems"]]
            hits = _matches(found, expected)
            found_n += len(found)
            expected_n += len(expected)
            hit_n += hits
            exact += hits == len(expected) == len(found)
        print(f"\n## 走访记录拆分：{name}（{about}；{len(lines)} 段，应拆出 {expected_n} 个问题）")
        print(
            f"精确率 {hit_n / max(found_n, 1):.1%}  召回率 {hit_n / max(expected_n, 1):.1%}  "
            f"整段完全拆对 {exact}/{len(lines)}"
        )


def _variant(text: str, rng: random.Random) -> str:
    """The same problem told again: clauses reordered, punctuation changed, a number or place changed."""
    clauses = [c for c in text.replace("。", "，").replace("；", "，").split("，") if c]
    if len(clauses) > 1 and rng.random() < 0.5:
        rng.shuffle(clauses)
    joined = rng.choice(["，", "。", "；", " "]).join(clauses)
    digits = "0123456789"
    return "".join(rng.choice(digits) if ch in digits else ch for ch in joined)


class SqliteBands:
    name = "SQLite"

    def __init__(self, folder: Path) -> None:
        self.path = folder / "dups.sqlite3"
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE issue (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        self.db.execute("CREATE TABLE band (issue_id INTEGER NOT NULL, key INTEGER NOT NULL)")

    def load(self, issues: list[tuple[int, str]], bands: list[tuple[int, int]]) -> None:
        self.db.executemany("INSERT INTO issue VALUES (?, ?)", issues)
        self.db.executemany("INSERT INTO band VALUES (?, ?)", bands)

    def index(self) -> None:
        self.db.execute("CREATE INDEX band_key ON band (key, issue_id)")
        self.db.commit()

    def size(self) -> str:
        return f"文件 {self.path.stat().st_size / 1e6:.0f} MB"

    def candidates(self, keys: list[int]) -> list[int]:
        sql = (
            f"SELECT issue_id FROM band WHERE key IN ({','.join('?' * len(keys))}) GROUP BY issue_id "
            "ORDER BY COUNT(*) DESC, issue_id DESC LIMIT ?"
        )
        return [r[0] for r in self.db.execute(sql, [*keys, CANDIDATES])]

    def texts(self, ids: list[int]) -> list[tuple[int, str]]:
        return list(
            self.db.execute(f"SELECT id, text FROM issue WHERE id IN ({','.join('?' * len(ids))})", ids)
        )

    def close(self) -> None:
        self.db.close()


class PostgresBands:
    """The same tables and queries in a database of their own on the PostgreSQL server given."""

    name = "PostgreSQL"

    def __init__(self, url: str) -> None:
        import psycopg

        server, _sep, _name = url.rpartition("/")
        self.admin = f"{server}/postgres"
        self.dbname = f"sanfuwu_dups_{os.getpid()}"
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.dbname}"')
        self.db = psycopg.connect(f"{server}/{self.dbname}", autocommit=True)
        self.db.execute("CREATE UNLOGGED TABLE issue (id integer PRIMARY KEY, text text NOT NULL)")
        self.db.execute("CREATE UNLOGGED TABLE band (issue_id integer NOT NULL, key bigint NOT NULL)")

    def load(self, issues: list[tuple[int, str]], bands: list[tuple[int, int]]) -> None:
        with self.db.cursor().copy("COPY issue (id, text) FROM STDIN") as copy:
            for row in issues:
                copy.write_row(row)
        with self.db.cursor().copy("COPY band (issue_id, key) FROM STDIN") as copy:
            for row in bands:
                copy.write_row(row)

    def index(self) -> None:
        self.db.execute("CREATE INDEX band_key ON band (key, issue_id)")
        self.db.execute("VACUUM ANALYZE band")
        self.db.execute("VACUUM ANALYZE issue")

    def size(self) -> str:
        row = self.db.execute("SELECT pg_database_size(current_database())").fetchone()
        return f"数据库 {row[0] / 1e6:.0f} MB" if row else ""

    def candidates(self, keys: list[int]) -> list[int]:
        sql = (
            "SELECT issue_id FROM band WHERE key = ANY(%s) GROUP BY issue_id "
            "ORDER BY COUNT(*) DESC, issue_id DESC LIMIT %s"
        )
        return [r[0] for r in self.db.execute(sql, [keys, CANDIDATES])]

    def texts(self, ids: list[int]) -> list[tuple[int, str]]:
        return [(r[0], r[1]) for r in self.db.execute("SELECT id, text FROM issue WHERE id = ANY(%s)", [ids])]

    def close(self) -> None:
        import psycopg

        self.db.close()
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.dbname}"')


def duplicates() -> None:
    rng = random.Random(7)
    bases = [text for _code, text in corpus_examples()]
    bases += [
        line.split("\t", 1)[1]
        for line in (DATA / "triage_labelled.tsv").read_text("utf-8").splitlines()
        if line
    ]
    prefixes = ["", "来电人反映：", "网格员巡查发现，", "居民反映", "企业反映", "走访中了解到，"]
    places = ["头格社区", "中沙社区", "东沙湖社区", "白杨街道", "下沙街道", "医药港小镇", "新围村", ""]
    folder = Path(tempfile.mkdtemp(prefix="sanfuwu-dups-"))
    stores: list[Any] = [SqliteBands(folder)]
    if DUP_POSTGRES:
        stores.append(PostgresBands(DUP_POSTGRES))
    started = time.perf_counter()
    texts: list[str] = []
    batch_i: list[tuple[int, str]] = []
    batch_b: list[tuple[int, int]] = []
    for i in range(1, DUP_ISSUES + 1):
        text = rng.choice(prefixes) + rng.choice(places) + _variant(rng.choice(bases), rng)
        texts.append(text)
        batch_i.append((i, text))
        batch_b.extend((i, k) for k in band_keys(bigrams(text)))
        if len(batch_i) == 20000 or i == DUP_ISSUES:
            for store in stores:
                store.load(batch_i, batch_b)
            batch_i, batch_b = [], []
    for store in stores:
        store.index()
    built = time.perf_counter() - started
    queries = [_variant(texts[rng.randrange(len(texts))], rng) for _ in range(200)]
    measured = []
    for store in stores:
        times, results = [], []
        for query in queries:
            t0 = time.perf_counter()
            grams = bigrams(query)
            ids = store.candidates(band_keys(grams))
            found = [(jaccard(grams, bigrams(text)), pk) for pk, text in store.texts(ids)]
            found = [f for f in found if f[0] >= LIKELY]
            results.append([pk for _s, pk in sorted(found, reverse=True)[:10]])
            times.append((time.perf_counter() - t0) * 1000)
        measured.append((store, times, results))
    # Brute force over every text for the first RECALL_QUERIES searches, in one pass: the truth
    # the index is measured against.
    probe = [bigrams(q) for q in queries[:RECALL_QUERIES]]
    scored: list[list[tuple[float, int]]] = [[] for _ in probe]
    for pk, text in enumerate(texts, start=1):
        g = bigrams(text)
        for n, q in enumerate(probe):
            s = jaccard(q, g)
            if s >= LIKELY:
                scored[n].append((s, pk))
    truths = [[pk for _s, pk in sorted(hits, reverse=True)[:10]] for hits in scored]
    print(f"\n## 相似问题查找（{len(texts):,} 条问题，{BANDS} 个分段；生成、分段并写入 {built:.0f} s）")
    for store, times, results in measured:
        recalls = [len(set(results[n]) & set(t)) / len(t) for n, t in enumerate(truths) if t]
        print(f"{store.name}（{store.size()}）：每次查找 p50 {pct(times, 50):.1f} ms  p95 {pct(times, 95):.1f} ms；"
              f"recall@10（暴力查找中相似度 ≥ {LIKELY} 的前 10 条）{statistics.mean(recalls):.3f}，"
              f"{len(recalls)} 次查找有这样的结果")  # fmt: skip
        store.close()
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


def main() -> None:
    model = Model.loads(SHIPPED_MODEL.read_text("utf-8"))
    suggestion(model)
    splitting()
    duplicates()


if __name__ == "__main__":
    main()
