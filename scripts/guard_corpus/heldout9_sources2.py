"""More readers of the heldout9 packages (used by heldout9_sources.py; same conventions):
read-no-evil-mcp (sdist test payloads), secure-mcp-gateway (the poisoned tool descriptions and
outputs of its demo "bad" MCP servers), guardmeter (benign rows of its bundled sample) and
roguard-child-safety (its Romanian / Ukrainian lab-scenario messages)."""

from __future__ import annotations

import ast
import csv
import json
import re
from pathlib import Path

from fresh_dev_sources import add_benign
from heldout3_sources import literal_assign
from heldout5_sources import yaml_load
from heldout8_sources import add_attack, family_of
import heldout9_tables as T

VERSIONS = {}  # shared with heldout9_sources.VERSIONS (set there)


def src(pkg: str, path: str) -> str:
    return f"{pkg} {VERSIONS[pkg]}: {path}"


# ---------------------------------------------------------------------------------------
# read-no-evil-mcp (sdist): tests/integration/prompt_injection/payloads/*.yaml
# (category file; payloads: id, technique, payload, email_context {subject, body_plain, body_html})

RN_DIR = "read_no_evil_mcp-0.3.3/tests/integration/prompt_injection/payloads"


def rn_cases(root):
    for p in sorted((root / RN_DIR).glob("*.yaml")):
        for c in (yaml_load(p) or {}).get("payloads") or []:
            yield p.name, c


def rn_text(c) -> str:
    """The payload; for an email case, the email the package builds around it (its own subject and
    body, HTML when it has one)."""
    e = c.get("email_context")
    if not e:
        return c["payload"]
    body = e.get("body_html") or e.get("body_plain") or c["payload"]
    return f"Subject: {e.get('subject', '')}\n\n{body}".strip()


def rn_family(fname: str, c) -> str | None:
    tech = str(c.get("technique") or "")
    if fname == "character.yaml":
        return "homoglyph" if re.search(r"homoglyph|fullwidth|diacritic|combining|subscript", c["id"]) else "encoded"
    return T.RN_ID.get(c["id"]) or T.RN_TECHNIQUE.get(tech) or T.RN_FILE.get(fname)


def read_no_evil(root, add, notes, rng):
    n = 0
    for fname, c in rn_cases(root):
        if c["id"] in T.RN_BENIGN:
            continue
        n += 1
        text = rn_text(c)
        add_attack(add, rn_family(fname, c) or family_of(text), src("read-no-evil-mcp", f"{RN_DIR}/{fname} {c['id']}"), text,
                   "mul" if ("read-no-evil-mcp", c["id"]) in T.MUL else None)
    notes.append(f"read-no-evil-mcp: {n} test payloads of tests/integration/prompt_injection/payloads (sdist; family by "
                 "file / technique, heldout9_tables.RN_FILE / RN_TECHNIQUE, else `family_of`); an email case is the email "
                 "the package builds from its own email_context (subject and HTML or plain body)")


def read_no_evil_benign(root, add, notes, rng):
    n = 0
    for fname, c in rn_cases(root):
        if c["id"] in T.RN_BENIGN:
            n += 1
            add_benign(add, src("read-no-evil-mcp", f"{RN_DIR}/{fname} {c['id']}"), rn_text(c))
    notes.append(f"read-no-evil-mcp: benign = its {n} safe baseline payloads")


# ---------------------------------------------------------------------------------------
# secure-mcp-gateway: secure_mcp_gateway/bad_mcps/*.py plain string literals (tool descriptions
# and tool outputs of the demo servers), chosen by line (heldout9_tables.SM_ATTACK / SM_BENIGN)

SM_DIR = "secure_mcp_gateway/bad_mcps"


def sm_strings(root, fname):
    """line -> text of the plain string literals of a file (f-string parts not included)."""
    tree = ast.parse((root / SM_DIR / fname).read_text(encoding="utf-8"))
    parts = {id(v) for s in ast.walk(tree) if isinstance(s, ast.JoinedStr) for v in s.values}
    return {s.lineno: s.value for s in ast.walk(tree)
            if isinstance(s, ast.Constant) and isinstance(s.value, str) and id(s) not in parts}


def sm_rows(root, table):
    """(family, source, text) of each (file, line) that `table` keeps, in the table's order."""
    for fname, lines in table.items():
        strings = sm_strings(root, fname)
        for line, fam in lines.items():
            yield fam, src("secure-mcp-gateway", f"{SM_DIR}/{fname} line {line}"), strings[line]


def secure_mcp(root, add, notes, rng):
    n = 0
    for fam, source, text in sm_rows(root, T.SM_ATTACK):
        n += 1
        add_attack(add, fam, source, text)
    notes.append(f"secure-mcp-gateway: {n} poisoned tool descriptions / tool outputs of the demo servers in "
                 "secure_mcp_gateway/bad_mcps (indirect; authority where the text claims a verified / authorised "
                 "source); outputs with run-time `{slots}` and f-strings not read; command-injection, SSRF, RCE, "
                 "path, session and resource demos (vulnerability write-ups, not injections) left out")


def secure_mcp_benign(root, add, notes, rng):
    n = 0
    for fam, source, text in sm_rows(root, T.SM_BENIGN):
        n += 1
        add("benign", fam, "en", source, " ".join(text.split()))
    notes.append(f"secure-mcp-gateway: benign = {n} module / tool docstrings that describe the demo attacks "
                 "(jailbreak_discussion) and plain tool descriptions")


# ---------------------------------------------------------------------------------------
# guardmeter: guardmeter/data/builtin/sample.csv (id, text, label, category, language, attack_type, ...)

GM_FILE = "guardmeter/data/builtin/sample.csv"


def guardmeter_benign(root, add, notes, rng):
    n = 0
    with open(root / GM_FILE, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["label"] == "benign":
                n += 1
                add("benign", "general", r["language"], src("guardmeter", f"{GM_FILE} {r['id']}"), r["text"])
    notes.append(f"guardmeter: benign = its {n} `benign` sample rows (controls and benign-adjacent negatives, en / fa); "
                 "the unsafe and borderline rows are harmful-content requests, not injections, and are not used")


# ---------------------------------------------------------------------------------------
# roguard-child-safety: roguard/lab_scenarios.py MESSAGES (per language: the fictional messages
# its lab scenarios are built from; `conflict` is the injected instruction from another party)

RG_FILE = "roguard/lab_scenarios.py"


def rg_messages(root):
    return literal_assign(root / RG_FILE, "MESSAGES")


def roguard(root, add, notes, rng):
    n = 0
    for lang, msgs in rg_messages(root).items():
        n += 1
        add_attack(add, "override", src("roguard-child-safety", f"{RG_FILE} MESSAGES.{lang}.conflict"), msgs["conflict"], lang)
    notes.append(f"roguard-child-safety: its {n} `conflict` messages (an instruction from another party to drop the "
                 "data-sharing rules: override), in the package's own language keys")


def roguard_benign(root, add, notes, rng):
    n = 0
    for lang, msgs in rg_messages(root).items():
        for key, t in msgs.items():
            if key != "conflict":
                n += 1
                add("benign", "general", "mul" if key == "mixed" else lang,
                    src("roguard-child-safety", f"{RG_FILE} MESSAGES.{lang}.{key}"), t)
    notes.append(f"roguard-child-safety: benign = its other {n} scenario messages (requests, notes, summaries; the "
                 "`mixed` ones are bilingual: mul)")


# ---------------------------------------------------------------------------------------
# aix-framework: aix/payloads/{inject,jailbreak,leak,memory,extract,rag}.json ([{name, payload,
# category | type, ...}]) and guardrail_probes.json / fingerprint_probes.json ([{id, family, prompt}])

AIX_DIR = "aix/payloads"


def aix_items(root, fname):
    return json.loads((root / AIX_DIR / fname).read_text(encoding="utf-8"))


def aix(root, add, notes, rng):
    n = total = 0
    for fname, keep in T.AIX_KEEP.items():
        items = aix_items(root, fname)
        total += len(items)
        for i, x in enumerate(items):
            if i not in keep or "{" in x["payload"] and re.search(r"\{[A-Z_a-z]+\}", x["payload"]):
                continue
            fam = keep[i]
            if fam is None:
                fam = T.AIX_ITEM.get((fname, i))
                if fam is None:
                    fam = T.AIX_CATEGORY.get(x.get("category") or "")
                fam = fam or family_of(x["payload"])
            n += 1
            source = src("aix-framework", f"{AIX_DIR}/{fname} [{i}] {x['name']}")
            if (fname, i) in T.AIX_FORCE:
                add("attack", T.AIX_FORCE[(fname, i)], T.AIX_LANG.get((fname, i), "en"), source, x["payload"])
            else:
                add_attack(add, fam, source, x["payload"], T.AIX_LANG.get((fname, i)))
    for fname in ("guardrail_probes.json", "fingerprint_probes.json"):
        for x in aix_items(root, fname):
            label, fam = T.AIX_PROBES.get(x["family"], (None, None))
            if label == "attack":
                n += 1
                add_attack(add, fam or family_of(x["prompt"]), src("aix-framework", f"{AIX_DIR}/{fname} {x['id']}"), x["prompt"])
    notes.append(f"aix-framework: {n} payloads: the items of inject / jailbreak / leak / memory / extract / rag.json "
                 f"in heldout9_tables.AIX_KEEP (of {total}; family by the package's category through AIX_CATEGORY, by item, "
                 "else `family_of`) and the encoding-evasion / injection probes of guardrail_probes.json and "
                 "fingerprint_probes.json. Left out: SQL / XSS / agent / exfil / fuzz / DoS payloads, plain PII / "
                 "knowledge-base / document requests, canary and fishing probes, notes to the human tester, texts "
                 "with run-time slots, multi-turn sequences, harmful-content probes. Language: detected, or read "
                 "(AIX_LANG: Italian prose with English bracket tags, a Chinese instruction with a marker token)")


def aix_benign(root, add, notes, rng):
    n = 0
    for fname in ("guardrail_probes.json", "fingerprint_probes.json"):
        for x in aix_items(root, fname):
            label, fam = T.AIX_PROBES.get(x["family"], (None, None))
            if label == "benign":
                n += 1
                add_benign(add, src("aix-framework", f"{AIX_DIR}/{fname} {x['id']}"), x["prompt"], fam)
    notes.append(f"aix-framework: benign = its {n} benign-baseline / meta-information / multilingual-greeting probes")


# ---------------------------------------------------------------------------------------
# toolium: toolium/utils/ai_utils/prompt_injection.py prompt_injection_examples (kind -> example -> text
# or list of turns)

TL_FILE = "toolium/utils/ai_utils/prompt_injection.py"


def toolium(root, add, notes, rng):
    examples = literal_assign(root / TL_FILE, "prompt_injection_examples")
    n = 0
    for (kind, ex), (fam, lang) in T.TL_KEEP.items():
        t = examples[kind][ex]
        t = "\n".join(t) if isinstance(t, list) else t
        n += 1
        add_attack(add, fam or family_of(t), src("toolium", f"{TL_FILE} prompt_injection_examples.{kind}.{ex}"), t, lang)
    notes.append(f"toolium: {n} of its prompt_injection_examples (heldout9_tables.TL_KEEP; a multi-turn concatenation "
                 "example joined by newlines); plain harmful requests, an off-topic request, a price-change request and "
                 "the adversarial-suffix examples left out")
