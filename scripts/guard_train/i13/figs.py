#!/usr/bin/env python3
"""i13: figures of the recipe ablation (scripts/guard_train/i13/ablate.sh) on the two
development splits ($DEV, as ablate.sh).

    python3 scripts/guard_train/i13/figs.py NAME... [--families]

For each NAME: $WORK/NAME.out (the model's thresholds, as `--score-only` prints them) and
$WORK/NAME-h1.tsv / NAME-h2.tsv (SCORE_DUMP of the first and second held-out splits). Prints,
per split: at the model's own thresholds, learned alone and the default guard (learned OR
the rule detector) as detection / false positives; and, free of thresholds, learned alone at
the score that flags 1 %, 2 % and 5 % of the split's benign texts (how well it ranks).
--families adds the default guard per family at the model's own thresholds. --matched BASE
adds, per model, BASE's default-guard detection at the same false positives: BASE's learned
threshold raised (one threshold for both source kinds) until its default-guard false positives
are no more than the model's, the comparison a gate should make (i13: comparing each model
at its own thresholds measured the operating point more than the model)."""
import os
import re
import sys
from collections import defaultdict

WORK = os.environ.get("WORK", "/tmp/i13")
# the development splits ablate.sh scored (i13: h1 h2; i14 on: h3 h4)
DEV = os.environ.get("DEV", "h1 h2").split()


def thresholds(name):
    head = open(f"{WORK}/{name}.out").read()
    user = float(re.search(r"user ([0-9.]+)", head).group(1))
    retrieved = float(re.search(r"retrieved ([0-9.]+)", head).group(1))
    return user, retrieved


def rows(name, split):
    for line in open(f"{WORK}/{name}-{split}.tsv"):
        c = line.rstrip("\n").split("\t")
        if c[0] == "dev":
            yield {"attack": c[1] == "attack", "family": c[2], "retrieved": c[4] == "retrieved",
                   "p": float(c[6]), "rules": c[7] == "1"}


def at_fp(rs, fp):
    benign = sorted((r["p"] for r in rs if not r["attack"]), reverse=True)
    k = int(fp * len(benign))
    t = benign[k] if k < len(benign) else 0.0
    attacks = [r for r in rs if r["attack"]]
    return 100 * sum(r["p"] > t for r in attacks) / len(attacks)


def matched(base_rows, fp_target):
    """BASE's default-guard detection with the loosest learned threshold whose default-guard
    false positives are at most fp_target (%)."""
    att = [r for r in base_rows if r["attack"]]
    ben = [r for r in base_rows if not r["attack"]]
    for t in sorted({r["p"] for r in base_rows} | {1.01}):
        fp = pct(r["p"] >= t or r["rules"] for r in ben)
        if fp <= fp_target:
            return pct(r["p"] >= t or r["rules"] for r in att), fp
    return 0.0, 0.0


def pct(xs):
    xs = list(xs)
    return 100 * sum(xs) / max(len(xs), 1)


def main():
    args = sys.argv[1:]
    base = None
    if "--matched" in args:
        k = args.index("--matched")
        base = args[k + 1]
        del args[k:k + 2]
    names = [a for a in args if not a.startswith("--")]
    families = "--families" in args
    for split in DEV:
        print(f"\n{split}: {'name':>10} | learned | default guard | learned at 1 / 2 / 5 % FP")
        by_family = defaultdict(dict)
        for name in names:
            user, retrieved = thresholds(name)
            rs = list(rows(name, split))
            for r in rs:
                r["learned"] = r["p"] >= (retrieved if r["retrieved"] else user)
                r["guard"] = r["learned"] or r["rules"]
            att = [r for r in rs if r["attack"]]
            ben = [r for r in rs if not r["attack"]]
            print(f"{split}: {name:>10} | {pct(r['learned'] for r in att):5.1f} / {pct(r['learned'] for r in ben):4.1f} "
                  f"| {pct(r['guard'] for r in att):5.1f} / {pct(r['guard'] for r in ben):4.1f} "
                  f"| {at_fp(rs, .01):5.1f} / {at_fp(rs, .02):5.1f} / {at_fp(rs, .05):5.1f}"
                  + (f" | {base} at these FP: %5.1f / %4.1f" % matched(list(rows(base, split)), pct(r['guard'] for r in ben)) if base else ""))
            for r in rs:
                key = ("attack" if r["attack"] else "benign", r["family"])
                by_family[key].setdefault(name, []).append(r["guard"])
        if families:
            for (label, family), per in sorted(by_family.items()):
                cells = " ".join(f"{pct(per[n]):6.1f}" for n in names)
                print(f"{split}: {label} {family:22s} n={len(per[names[0]]):4d} {cells}")


if __name__ == "__main__":
    main()
