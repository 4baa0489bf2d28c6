"""Readers of the fresh-dev packages (used by fresh_dev.py).

Each reader is called as reader(root, add, notes, rng), as in heldout8_sources.py: root is the
unpacked package, add(label, family, lang, source, text), notes a list of what was left out on
reading, rng a seeded random.Random. Python sources are parsed with `ast` (never imported or
run); only literal strings are read (f-strings and strings made by code at run time are not).

Families: the package's own category where it has one (tables below, made by reading the
texts), else heldout8_sources.family_of (keyword rule); heldout7_sources.fam_lang re-labels
zero-width / homoglyph texts and detects the language. Benign look-alikes get
`benign_family` (security_question / code / general, keyword rule as heldout8's aisafe).
LibreOffice help in Estonian and Slovenian is sampled by function words (`lo_keep`).
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "guard_corpus"))

from heldout3_sources import literal_calls  # noqa: E402
from heldout7_sources import lang7  # noqa: E402
import heldout8_sources  # noqa: E402
from heldout8_sources import add_attack, family_of  # noqa: E402

VERSIONS = {}  # package -> version, filled from fresh_dev.py's PINS


def src(pkg: str, path: str) -> str:
    return f"{pkg} {VERSIONS[pkg]}: {path}"


def benign_family(t: str) -> str:
    if re.search(r"inject|jailbreak|\bDAN\b|system prompt|instruction|filter|moderation|threat|attack|malicious|"
                 r"security|guardrail", t, re.I):
        return "security_question"
    if re.search(r"[=(){}]|\bsha|JWT|base64|regex|\bhex\b|module|import|python|function|sql|\bport\b", t, re.I):
        return "code"
    return "general"


def add_benign(add, source, text, family=None):
    add("benign", family or benign_family(text), lang7(text) or "en", source, text)


# ---------------------------------------------------------------------------------------
# helpers: literal strings of one assignment, keyword arguments of constructor calls


def assigned(path: Path, name: str):
    """Value node of the (first) assignment to `name` anywhere in a Python file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            t = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if (getattr(t, "id", None) or getattr(t, "attr", None)) == name and node.value is not None:
                return node.value
    raise KeyError(f"{path.name}: no {name}")


def literal_items(node) -> list[tuple[str, int, str | None]]:
    """(key, index, text) of a list/tuple literal, or of each list of a dict literal (key = the dict
    key); text is None for an element that is not a plain string literal (made by code)."""
    if isinstance(node, ast.Dict):
        out = []
        for k, v in zip(node.keys, node.values):
            out += [(k.value, i, t) for _, i, t in literal_items(v)]
        return out
    return [("", i, e.value if isinstance(e, ast.Constant) and isinstance(e.value, str) else None)
            for i, e in enumerate(node.elts)]


# ---------------------------------------------------------------------------------------
# aig-guardian: ai_guardian/benchmark.py ATTACK_CORPUS (category -> list) and SAFE_CORPUS;
# ai_guardian/auto_fix.py SAFE_INPUTS

AG_BENCH = "ai_guardian/benchmark.py"
AG_FAMILY = {  # categories taken (the others are SQL, PII, shell / exploit / tool requests, token floods)
    "prompt_injection": None, "jailbreak": "roleplay", "prompt_leak": "prompt_leak",
    "prompt_injection_ko": "override", "prompt_injection_zh": "override", "encoding_bypass": "encoded",
    "memory_poisoning": None, "second_order_injection": "indirect", "mcp_poisoning": "indirect",
    "indirect_injection": "indirect",
}


def aig_guardian(root, add, notes, rng):
    items = literal_items(assigned(root / AG_BENCH, "ATTACK_CORPUS"))
    kept = 0
    for cat, i, t in items:
        if cat in AG_FAMILY and t:
            kept += 1
            add_attack(add, AG_FAMILY[cat] or family_of(t), src("aig-guardian", f"{AG_BENCH} ATTACK_CORPUS.{cat}[{i}]"), t)
    notes.append(f"aig-guardian: {kept} of {len(items)} ATTACK_CORPUS items, categories {', '.join(AG_FAMILY)} "
                 "(None = family by `family_of`); left out: sql_injection, token_exhaustion (made by code), pii_*, "
                 "data_exfiltration, sandbox_escape, autonomous_exploit, self_privilege_escalation, audit_tampering, "
                 "evaluation_gaming, cot_deception (requests without an injection)")


def benign_items(add, pkg: str, lists) -> int:
    """Adds every literal string item of the lists `lists` names ((file, shown path, variable)) as
    benign, sourced "pkg: shown path variable[index]"; returns how many."""
    n = 0
    for path, shown, var in lists:
        for _, i, t in literal_items(assigned(path, var)):
            if t:
                n += 1
                add_benign(add, src(pkg, f"{shown} {var}[{i}]"), t)
    return n


def aig_guardian_benign(root, add, notes, rng):
    n = benign_items(add, "aig-guardian", [(root / p, p, v) for p, v in (
        (AG_BENCH, "SAFE_CORPUS"), ("ai_guardian/auto_fix.py", "SAFE_INPUTS"))])
    notes.append(f"aig-guardian: benign = all {n} literal SAFE_CORPUS / SAFE_INPUTS items (everyday requests and "
                 "look-alikes such as 'act as a customer service agent')")


# ---------------------------------------------------------------------------------------
# aumos-agentshield: agentshield/redteam/attacks/*.py AttackPattern(payload=, description=) and
# agentshield/redteam_tiers/scenarios.py Scenario(payload=, description=)

AU_DIR = "agentshield/redteam/attacks"
AU_LISTS = {  # file -> list name -> family (None: `family_of`)
    "injection.py": {"_ROLE_OVERRIDE": None, "_GOAL_HIJACK": None, "_INDIRECT_INJECTION": "indirect",
                     "_CONTEXT_MANIPULATION": "delimiter", "_PERSONA_JAILBREAK": "roleplay",
                     "_FORMAT_MANIPULATION": "delimiter", "_INSTRUCTION_OVERRIDE": None},
    "exfiltration.py": {"_SYSTEM_PROMPT_DISCLOSURE": "prompt_leak", "_INDIRECT_EXFIL": "prompt_leak"},
    "memory_poison.py": {"_RAG_POISONING": "indirect", "_SESSION_MANIPULATION": None, "_PERSISTENT_STATE": None},
}
AU_SCEN = "agentshield/redteam_tiers/scenarios.py"


def list_calls(path: Path, name: str, field: str) -> list[tuple[int, dict]]:
    """(index, literal keyword arguments) of the constructor calls in the list assigned to `name`
    whose `field` is a plain string literal (values made by code, e.g. padding times n, not read)."""
    out = []
    for i, e in enumerate(assigned(path, name).elts):
        kw = {}
        for k in e.keywords:
            try:
                kw[k.arg] = ast.literal_eval(k.value)
            except ValueError:
                pass
        if isinstance(kw.get(field), str):
            out.append((i, kw))
    return out


def au_patterns(root):
    """(file, list, index, kwargs) of every AttackPattern of the AU_LISTS lists."""
    for fname, lists in AU_LISTS.items():
        for lname in lists:
            for i, kw in list_calls(root / AU_DIR / fname, lname, "payload"):
                yield fname, lname, i, kw


def au_scenarios(root):
    return [kw for kw in literal_calls(root / AU_SCEN, "Scenario") if kw.get("payload")]


def aumos(root, add, notes, rng):
    n = 0
    for fname, lname, i, kw in au_patterns(root):
        fam = AU_LISTS[fname][lname] or family_of(kw["payload"])
        n += 1
        add_attack(add, fam, src("aumos-agentshield", f"{AU_DIR}/{fname} {lname}[{i}] {kw.get('name', '')}"), kw["payload"])
    sc = au_scenarios(root)
    for kw in sc:
        add_attack(add, family_of(kw["payload"]), src("aumos-agentshield", f"{AU_SCEN} {kw['scenario_id']}"), kw["payload"])
    notes.append(f"aumos-agentshield: {n} AttackPattern payloads of {', '.join(f'{f}:{l}' for f, ls in AU_LISTS.items() for l in ls)} "
                 f"and {len(sc)} tier scenarios (payloads made by code, e.g. padding times n, not read); left out: PII extraction, side-channel (markdown image) exfiltration, "
                 "direct memory writes, tool_abuse.py (privilege, destructive, SSRF, SQL, resource, cross-agent requests)")


def aumos_benign(root, add, notes, rng):
    n = 0
    for fname, lname, i, kw in au_patterns(root):
        d = " ".join(str(kw.get("description") or "").split())
        if len(d.split()) >= 8:
            n += 1
            add("benign", "jailbreak_discussion", "en",
                src("aumos-agentshield", f"{AU_DIR}/{fname} {lname}[{i}].description"), d)
    for kw in au_scenarios(root):
        d = " ".join(str(kw.get("description") or "").split())
        if len(d.split()) >= 8:
            n += 1
            add("benign", "jailbreak_discussion", "en", src("aumos-agentshield", f"{AU_SCEN} {kw['scenario_id']}.description"), d)
    notes.append(f"aumos-agentshield: benign = {n} descriptions (8 words or more) of the attacks taken "
                 "(what the attack does; jailbreak_discussion)")


# ---------------------------------------------------------------------------------------
# promptlock-py: promptlock/corpus.json ([{text, label, category}], all attacks)

PL_FILE = "promptlock/corpus.json"
PL_FAMILY = {"jailbreak": "roleplay", "injection": None, "token_smuggling": "encoded", "prompt_leak": "prompt_leak",
             "context_overflow": "delimiter"}


def promptlock(root, add, notes, rng):
    rows = json.loads((root / PL_FILE).read_text(encoding="utf-8"))
    kept = 0
    for i, r in enumerate(rows):
        cat = r["category"]
        if cat in PL_FAMILY:
            kept += 1
            add_attack(add, PL_FAMILY[cat] or family_of(r["text"]), src("promptlock-py", f"{PL_FILE} [{i}] {r['label']}"), r["text"])
    notes.append(f"promptlock-py: {kept} of {len(rows)} corpus rows (categories {', '.join(PL_FAMILY)}; injection by "
                 "`family_of`)")


# ---------------------------------------------------------------------------------------
# jevguard-middleware: jevguard/evals/datasets/redteam_v1.jsonl (stage, text, expected, category)

JV_FILE = "jevguard/evals/datasets/redteam_v1.jsonl"
JV_FAMILY = {"prompt_injection": None, "jailbreak": "roleplay", "secret_extraction": "prompt_leak",
             "obfuscation": None, "indirect_injection": "indirect"}


def jv_rows(root):
    for line in (root / JV_FILE).read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def jevguard(root, add, notes, rng):
    n = 0
    for r in jv_rows(root):
        if r["expected"] == "block" and r["stage"] in ("input", "tool_result") and r["category"] in JV_FAMILY and r["text"]:
            n += 1
            add_attack(add, JV_FAMILY[r["category"]] or family_of(r["text"]), src("jevguard-middleware", f"{JV_FILE} {r['id']}"), r["text"])
    notes.append(f"jevguard-middleware: {n} `block` rows of the input / tool_result stages in categories "
                 f"{', '.join(JV_FAMILY)}; harmful requests, tool calls, exfiltration links and model outputs left out")


def jevguard_benign(root, add, notes, rng):
    n = 0
    for r in jv_rows(root):
        if r["expected"] == "allow" and r["text"]:
            n += 1
            add_benign(add, src("jevguard-middleware", f"{JV_FILE} {r['id']}"), r["text"])
    notes.append(f"jevguard-middleware: benign = all {n} `allow` rows with a text (inputs, tool results, outputs)")


# ---------------------------------------------------------------------------------------
# edgeguard-sdk (sdist): redteam_adaptive.py ATTACKS / BENIGN, corpus_enterprise.py
# ATTACKS_ENTERPRISE / BENIGN_ENTERPRISE / BENIGN_HOLDOUT

EG = "edgeguard_sdk-0.9.0"
EG_ADAPTIVE = {"A. semantic paraphrase": None, "B. multilingual": "override", "C. encoded payload": "encoded",
               "D. unicode smuggling": None, "I. refusal suppression": "override", "J. lexical near-miss": None}
EG_ENTERPRISE = {"L. tool invocation indirect": "indirect", "M. authority override": "override"}


def edgeguard(root, add, notes, rng):
    n = skipped = 0
    for fname, var, fams in (("redteam_adaptive.py", "ATTACKS", EG_ADAPTIVE),
                             ("corpus_enterprise.py", "ATTACKS_ENTERPRISE", EG_ENTERPRISE)):
        for cat, i, t in literal_items(assigned(root / EG / fname, var)):
            if cat not in fams:
                continue
            if t is None:
                skipped += 1
                continue
            n += 1
            add_attack(add, fams[cat] or family_of(t), src("edgeguard-sdk", f"{fname} {var}.{cat[0]}[{i}]"), t)
    notes.append(f"edgeguard-sdk: {n} literal attacks of redteam_adaptive.py ATTACKS ({'; '.join(EG_ADAPTIVE)}) and "
                 f"corpus_enterprise.py ATTACKS_ENTERPRISE ({'; '.join(EG_ENTERPRISE)}); {skipped} made by code "
                 "(base64 / rot13 / hex / format) not read; left out: structural, indirect-channel and dilution groups "
                 "(all made by code), PII number evasion, direct tool requests, business-logic abuse, data-scope "
                 "escalation, guardrail-aware evasion (requests without an injection)")


def edgeguard_benign(root, add, notes, rng):
    n = benign_items(add, "edgeguard-sdk", [(root / EG / f, f, v) for f, v in (
        ("redteam_adaptive.py", "BENIGN"), ("corpus_enterprise.py", "BENIGN_ENTERPRISE"),
        ("corpus_enterprise.py", "BENIGN_HOLDOUT"))])
    notes.append(f"edgeguard-sdk: benign = all {n} literal BENIGN / BENIGN_ENTERPRISE / BENIGN_HOLDOUT items "
                 "(false-positive probes: pasted transcripts and logs with role markers, 'act as a translator', tool requests)")


# ---------------------------------------------------------------------------------------
# xsource-cli: xsource/vectors/baseline_50.py AttackVector(id=, prompt=, description=) lists

XS_FILE = "xsource/vectors/baseline_50.py"
XS_LISTS = {"PROMPT_INJECTION_VECTORS": None, "JAILBREAK_VECTORS": "roleplay", "SYSTEM_PROMPT_LEAK_VECTORS": "prompt_leak"}


def xsource(root, add, notes, rng):
    n = 0
    for lname, fam in XS_LISTS.items():
        for i, kw in list_calls(root / XS_FILE, lname, "prompt"):
            n += 1
            add_attack(add, fam or family_of(kw["prompt"]), src("xsource-cli", f"{XS_FILE} {lname}[{i}] {kw.get('id', '')}"),
                       kw["prompt"])
    notes.append(f"xsource-cli: {n} prompts of {', '.join(XS_LISTS)} (injection by `family_of`); PII and MCP tool "
                 "vectors left out (requests without an injection)")


def xsource_benign(root, add, notes, rng):
    n = 0
    for lname in XS_LISTS:
        for i, kw in list_calls(root / XS_FILE, lname, "prompt"):
            d = " ".join(str(kw.get("description") or "").split())
            if len(d.split()) >= 5:
                n += 1
                add("benign", "jailbreak_discussion", "en", src("xsource-cli", f"{XS_FILE} {lname}[{i}].description"), d)
    notes.append(f"xsource-cli: benign = {n} vector descriptions of 5 words or more (jailbreak_discussion)")


# ---------------------------------------------------------------------------------------
# wrg-ai-security-toolkit: tools/prompt_injection_detector_ml.py BENIGN_SAMPLES

WR_FILE = "tools/prompt_injection_detector_ml.py"


def wrg_benign(root, add, notes, rng):
    items = [(i, t) for _, i, t in literal_items(assigned(root / WR_FILE, "BENIGN_SAMPLES")) if t]
    for i, t in items:
        add_benign(add, src("wrg-ai-security-toolkit", f"{WR_FILE} BENIGN_SAMPLES[{i}]"), t)
    notes.append(f"wrg-ai-security-toolkit: benign = all {len(items)} BENIGN_SAMPLES (the detector's own negative "
                 "examples); its attack anchors are short keyword phrases and not taken")


# ---------------------------------------------------------------------------------------
# LibreOffice help in Estonian and Slovenian (benign documents)

LO_WORDS = {
    "et": "ja on ei see et või kui selle mis kas ka siis saab seda oma need nii kuid ning mida kõik "
          "valige klõpsake",
    "sl": "in je na za se da ali ki so v z s pri to lahko kot tudi če ta te tega niso izberite kliknite",
}
LO_READERS = heldout8_sources.function_word_readers(LO_WORDS, ("et", "sl"), src)


ATTACK_READERS = [
    ("aig-guardian", aig_guardian), ("aumos-agentshield", aumos), ("promptlock-py", promptlock),
    ("jevguard-middleware", jevguard), ("edgeguard-sdk", edgeguard), ("xsource-cli", xsource),
]
BENIGN_READERS = [
    ("aig-guardian", aig_guardian_benign), ("aumos-agentshield", aumos_benign), ("jevguard-middleware", jevguard_benign),
    ("edgeguard-sdk", edgeguard_benign), ("xsource-cli", xsource_benign), ("wrg-ai-security-toolkit", wrg_benign), *LO_READERS,
]
