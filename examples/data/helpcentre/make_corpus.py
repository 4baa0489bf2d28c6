#!/usr/bin/env python3
"""Build corpus.jsonl (BEIR layout) from articles/*.md.

Each article becomes one line:
    {"_id": "<file name>", "title": "<the # title>", "text": "<body without the title line>"}

Lines are sorted by file name, so the output is deterministic.

Usage:
    python3 make_corpus.py           # (re)write corpus.jsonl
    python3 make_corpus.py --check   # exit 1 if corpus.jsonl is stale or the
                                     # queries, qrels or access labels are inconsistent
"""
import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "articles"
CORPUS = HERE / "corpus.jsonl"
QUERIES = HERE / "queries.jsonl"
QRELS = HERE / "qrels" / "test.tsv"
ACCESS = HERE / "access.json"


def article_record(path: Path) -> dict:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("# "):
        raise SystemExit(f"{path.name}: first line must be a '# Title' heading")
    title = lines[0][2:].strip()
    text = "\n".join(lines[1:]).strip()
    return {"_id": path.name, "title": title, "text": text}


def render_corpus() -> str:
    paths = sorted(ARTICLES.glob("*.md"), key=lambda p: p.name)
    return "".join(
        json.dumps(article_record(p), ensure_ascii=False) + "\n" for p in paths
    )


def check(expected: str) -> list:
    problems = []
    if not CORPUS.exists() or CORPUS.read_text(encoding="utf-8") != expected:
        problems.append("corpus.jsonl is stale: run python3 make_corpus.py")
    doc_ids = {json.loads(line)["_id"] for line in expected.splitlines()}

    query_ids = set()
    for n, line in enumerate(QUERIES.read_text(encoding="utf-8").splitlines(), 1):
        q = json.loads(line)
        if q["_id"] in query_ids:
            problems.append(f"queries.jsonl:{n}: duplicate id {q['_id']}")
        query_ids.add(q["_id"])
        if not q.get("text", "").strip():
            problems.append(f"queries.jsonl:{n}: empty text")

    with QRELS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    if rows[0] != ["query-id", "corpus-id", "score"]:
        problems.append("qrels/test.tsv: bad header")
    best = {}
    for n, (qid, did, score) in enumerate(rows[1:], 2):
        if qid not in query_ids:
            problems.append(f"qrels/test.tsv:{n}: unknown query {qid}")
        if did not in doc_ids:
            problems.append(f"qrels/test.tsv:{n}: unknown doc {did}")
        if score not in ("1", "2"):
            problems.append(f"qrels/test.tsv:{n}: score must be 1 or 2")
        best[qid] = max(best.get(qid, 0), int(score))
    for qid in sorted(query_ids):
        if best.get(qid) != 2:
            problems.append(f"{qid}: no grade-2 document")

    access = json.loads(ACCESS.read_text(encoding="utf-8"))
    for did in access:
        if did not in doc_ids:
            problems.append(f"access.json: unknown doc {did}")
    return problems


def main() -> None:
    expected = render_corpus()
    if sys.argv[1:] == ["--check"]:
        problems = check(expected)
        for p in problems:
            print(p, file=sys.stderr)
        sys.exit(1 if problems else 0)
    if sys.argv[1:]:
        raise SystemExit(__doc__)
    CORPUS.write_text(expected, encoding="utf-8")
    print(f"wrote {CORPUS.name}: {len(expected.splitlines())} articles")


if __name__ == "__main__":
    main()
