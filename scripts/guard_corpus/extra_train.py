#!/usr/bin/env python3
"""Train-only data added in i10 (issue 8, point 7), run by hand:

    python3 scripts/guard_corpus/extra_train.py --work /tmp/extra-train-work

Writes two files the trainer reads with --extra (scripts/guard_train/train.sh):

- scripts/guard_train/more-sources.jsonl: attacks and benign look-alikes from pinned PyPI
  packages that are not held-out sources (more_train.py: agentdojo, inspect_evals'
  agent_threat_bench, h4rm3l, langkit) and our own multilingual writing (ml_more.py);
- scripts/guard_train/benign-docs.jsonl: benign long documents in many languages as
  retrieved text (Debian's translated man pages and the Debian Reference, pinned .deb
  packages), so the learned detector's windows over documents do not fire. Unlike
  augment.jsonl (a walk of what is installed under /usr/share), this list is reproducible:
  packages by version and sha256, files picked by a hash of their path, all listed in
  scripts/guard_train/benign-docs.manifest.

The corpus files (train.jsonl, heldout.jsonl) are not changed. A new text is dropped when it
is an exact duplicate of a train text or would make a held-out text a near-duplicate by the
split rule (build.add_new_train; the held-out file is read only for that check and only
counts are printed). Deterministic: pinned inputs, sorted walks, seeded generators.
"""
from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import html
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CORPUS = REPO / "llmops-guard" / "tests" / "data" / "injection"
TRAIN_DIR = REPO / "scripts" / "guard_train"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(TRAIN_DIR))

import build  # noqa: E402  (shingles, add_new_train)
import more_train  # noqa: E402
import ml_more  # noqa: E402
import registry  # noqa: E402

SEED = 20261124

# name, version, file, sha256, licence
PINS = [
    ("agentdojo", "0.1.35", "agentdojo-0.1.35-py3-none-any.whl",
     "364bea4219716b716bf639f504d195943f7f6a5535d312ca41d7098704a2affd", "MIT"),
    ("inspect_evals", "0.26.0", "inspect_evals-0.26.0-py3-none-any.whl",
     "b76d15813182807da141a0f06bb6f18a5f82d1f06291ec2633bb84cdf661f8d0", "MIT"),
    ("h4rm3l", "0.2.4", "h4rm3l-0.2.4-py3-none-any.whl",
     "e3b1c8d08abe720dc72cea10c11ad52baf1831af39b63862c6412affdaa54dd3", "MIT"),
    ("langkit", "0.0.35", "langkit-0.0.35-py3-none-any.whl",
     "602cb673af70138691cd7709fb451af62a0927f1c396ff2cbbcba86dae886305", "Apache-2.0"),
]

# Debian bookworm packages: name, version, sha256 of the .deb
DEBS = [
    ("debian-reference-de", "2.100", "3b0ce65fd63e75ddf8eb07ca36293425135080e690a07e06a6ac8bc8040ef0aa"),
    ("debian-reference-en", "2.100", "9f31d3a17df505de09689ca255512ea58c1fc47c59bb1b0c7bf1c23362e9743f"),
    ("debian-reference-es", "2.100", "a59b68c96f83d3cf29a476c847aee38364764603ea62eee592791e0a843a269e"),
    ("debian-reference-fr", "2.100", "01424cba9bfa2e13166da22d3d692d33a22ec7d8ef935ec81fd8802746087f65"),
    ("debian-reference-it", "2.100", "7894062a5e9203a57ec6cb8d6a47d5ffb58c41dc004766522f1b4d78b2a8e0c6"),
    ("debian-reference-ja", "2.100", "f67140e0b994409413bd5fcc8dfcce832445c99d724401f0275fa238daf30325"),
    ("debian-reference-pt", "2.100", "c9c5d30a8608485bad60f7bd7ce6c755af4a129c2b30511ee733b90ac17e7dfa"),
    ("debian-reference-zh-cn", "2.100", "6d2d8d9a646397e28b04cdff23d2e4374101ebf9be348e35961af62c8a2d0977"),
    ("manpages-cs", "4.18.1-1", "2c3c32887089fe16b173073cbd72fd5f000911f1b9b8f384f3f46e01fce39791"),
    ("manpages-da", "4.18.1-1", "977b0dee2ab0d0315cc8f0864dd1c89473ece240033e1651a1c23a62e66afff4"),
    ("manpages-de", "4.18.1-1", "37d2e7ee51f22952aecec3af93647ff59194a3c74bb7a694560f49c7f7ab3978"),
    ("manpages-es", "4.18.1-1", "d21e9f85e487f149ae45b5c525b2b1a70ae7fd38d4b05b47c8753042c66f4c2b"),
    ("manpages-fi", "4.18.1-1", "a0491e7141cd540896388fd3d4f394fa96657838780bf7f213eb5e529b0880dd"),
    ("manpages-fr", "4.18.1-1", "ec29759cc0e4a44dc7719c1e32869d0060667049e584f09556f0d982b969ea33"),
    ("manpages-hu", "1:4.18.1-1", "f4f4556a25194958d08fe9c87c946294a1ad4bd2b265bdc71d9ae1883e5ea2cf"),
    ("manpages-id", "4.18.1-1", "b769b5398ecffe6db6e4170973a081bbd905e254ce768b34650ec1d1fb7ae9c2"),
    ("manpages-it", "4.18.1-1", "4b18e87cc1b6a930d40949ddc86fb8e84b50da1a862cd17e2a504eeb8e3b4e48"),
    ("manpages-ja", "0.5.0.0.20221215+dfsg-1", "4d270e9a1e83be4de0c072a110892a17dc9caa4b501257324006ac28d82c5743"),
    ("manpages-nl", "4.18.1-1", "c1ac0e9fb2ff88a8d7f796042ce7d876fa8918e5d3367521c7f09dd885eb3b2d"),
    ("manpages-pl", "1:4.18.1-1", "31e518ea8331b5204d4fd0032037f96af1ba94a5afa4f0585dca1996b270cdf9"),
    ("manpages-pt-br", "4.18.1-1", "da971a7bc0107f7b74b4ae592d1d7cc6424fa7e77cc1808f5c110a07edaf3890"),
    ("manpages-ro", "4.18.1-1", "1d1d32dbc090850c1e796fd51156ae3852e1cc46a22d712493800182817f6024"),
    ("manpages-ru", "4.18.1-1", "5d5821dad5840652ba9c1c6b85bdc785c1fc52148a71c18fab6658c9659244c0"),
    ("manpages-sv", "4.18.1-1", "12b386ce4e11fadf3c05b55a813c81df129d244606ba3383da586d39a4a8cca4"),
    ("manpages-tr", "2.0.6-2", "babf3ded00dd7c30db8fb333c1ff482fd5a52483d2bffec7557e3f78ed77eef1"),
    ("manpages-uk", "4.18.1-1", "7ad64b12010584a6cc10a341ba561a6774e8493166524f386bcd9fd7cbebdd5b"),
    ("manpages-vi", "4.18.1-1", "c3fb89f768663013c87babcad3fdd525588edb2c9a91a9d1c74dc33c1a6ee73b"),
]


def fetch(dl: Path) -> dict[str, Path]:
    out = {name: registry.download("pypi", name, ver, dl, fname, sha) for name, ver, fname, sha, _ in PINS}
    # apt-get names the .deb itself (an epoch as %3a): found by name and sha256
    out.update({name: registry.download("deb", name, ver, dl, sha=sha) for name, ver, sha in DEBS})
    return out


def unpack(paths: dict[str, Path], work: Path) -> dict[str, Path]:
    return {name: registry.extract(p, work / "unpacked" / name) for name, p in paths.items()}


def picked(path: str, percent: int) -> bool:
    return int(hashlib.sha256(path.encode()).hexdigest()[:8], 16) % 100 < percent


def troff_to_text(t: str) -> str:
    lines = []
    for ln in t.splitlines():
        if ln.startswith(('.\\"', "'\\\"")):
            continue
        if ln.startswith("."):
            parts = ln.split(None, 1)
            if parts[0] in (".SH", ".SS", ".B", ".I", ".BR", ".IR", ".BI", ".RB", ".IB") and len(parts) > 1:
                lines.append(parts[1].replace('"', ""))
            elif parts[0] in (".PP", ".P", ".LP", ".TP", ".IP", ".sp", ".br"):
                lines.append("")
            continue
        ln = re.sub(r"\\f[BIRP]|\\f\[[A-Z]*\]|\\\(..|\\\[[a-z]+\]|\\[&e]|\\\*\(..|\\s[+-]?\d", "", ln)
        lines.append(ln.replace("\\-", "-").replace("\\(aq", "'"))
    return "\n".join(lines)


def chunks(text: str, lo: int = 400, hi: int = 3000) -> list[str]:
    """Paragraph-aligned pieces of lo..hi characters."""
    out, cur = [], ""
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if not para:
            continue
        if len(cur) + len(para) > hi and len(cur) >= lo:
            out.append(cur)
            cur = ""
        cur = f"{cur}\n\n{para}" if cur else para
    if len(cur) >= lo:
        out.append(cur[:hi * 2])
    return out


MAN_LANG = {"pt_BR": "pt", "zh_CN": "zh"}


def debian_docs(roots: dict[str, Path], rng: random.Random):
    """(lang, source, group, text, file) of the pinned Debian documentation packages."""
    for name, _ver, _sha in DEBS:
        root = roots[name]
        if name.startswith("manpages-"):
            files = sorted(p for p in root.rglob("*.gz") if "/man/" in p.as_posix())
            for p in files:
                rel = p.relative_to(root).as_posix()
                if not picked(rel, 12):
                    continue
                lang = rel.split("/")[3]
                lang = MAN_LANG.get(lang, lang.split("_")[0])
                try:
                    t = troff_to_text(gzip.decompress(p.read_bytes()).decode("utf-8"))
                except (UnicodeDecodeError, OSError, EOFError):
                    continue
                for c in chunks(t)[:2]:
                    yield lang, f"debian:{name}:{rel}", f"docs:{name}", c, rel
        else:
            lang = name.split("-", 2)[2]
            lang = {"zh-cn": "zh"}.get(lang, lang)
            for p in sorted(root.rglob("*.txt.gz")):
                rel = p.relative_to(root).as_posix()
                t = gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                cs = chunks(t)
                rng.shuffle(cs)
                for c in cs[:80]:
                    yield lang, f"debian:{name}:{rel}", f"docs:{name}", c, rel


def agentharm_docs(root: Path):
    base = root / "inspect_evals" / "agentharm" / "benchmark" / "benign_tools" / "content"
    for p in sorted(base.glob("*.txt")):
        for c in chunks(p.read_text()):
            yield "en", f"inspect_evals:agentharm/benchmark/benign_tools/content/{p.name}", "inspect_evals:agentharm-content", c


def load_jsonl(path: Path, split: str | None = None):
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if split is None or r.get("split") == split:
                rows.append(r)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/extra-train-work"))
    args = ap.parse_args()
    roots = unpack(fetch(args.work / "downloads"), args.work)
    py = {k: roots[k] for k, *_ in PINS}

    rows = []

    def add(label, family, lang, source, group, text):
        rows.append({"text": text, "label": label, "family": family, "lang": lang,
                     "source": source, "group": group})

    rng = random.Random(SEED)
    for r in more_train.agentdojo(py["agentdojo"], rng):
        add(*r)
    for r in more_train.agent_threat_bench(py["inspect_evals"]):
        add(*r)
    for r in more_train.h4rm3l(py["h4rm3l"], random.Random(SEED + 1)):
        add(*r)
    for r in more_train.langkit(py["langkit"]):
        add(*r)
    for r in ml_more.rows(random.Random(SEED + 2)):
        add(*r)
    docs, manifest = [], []
    for lang, src, group, text in agentharm_docs(py["inspect_evals"]):
        docs.append({"text": text, "label": "benign", "family": "document", "lang": lang,
                     "source": src, "group": group})
    for lang, src, group, text, rel in debian_docs(roots, random.Random(SEED + 3)):
        docs.append({"text": text, "label": "benign", "family": "document", "lang": lang,
                     "source": src, "group": group})
        manifest.append(f"{src.split(':')[1]}\t{rel}")

    # duplicates of train texts, and texts that would make a held-out text a near-duplicate
    kept = load_jsonl(CORPUS / "train.jsonl", "train") + load_jsonl(CORPUS / "heldout.jsonl", "heldout")
    for r in kept:
        r.setdefault("split", "train")
    for name in ("augment.jsonl", "seed.jsonl"):
        for r in load_jsonl(TRAIN_DIR / name):
            kept.append({**r, "split": "train"})
    stats = {}
    for name, new in (("more-sources.jsonl", rows), ("benign-docs.jsonl", docs)):
        out, exact, near = build.add_new_train(kept, new)
        stats[name] = {"in": len(new), "kept": len(out), "exact_duplicates": exact,
                       "near_duplicates_of_heldout": near}
        with open(TRAIN_DIR / name, "w", encoding="utf-8") as fh:
            for i, r in enumerate(out):
                fh.write(json.dumps({"id": f"{name.split('.')[0]}-{i:05d}", **r}, ensure_ascii=False) + "\n")
        counts = collections.Counter((r["source"].split(":")[0], r["label"], r["family"]) for r in out)
        print(name, stats[name])
        for k, v in sorted(counts.items()):
            print("  ", k, v)
    with open(TRAIN_DIR / "benign-docs.manifest", "w", encoding="utf-8") as fh:
        fh.write("# package version sha256 (Debian bookworm), then the files whose text is used\n")
        for name, ver, sha in DEBS:
            fh.write(f"{name}\t{ver}\t{sha}\n")
        for name, ver, fname, sha, lic in PINS:
            fh.write(f"{name}\t{ver}\t{sha}\t{fname}\t{lic}\n")
        fh.write("\n".join(sorted(set(manifest))) + "\n")


if __name__ == "__main__":
    main()
