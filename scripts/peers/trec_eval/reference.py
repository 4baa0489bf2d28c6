#!/usr/bin/env python3
"""Reference values for llmops-rag's retrieval metrics, computed by pytrec_eval (trec_eval).

Run by hand (see README.md): `run.sh` makes a venv with pytrec-eval-terrier and runs this.

Inputs: handmade.json (hand-written edge cases) and random.json (written here from a fixed
seed). Output: reference.json, which llmops-rag/tests/metrics_reference.rs compares with.

For each case and each convention:
  trec: the run as given (what trec_eval scores);
  beir: documents whose id equals the query id removed first (BEIR's
        EvaluateRetrieval.evaluate, ignore_identical_ids=True).
we record pytrec_eval's per-query values, the mean over the queries pytrec_eval returns
(judged queries present in the run: BEIR's mean) and the mean over every judged query with
missing ones scored 0 (trec_eval -c).

Metric names are llmops's: p@k (P.k), recall@k (recall.k), ndcg@k (ndcg_cut.k), map@k
(map_cut.k), map (map_cut.1000), hit@k (success.k), mrr@k (recip_rank on the ranking cut at
k; trec_eval has no cut version, so the ranking is cut here in trec_eval's order, which the
script first checks against pytrec_eval's uncut recip_rank).
"""

import json
import random
import sys
from pathlib import Path

import pytrec_eval

HERE = Path(__file__).resolve().parent
CUTOFFS = [1, 3, 5, 10, 100, 1000]
SEED = 20240604


def trec_sorted(docs):
    """trec_eval's order: score descending, then document id descending."""
    return sorted(docs.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)


def random_case():
    rng = random.Random(SEED)
    qrels, run = {}, {}
    for qi in range(40):
        q = f"r{qi}"
        # A corpus of 1500 ids written without padding, so byte order differs from numeric.
        pool = rng.sample(range(1500), 40)
        grades = [rng.choice([0, 0, 0, 1, 1, 2, 3]) for _ in pool]
        if qi % 13 == 5:
            grades = [0 for _ in pool]  # judged, nothing relevant
        qrels[q] = {f"d{d}": g for d, g in zip(pool, grades)}
        if qi % 17 == 3:
            continue  # judged but missing from the run
        depth = 0 if qi % 19 == 7 else (1100 if qi % 11 == 2 else rng.randint(20, 150))
        # Half the ranked documents come from the judged pool, so relevant ones rank often.
        ranked = set(rng.sample(pool, min(len(pool), depth // 2)))
        while len(ranked) < depth:
            ranked.add(rng.randrange(1500))
        # Scores in quarters: exact in binary and full of ties.
        run[q] = {f"d{d}": rng.randint(0, 60) / 4 for d in sorted(ranked)}
        if qi % 7 == 0:
            run[q][q] = 16.0  # the query's own id ranked first (BEIR ignores it)
    for qi in range(3):
        run[f"stray{qi}"] = {"d1": 1.0}  # not judged: ignored
    return {"qrels": qrels, "run": run}


def one_query_a_line(case):
    """The {"qrels": ..., "run": ...} layout of handmade.json: one query per line."""
    lines = ["{"]
    for i, part in enumerate(["qrels", "run"]):
        lines.append(f' "{part}": {{')
        items = list(case[part].items())
        for j, (q, docs) in enumerate(items):
            comma = "," if j < len(items) - 1 else ""
            lines.append(f"  {json.dumps(q)}: {json.dumps(docs)}{comma}")
        lines.append(" }" + ("," if i == 0 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def pytrec_values(qrels, run):
    measures = {
        "P." + ",".join(map(str, CUTOFFS)),
        "recall." + ",".join(map(str, CUTOFFS)),
        "ndcg_cut." + ",".join(map(str, CUTOFFS)),
        "map_cut." + ",".join(map(str, CUTOFFS)),
        "success." + ",".join(map(str, CUTOFFS)),
        "recip_rank",
    }
    full = pytrec_eval.RelevanceEvaluator(qrels, measures).evaluate(run)
    rr = pytrec_eval.RelevanceEvaluator(qrels, {"recip_rank"})
    out = {}
    for q, vals in full.items():
        ranked = trec_sorted(run[q])
        # The order used to cut for mrr@k must be trec_eval's: check it on the uncut ranking.
        first = next(
            (i for i, (d, _) in enumerate(ranked) if qrels[q].get(d, 0) >= 1), None
        )
        mine = 0.0 if first is None else 1.0 / (first + 1)
        assert abs(mine - vals["recip_rank"]) < 1e-12, (q, mine, vals["recip_rank"])
        row = {}
        for k in CUTOFFS:
            row[f"p@{k}"] = vals[f"P_{k}"]
            row[f"recall@{k}"] = vals[f"recall_{k}"]
            row[f"ndcg@{k}"] = vals[f"ndcg_cut_{k}"]
            row[f"map@{k}"] = vals[f"map_cut_{k}"]
            row[f"hit@{k}"] = vals[f"success_{k}"]
            cut = {q: dict(ranked[:k])}
            row[f"mrr@{k}"] = rr.evaluate(cut)[q]["recip_rank"] if ranked else 0.0
        row["map"] = vals["map_cut_1000"]
        out[q] = row
    return out


def summarise(qrels, run):
    per_query = pytrec_values(qrels, run)
    names = sorted(next(iter(per_query.values())).keys())
    present = {m: sum(v[m] for v in per_query.values()) / len(per_query) for m in names}
    complete = {m: sum(v[m] for v in per_query.values()) / len(qrels) for m in names}
    return {
        "evaluated": sorted(per_query),
        "per_query": {q: per_query[q] for q in sorted(per_query)},
        "mean_present": present,
        "mean_all": complete,
    }


def main():
    (HERE / "random.json").write_text(one_query_a_line(random_case()))
    cases = {}
    for name in ["handmade", "random"]:
        case = json.loads((HERE / f"{name}.json").read_text())
        qrels, run = case["qrels"], case["run"]
        beir_run = {q: {d: s for d, s in docs.items() if d != q} for q, docs in run.items()}
        cases[name] = {
            "trec": summarise(qrels, run),
            "beir": summarise(qrels, beir_run),
        }
    version = getattr(pytrec_eval, "__version__", None)
    if version is None:
        from importlib.metadata import version as v

        version = v("pytrec-eval-terrier")
    reference = {
        "generator": f"scripts/peers/trec_eval/reference.py with pytrec-eval-terrier {version}",
        "python": sys.version.split()[0],
        "cases": cases,
    }
    with open(HERE / "reference.json", "w") as f:
        json.dump(reference, f, indent=1, sort_keys=True)
        f.write("\n")
    for name, conv in cases.items():
        for c, s in conv.items():
            print(
                f"{name}/{c}: {len(s['evaluated'])} queries evaluated; "
                f"ndcg@10 {s['mean_present']['ndcg@10']:.4f} map {s['mean_present']['map']:.4f}"
            )


if __name__ == "__main__":
    main()
