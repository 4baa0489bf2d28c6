"""Shared machinery of the held-out split builders heldout3.py to heldout6.py (run by hand,
never in CI).

A split file keeps its pins, its readers (heldout<N>_sources.py) and what differs between
splits, gathered in a `Split`; `main(split)` then fetches and unpacks the pinned packages
(registry.py, sha256-checked), reads the rows, drops duplicates and near-duplicates (within
the split, of a train text, of an earlier held-out split; dedupe.py), caps the share of
attacks of any one package, and writes heldout<N>.jsonl, SOURCES<N>.md (SOURCES<N>_HEAD.md +
generated tables) and --work/heldout<N>-stats.json. Earlier held-out splits are only hashed
into shingle sets; their texts are never printed, logged or kept.

Shingles (`shingles`): normalised word 8-grams, as in heldout2.py. A text written mostly in CJK,
kana, hangul or Thai script has no spaces, so it uses character 12-grams instead (no spaces,
after the same normalisation); the near-duplicate checks (dedupe.py) use them. heldout3.shingles
is this function (heldout4.py, extra_train2.py and guard_train/own_common.py import it from there).

heldout4.py, heldout5.py and heldout6.py make their Split with `marked_split` (sources
"package version: path", attacks with a test marker tagged " [marked]"), pin their LibreOffice
help packages with `libreoffice_pin` and read them with `libreoffice_readers`; their readers take
the literal constants of a package's Python file with `module_constants` (parsed, never run).
"""

from __future__ import annotations

import argparse
import ast
import collections
import dataclasses
import hashlib
import json
import random
import re
import sys
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import dedupe as D  # noqa: E402
import registry  # noqa: E402
from build import norm  # noqa: E402
from heldout2 import OUT, paragraphs_to_chunks, strip_html  # noqa: E402

# ---------------------------------------------------------------------------------------
# shingles: word 8-grams, or character 12-grams for text without word spaces

NO_SPACE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f\uf900-\ufaff]")


def shingles(text: str, n: int = 8, k: int = 12) -> set[int]:
    """Hashed shingles of `text`: normalised word n-grams, or character k-grams (spaces
    removed) when at least a third of its letters are CJK, kana, hangul or Thai."""
    t = norm(text)
    letters = [c for c in t if c.isalpha()]
    if letters and len(NO_SPACE_SCRIPT.findall(t)) * 3 >= len(letters):
        s = t.replace(" ", "")
        grams = [s] if len(s) < k else [s[i: i + k] for i in range(len(s) - k + 1)]
    else:
        w = t.split()
        grams = [" ".join(w)] if 0 < len(w) < n else [" ".join(w[i: i + n]) for i in range(len(w) - n + 1)]
    return {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams if g}


# ---------------------------------------------------------------------------------------
# choices a split makes (tie-breaks of the attack cap)


def largest_first_seen(by_pkg: collections.Counter) -> tuple[str, int]:
    """The package with the most attacks; on a tie, the one whose attack came first."""
    return by_pkg.most_common(1)[0]


def largest_by_name(by_pkg: collections.Counter) -> tuple[str, int]:
    """The package with the most attacks; on a tie, the first by name."""
    return sorted(by_pkg.items(), key=lambda kv: (-kv[1], kv[0]))[0]


@dataclasses.dataclass
class Split:
    """What one held-out split sets; the rest is shared."""

    number: int  # N in heldoutN.jsonl, SOURCES<N>.md, ids h<N>-...
    doc: str  # the split file's docstring (--help)
    seed: int
    pins: list  # (kind, name, version, file, sha256, licence)
    readers: list  # (package, reader(root, add, notes, rng)): attack readers, then benign ones
    earlier: tuple  # file names of the earlier held-out splits (in OUT) it is deduped against
    package: Callable[[dict], str]  # package of a row (from its `source`)
    source_key: Callable[[str], tuple[str, str]]  # (package, path pattern) for the per-source table
    raw_within: Callable[[dict], bool]  # rows compared within the split by raw text only
    near_per_label: bool  # within-split near-duplicates only among rows of the same label
    cap_pick: Callable[[collections.Counter], tuple[str, int]]  # package the cap trims first
    marked_table: Callable[[list], list]  # SOURCES table of rows with a test marker (md lines)
    marked_stats: Callable[[list], collections.Counter] | None = None  # stats["marked"], if any
    tag: Callable[[str, str, str], str] | None = None  # (label, source, text) -> source
    short_sha: bool = False  # SOURCES pin table shows sha256[:16]… instead of all of it
    attack_cap: float = 0.30  # no package gives more than this share of the attacks
    versions: dict | None = None  # the readers' package -> version map, filled from pins by main

    @property
    def name(self) -> str:
        return f"heldout{self.number}"


# ---------------------------------------------------------------------------------------
# splits of heldout4.py's kind (heldout4/5/6.py): source "package version: path[ item]"

# families made by a character-level transform: compared within the split by raw text only,
# because normalisation undoes the transform (still checked against train and held-out splits)
TRANSFORMED = {"invisible", "homoglyph", "encoded"}


def package_of(row: dict) -> str:
    """Package of a row whose source is "package version: path[ item]"."""
    return row["source"].split(" ", 1)[0]


def marked_tag(mark: re.Pattern, always: tuple = ()) -> Callable[[str, str, str], str]:
    """Split.tag that appends " [marked]" to the source of an attack whose text `mark` finds a
    canary token or test marker in (or whose package is one of `always`)."""
    def tag(label: str, source: str, text: str) -> str:
        if label == "attack" and (mark.search(text) or package_of({"source": source}) in always):
            source += " [marked]"
        return source
    return tag


def marked_stats(rows: list[dict]) -> collections.Counter:
    return collections.Counter(f"{r['label']} | {package_of(r)}" for r in rows if r["source"].endswith(" [marked]"))


def marked_table(rows: list[dict]) -> list[str]:
    marked = collections.Counter((r["label"], package_of(r)) for r in rows if r["source"].endswith(" [marked]"))
    md = ["### Rows whose text carries a canary token or test marker (`[marked]` in `source`)", "",
          "| label | package | n |", "|---|---|---:|"]
    return md + [f"| {a} | {p} | {n} |" for (a, p), n in sorted(marked.items())] + [""]


def marked_split(number: int, doc: str, seed: int, pins: list, sources, source_key, mark: re.Pattern,
                 always_marked: tuple = ()) -> Split:
    """The Split of heldout<number>.py: rows read by `sources` (its ATTACK_READERS, then its
    BENIGN_READERS; its VERSIONS filled from `pins`), deduped against every earlier held-out split,
    near-duplicates within the split dropped per label (a benign document that is the clean twin
    of an attack document is kept), TRANSFORMED families compared within the split by raw text,
    the attack cap trimming the largest package (first by name on a tie), attacks tagged by
    `marked_tag(mark, always_marked)`."""
    return Split(
        number=number, doc=doc, seed=seed, pins=pins, readers=sources.ATTACK_READERS + sources.BENIGN_READERS,
        earlier=("heldout.jsonl", *(f"heldout{i}.jsonl" for i in range(2, number))), package=package_of,
        source_key=source_key, raw_within=lambda r: r["family"] in TRANSFORMED, near_per_label=True,
        cap_pick=largest_by_name, marked_table=marked_table, marked_stats=marked_stats,
        tag=marked_tag(mark, always_marked), versions=sources.VERSIONS)


# ---------------------------------------------------------------------------------------
# reading helpers of heldout4/5/6_sources.py


def module_constants(path: Path) -> dict:
    """Top-level `NAME = <literal>` assignments of a Python file (not imported, not run)."""
    out = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass  # f-strings and expressions: not read
    return out


# ---------------------------------------------------------------------------------------
# LibreOffice help packages (benign documents of heldout4/5/6)

LO_VER = "4:7.4.7-1+deb12u14"
LO_FILE = "_4%3a7.4.7-1+deb12u14_all.deb"


def libreoffice_pin(name: str, sha: str) -> tuple:
    """PINS row of the Debian package `name` (libreoffice-help-<lang>) at LO_VER."""
    return ("deb", name, LO_VER, name + LO_FILE, sha, "MPL-2.0")


def libreoffice_help(pkg: str, dirs: dict, n: int, keep: Callable[[str, str], bool], note: str,
                     src: Callable[[str, str], str]):
    """Reader of the LibreOffice help package `pkg`: `n` chunks (200-1200 characters) of the
    pages under usr/share/libreoffice/help/<folder>/text, sampled from those `keep(chunk, lang)`
    accepts. dirs: package -> (help folder, language of the rows). note: what is written to
    SOURCES<N>.md, formatted with pkg, n and total (the chunks kept). src(pkg, path): the source."""
    def reader(root, add, notes, rng):
        d, lang = dirs[pkg]
        base = root / "usr" / "share" / "libreoffice" / "help" / d / "text"
        chunks = []
        for p in sorted(base.rglob("*.html")):
            body = p.read_text(encoding="utf-8", errors="replace")
            body = re.split(r"<body[^>]*>", body, maxsplit=1)[-1]
            for c in paragraphs_to_chunks(strip_html(body), 200, 1200):
                if keep(c, lang):
                    chunks.append((p.relative_to(root).as_posix(), c))
        for path, c in rng.sample(chunks, n):
            add("benign", "document", lang, src(pkg, path), c)
        notes.append(note.format(pkg=pkg, n=n, total=len(chunks)))
    return reader


def libreoffice_readers(dirs: dict, n: int, keep, note: str, src) -> list:
    """(package, reader) of every package of `dirs`, in its order (see libreoffice_help)."""
    return [(pkg, libreoffice_help(pkg, dirs, n, keep, note, src)) for pkg in dirs]


def fetch_and_unpack(split: Split, work: Path) -> dict[str, Path]:
    roots = {}
    for kind, name, ver, fname, sha, _lic in split.pins:
        path = registry.download(kind, name, ver, work / "downloads", fname, sha)
        roots[name] = registry.extract(path, work / "unpacked" / name)
    return roots


def cap_attacks(split: Split, rows: list[dict], rng: random.Random, dropped: collections.Counter) -> list[dict]:
    """Drops attacks of the largest package, at random, until it gives <= attack_cap of them."""
    package, cap = split.package, split.attack_cap
    while True:
        attacks = [r for r in rows if r["label"] == "attack"]
        by_pkg = collections.Counter(package(r) for r in attacks)
        pkg, n = split.cap_pick(by_pkg)
        others = len(attacks) - n
        limit = int(cap * others / (1 - cap))
        if n <= limit + 1:
            return rows
        mine = [i for i, r in enumerate(rows) if r["label"] == "attack" and package(r) == pkg]
        drop = set(rng.sample(mine, n - limit))
        dropped[f"over the {int(cap * 100)} % per-package cap of attacks | {pkg}"] += len(drop)
        rows = [r for i, r in enumerate(rows) if i not in drop]


def _names(files) -> str:
    """("heldout.jsonl", "heldout2.jsonl", "heldout3.jsonl") -> "heldout, heldout2 or heldout3"."""
    names = [f.removesuffix(".jsonl") for f in files]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def dedupe(split: Split, rows: list[dict], dropped: collections.Counter) -> list[dict]:
    """Drops exact duplicates, then near-duplicates of an earlier row of the split (per label if
    near_per_label), of a train text (one direction) and of an earlier held-out split (hashed
    shingles only; no text of it is printed, logged or kept). Counter keys: "reason | package".

    A row made by a character-level transform (zero-width characters, homoglyphs, encodings) of
    a row already in the split normalises to (nearly) the same text: `raw_within` rows are
    compared within the split by their raw text only."""
    same_label = " of the same label" if split.near_per_label else ""
    policy = D.Policy(
        shingle=shingles,
        key=lambda r: r["text"] if split.raw_within(r) else D.norm_key(r),
        exact=f"exact duplicate within {split.name}",
        keys=lambda reason, r: (f"{reason} | {split.package(r)}",),
        steps=[D.Own(f"near-duplicate of an earlier {split.name} text{same_label}",
                     tag=(lambda r: r["label"]) if split.near_per_label else None, skip=split.raw_within),
               D.Ref(D.train_files(), both=False, reason="near-duplicate of a train text"),
               D.Ref([OUT / f for f in split.earlier], both=True,
                     reason=f"near-duplicate of a {_names(split.earlier)} text")])
    return D.dedupe(rows, policy, dropped)


def write_sources_md(split: Split, out_dir: Path, rows: list[dict], dropped: collections.Counter,
                     read_notes: list[str]):
    """SOURCES<N>.md = SOURCES<N>_HEAD.md + the package table and counts generated here."""
    md = [(HERE / f"SOURCES{split.number}_HEAD.md").read_text(encoding="utf-8").rstrip(), ""]
    md += counts_md(split, rows, dropped, read_notes, f"{split.name}.py")
    (out_dir / f"SOURCES{split.number}.md").write_text("\n".join(md) + "\n", encoding="utf-8")


def counts_md(split: Split, rows: list[dict], dropped: collections.Counter, read_notes: list[str],
              builder: str) -> list[str]:
    """The generated part of a split's report (md lines): the pinned packages (checked by
    `builder`), counts per family, language, package and source, marked rows, what was dropped
    and what was left out when reading."""
    package = split.package
    md = [f"## Packages (pinned, sha256-checked by {builder})", "",
          "| registry | package | version | licence | file | sha256 |", "|---|---|---|---|---|---|"]
    md += [f"| {k} | {n} | {v} | {lic} | `{f}` | `{sha[:16] + '…' if split.short_sha else sha}` |"
           for k, n, v, f, sha, lic in split.pins]
    lab = collections.Counter(r["label"] for r in rows)
    md += ["", "## Counts", "", f"{lab['attack']} attacks, {lab['benign']} benign texts.", ""]
    for title, key in (("label and family", lambda r: (r["label"], r["family"])),
                       ("label and language", lambda r: (r["label"], r["lang"])),
                       ("label and package", lambda r: (r["label"], package(r)))):
        c = collections.Counter(key(r) for r in rows)
        md += [f"### Per {title}", "", "| label | value | n |", "|---|---|---:|"]
        md += [f"| {a} | {b} | {n} |" for (a, b), n in sorted(c.items())] + [""]
    md += split.marked_table(rows)
    c2 = collections.Counter((*split.source_key(r["source"]), r["label"], r["family"], r["lang"]) for r in rows)
    md += ["### Per source (package, path inside it), label, family, language", "",
           "| package | path | label | family | lang | n |", "|---|---|---|---|---|---:|"]
    md += [f"| {p} | `{q}` | {a} | {f} | {l} | {n} |" for (p, q, a, f, l), n in sorted(c2.items())]
    md += ["", "### Dropped", "", "| reason | package | n |", "|---|---|---:|"]
    md += [f"| {k.split(' | ')[0]} | {k.split(' | ')[1]} | {n} |" for k, n in sorted(dropped.items())]
    md += ["", "### Left out when reading (not counted above)", ""] + [f"- {n}" for n in read_notes]
    return md


def main(split: Split):
    """Command line of a split file: --work (downloads, unpacked packages, stats), --out."""
    ap = argparse.ArgumentParser(description=split.doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path(f"/tmp/guard-{split.name}-work"))
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    if split.versions is not None:
        split.versions.update({n: v for _k, n, v, _f, _s, _l in split.pins})
    roots = fetch_and_unpack(split, args.work)

    rows: list[dict] = []
    notes: list[str] = []

    def add(label, family, lang, source, text):
        text = text.strip()
        if text:
            if split.tag:
                source = split.tag(label, source, text)
            rows.append({"text": text, "label": label, "family": family, "lang": lang,
                         "source": source, "split": split.name})

    for i, (pkg, reader) in enumerate(split.readers):
        reader(roots[pkg], add, notes, random.Random(split.seed + i))

    dropped: collections.Counter = collections.Counter()
    rows = dedupe(split, rows, dropped)
    rows = cap_attacks(split, rows, random.Random(split.seed - 1), dropped)

    counters: collections.Counter = collections.Counter()
    with open(args.out / f"{split.name}.jsonl", "w", encoding="utf-8") as fh:
        for r in rows:
            prefix = f"h{split.number}-{r['label'][0]}-{r['family']}"
            counters[prefix] += 1
            fh.write(json.dumps({"id": f"{prefix}-{counters[prefix]:04d}", **r}, ensure_ascii=False) + "\n")
    stats = {"label": collections.Counter(r["label"] for r in rows),
             "family": collections.Counter(f"{r['label']} | {r['family']}" for r in rows),
             "lang": collections.Counter(f"{r['label']} | {r['lang']}" for r in rows),
             "package": collections.Counter(f"{r['label']} | {split.package(r)}" for r in rows)}
    if split.marked_stats:
        stats["marked"] = split.marked_stats(rows)
    stats["dropped"] = dropped
    stats = {k: dict(sorted(v.items())) for k, v in stats.items()}
    write_sources_md(split, args.out, rows, dropped, notes)
    (args.work / f"{split.name}-stats.json").write_text(json.dumps(stats, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(stats, indent=1, ensure_ascii=False))
