"""Readers of the heldout9 packages (used by heldout9.py).

Each reader is called as reader(root, add, notes, rng), as in heldout8_sources.py: root is the
unpacked package, add(label, family, lang, source, text), notes a list of what was left out on
reading (written to SOURCES9.md), rng a seeded random.Random. Python sources are parsed with
`ast` (never imported or run); only literal strings are read (f-strings and strings made by code
at run time are not). YAML is read with heldout5_sources.yaml_load.

Item-level decisions (keep or leave out, and the family) were made by reading the texts; they
are the tables in heldout9_tables.py. Families: the package's own category where it fits ours
(tables), else heldout8_sources.family_of (keyword rule); heldout7_sources.fam_lang re-labels
zero-width / homoglyph texts and detects the language. `authority` = a claim of authority or
provenance meant to steer the model (a fake system / admin / orchestrator note, an earlier
agent's verdict, a "verified" or "pre-approved" channel or record), taken only where the
package's own scenario or list is about that. Benign look-alikes get
fresh_dev_sources.benign_family. LibreOffice help in European Portuguese and Turkish is sampled
by function words (heldout8_sources.function_word_readers over LO_WORDS).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "guard_train"))

import split_builder  # noqa: E402
import heldout8_sources  # noqa: E402
from fresh_dev_sources import add_benign, assigned, literal_items  # noqa: E402
from heldout5_sources import yaml_load  # noqa: E402
from heldout8_sources import add_attack, family_of  # noqa: E402
import heldout9_tables as T  # noqa: E402
import heldout9_sources2 as S2  # noqa: E402

VERSIONS = S2.VERSIONS  # package -> version, filled from heldout9.py's PINS by split_builder.main


def src(pkg: str, path: str) -> str:
    return f"{pkg} {VERSIONS[pkg]}: {path}"


def mul(pkg: str, item: str) -> str | None:
    """"mul" for a row heldout9_tables.MUL reads as mixed-language, else None (language detected)."""
    return "mul" if (pkg, item) in T.MUL else None


def one_line(t: str) -> str:
    return " ".join(str(t or "").split())


# ---------------------------------------------------------------------------------------
# helpers: dict literals with a given string field, calls with positional / attribute arguments


def literal_dicts(path: Path, field: str) -> list[dict]:
    """Every dict literal of a Python file whose `field` is a plain string literal, in source
    order, with its literal values (other values, e.g. enum members, as their source text)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8-sig"))):
        if isinstance(node, ast.Dict):
            d = {}
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    try:
                        d[k.value] = ast.literal_eval(v)
                    except ValueError:
                        d[k.value] = ast.unparse(v)
            if isinstance(d.get(field), str) and isinstance(node.values[list(d).index(field)], ast.Constant):
                out.append((node.lineno, node.col_offset, d))
    return [d for _l, _c, d in sorted(out, key=lambda t: t[:2])]


def calls(path: Path, func: str) -> list[tuple[list, dict]]:
    """(positional, keyword) arguments of every call to `func` in a Python file, in source order:
    literals as values, anything else (enum members, names) as its source text."""
    def val(n):
        try:
            return ast.literal_eval(n)
        except ValueError:
            return ast.unparse(n)
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8-sig"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == func:
            out.append((node.lineno, [val(a) for a in node.args], {k.arg: val(k.value) for k in node.keywords}))
    return [(a, k) for _l, a, k in sorted(out, key=lambda t: t[0])]


def list_strings(path: Path, name: str) -> list[tuple[int | str, str]]:
    """(index, text) of the plain string literals of the list assigned to `name` (first assignment
    anywhere in the file, also a local one); for a dict of lists the index is "key[i]"."""
    return [(f"{k}[{i}]" if k else i, t) for k, i, t in literal_items(assigned(path, name)) if t]


# ---------------------------------------------------------------------------------------
# aastf: aastf/scenarios/builtin/*/*.yaml (id, name, description, inject_into, payload)

AA_DIR = "aastf/scenarios/builtin"
AA_INDIRECT = {"tool_response", "memory", "system_prompt"}  # channels a model reads as data


def aa_scenarios(root):
    for p in sorted((root / AA_DIR).glob("*/*.yaml")):
        yield p.relative_to(root).as_posix(), yaml_load(p)


def aastf(root, add, notes, rng):
    n = kept = 0
    for path, d in aa_scenarios(root):
        n += 1
        sid = d["id"]
        if sid in T.AA_SKIP:
            continue
        fam = T.AA_FAMILY.get(sid) or ("indirect" if d["inject_into"] in AA_INDIRECT else family_of(d["payload"]))
        kept += 1
        add_attack(add, fam, src("aastf", f"{path} payload"), d["payload"])
    notes.append(f"aastf: {kept} of {n} scenario payloads (family: heldout9_tables.AA_FAMILY, else `indirect` for payloads "
                 "injected as a tool response / memory / system prompt, else `family_of`). Left out "
                 f"({len(T.AA_SKIP)}): code / SQL / path / SSRF / shell requests, resource-exhaustion and fan-out tasks, "
                 "plain scope or credential requests, requests to deceive a human reviewer, multi-turn harmful "
                 "escalations, payloads that are the user's benign task (the poison sits in a mocked tool the package "
                 "does not ship as text), and payloads that narrate the attack in brackets instead of carrying it")


def aastf_benign(root, add, notes, rng):
    descs = [(path, one_line(d.get("description"))) for path, d in aa_scenarios(root)]
    descs = [(p, t) for p, t in descs if len(t.split()) >= 12]
    for path, t in sorted(rng.sample(descs, min(T.AA_DESC_N, len(descs)))):
        add("benign", "jailbreak_discussion", "en", src("aastf", f"{path} description"), t)
    notes.append(f"aastf: benign = {min(T.AA_DESC_N, len(descs))} of {len(descs)} scenario descriptions of 12 words or "
                 "more (what the attack does; jailbreak_discussion), sampled (seeded)")


# ---------------------------------------------------------------------------------------
# tessera-ai: tests/{agt,app}/*.py, the payload / prompt lists of each test's attack phase

TS_KEEP = re.compile(r"system|instruct|configuration|hidden|above|before|rules|programming|told", re.I)


def tessera(root, add, notes, rng):
    n = 0
    for fname, lists in T.TS_LISTS.items():
        for lname, fam in lists.items():
            for i, t in list_strings(root / fname, lname):
                if isinstance(fam, dict):
                    if i not in fam:
                        continue
                    f = fam[i]
                elif lname == "extraction_prompts" and not TS_KEEP.search(t):
                    continue
                else:
                    f = fam
                n += 1
                item = f"{lname}.{i}" if isinstance(i, str) else f"{lname}[{i}]"
                add_attack(add, f or family_of(t), src("tessera-ai", f"{fname} {item}"), t)
    notes.append(f"tessera-ai: {n} literal payloads of the lists in heldout9_tables.TS_LISTS (None = family by "
                 "`family_of`; app07 extraction prompts only when they name the instructions / configuration / "
                 "hidden context; app08 and agt05 by item). Left out: tool-misuse, SQL / shell / path / SSRF "
                 "parameters, code-execution and sandbox-escape requests, supply-chain installs, urgency-only "
                 "pressure, error / retry storms, self-replication, multi-step warm-ups, output-handling, PII, "
                 "toxicity, bias, model-extraction and other non-injection tests")


def tessera_benign(root, add, notes, rng):
    recs = []
    for p in sorted((root / "tests").glob("*/*.py")):
        rel = p.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            t = node.targets[0] if isinstance(node, ast.Assign) else None
            if (getattr(t, "attr", None) or getattr(t, "id", None)) == "recommendations" and isinstance(node.value, ast.List):
                for i, e in enumerate(node.value.elts):
                    t = e.value if isinstance(e, ast.Constant) else next(
                        (v.value for k, v in zip(e.keys, e.values) if getattr(k, "value", None) == "text"
                         and isinstance(v, ast.Constant)), None) if isinstance(e, ast.Dict) else None
                    if isinstance(t, str) and len(t.split()) >= 5:
                        recs.append((f"{rel} recommendations[{i}]", t))
    for path, t in sorted(rng.sample(recs, min(T.TS_REC_N, len(recs)))):
        add_benign(add, src("tessera-ai", path), t)
    notes.append(f"tessera-ai: benign = {min(T.TS_REC_N, len(recs))} of {len(recs)} literal `recommendations` texts of 5 "
                 "words or more (defensive advice that names the attacks; family by `benign_family`), sampled (seeded)")


# ---------------------------------------------------------------------------------------
# community-ai-audit: plugins/scanners/prompt_injection.py INJECTION_PROBES, plugins/redteam/
# {jailbreak,roleplay,obfuscation}.py; datasets/builtin/factuality.py SAMPLES (benign)

CA = "community_ai_audit"
CA_FRAME = re.compile(r"ignore|\bDAN\b|pretend|you are now|from now on|released from|rogue|evil ai|no morals|"
                      r"without restrictions|no ethical|unfiltered|can't say no|as '|act as a linux|respond as", re.I)
CA_ENCODED = re.compile(r"decode|leet|reverse|caesar|vowels|backwards|rot13", re.I)


def community_ai_audit(root, add, notes, rng):
    n = 0
    base = root / CA / "plugins"
    for fname, lname, rule in (("scanners/prompt_injection.py", "INJECTION_PROBES", None),
                               ("redteam/jailbreak.py", "JAILBREAK_PROMPTS", "frame"),
                               ("redteam/roleplay.py", "ROLEPLAY_ATTACKS", "frame"),
                               ("redteam/obfuscation.py", "OBFUSCATION_PROMPTS", "encoded")):
        for i, t in list_strings(base / fname, lname):
            if rule == "frame" and not CA_FRAME.search(t):
                continue
            if rule == "encoded" and (not CA_ENCODED.search(t) or "{" in t):
                continue
            n += 1
            if (lname, i) in T.CA_ITEMS:
                fam = T.CA_ITEMS[(lname, i)]
            elif rule == "encoded":
                fam = "encoded"
            elif rule == "frame" and not re.search(r"ignore", t, re.I):
                fam = "roleplay"
            else:
                fam = family_of(t)
            add_attack(add, fam, src("community-ai-audit", f"{CA}/plugins/{fname} {lname}[{i}]"), t)
    notes.append(f"community-ai-audit: {n} probes: all INJECTION_PROBES (`family_of`), the JAILBREAK_PROMPTS / "
                 "ROLEPLAY_ATTACKS that carry an override or persona frame (roleplay; `family_of` when they say "
                 "ignore), and the OBFUSCATION_PROMPTS that ask to decode / reverse a text (encoded; ones with a "
                 "`{slot}` left out). Left out: plain pretext requests (research, class, novel) without a frame, tool "
                 "exploits, data-extraction completions, alignment / bias / hallucination probes")


def community_ai_audit_benign(root, add, notes, rng):
    p = root / CA / "datasets/builtin/factuality.py"
    n = 0
    for d in literal_dicts(p, "prompt") or literal_dicts(p, "question"):
        t = d.get("prompt") or d.get("question")
        n += 1
        add_benign(add, src("community-ai-audit", f"{CA}/datasets/builtin/factuality.py SAMPLES[{n - 1}]"), t, "general")
    notes.append(f"community-ai-audit: benign = all {n} factuality questions (datasets/builtin/factuality.py); the "
                 "safety dataset (harmful requests) not used")


# ---------------------------------------------------------------------------------------
# cobaltosec-condor: condor/modules/asi01_goal_hijack.py _INJECTION_PAYLOADS, _TOOL_INJECTION_PAYLOADS

CD_FILE = "condor/modules/asi01_goal_hijack.py"


def condor(root, add, notes, rng):
    n = 0
    for lname, fam in (("_INJECTION_PAYLOADS", None), ("_TOOL_INJECTION_PAYLOADS", "indirect")):
        for i, t in list_strings(root / CD_FILE, lname):
            if len(t.split()) < 3:
                continue
            n += 1
            add_attack(add, fam or family_of(t), src("cobaltosec-condor", f"{CD_FILE} {lname}[{i}]"), t)
    notes.append(f"cobaltosec-condor: {n} literal goal-hijack payloads (tool ones: indirect; the others by `family_of`); "
                 "the base64 payload made by code and the other modules (HTTP probes, regexes) not read")


# ---------------------------------------------------------------------------------------
# vektor-scan: vektor/attacks/*.py test-case dicts {prompt, description, ...}

VK_DIR = "vektor/attacks"
VK_SKIP = re.compile(r"path traversal|ssrf|sql injection|code name|context memory|white text|font", re.I)


def vk_cases(root):
    for p in sorted((root / VK_DIR).glob("*.py")):
        for j, d in enumerate(literal_dicts(p, "prompt")):
            yield p.relative_to(root).as_posix(), j, d


def vektor(root, add, notes, rng):
    n = skipped = 0
    for path, j, d in vk_cases(root):
        fam = T.VK_CASES.get((path.rsplit("/", 1)[-1], j), "")
        if fam is None or VK_SKIP.search(str(d.get("description", ""))) or len(d["prompt"].split()) < 2:
            skipped += 1
            continue
        n += 1
        add_attack(add, fam or T.VK_FAMILY.get(d.get("description")) or family_of(d["prompt"]),
                   src("vektor-scan", f"{path} case[{j}]"), d["prompt"], mul("vektor-scan", f"{path} case[{j}]"))
    notes.append(f"vektor-scan: {n} literal test-case prompts (`family_of`, or heldout9_tables.VK_FAMILY by the case's "
                 f"description, or VK_CASES by case); {skipped} left out: path traversal / SSRF / SQL tool requests, a memory "
                 "warm-up turn, document-styling cases, training-data / document-PII questions (VK_CASES None)")


def vektor_benign(root, add, notes, rng):
    n = 0
    for path, j, d in vk_cases(root):
        t = one_line(d.get("description"))
        if len(t.split()) >= 4:
            n += 1
            add("benign", "jailbreak_discussion", "en", src("vektor-scan", f"{path} case[{j}].description"), t)
    notes.append(f"vektor-scan: benign = {n} case descriptions of 4 words or more (jailbreak_discussion)")


# ---------------------------------------------------------------------------------------
# small lists: soweak, largestack, rai-governance-platform, agent-referee, safer-backend, asha-si

SW_FILE = "soweak/redteam.py"
LS_FILE = "largestack/_test/redteam.py"
RAI_FILE = "responsibleai/redteam/simulator.py"
RF_FILE = "referee/guardrails/test_suite.py"
SB_FILE = "safer_backend/redteam/seed_bank.py"
AS_EMB = "asha/core/security/embedding_classifier.py"
AS_POI = "asha/runtime/anchor/poisoning_classifier.py"


def soweak(root, add, notes, rng):
    n = 0
    for i, (_a, kw) in enumerate(calls(root / SW_FILE, "Probe")):
        cat = str(kw.get("category", ""))
        if isinstance(kw.get("prompt"), str) and ("LLM01" in cat or "LLM07" in cat):
            n += 1
            fam = "prompt_leak" if "LLM07" in cat else family_of(kw["prompt"])
            add_attack(add, fam, src("soweak", f"{SW_FILE} DEFAULT_PROBES[{i}] {kw.get('name', '')}"), kw["prompt"])
    notes.append(f"soweak: {n} DEFAULT_PROBES of the LLM01 (prompt injection; `family_of`) and LLM07 (system prompt "
                 "leakage) categories; secret / PII / output probes left out")


def largestack(root, add, notes, rng):
    n = 0
    for args, _kw in calls(root / LS_FILE, "Attack"):
        if len(args) >= 3 and args[1] in T.LS_FAMILY and isinstance(args[2], str):
            n += 1
            add_attack(add, T.LS_FAMILY[args[1]] or family_of(args[2]), src("largestack", f"{LS_FILE} {args[0]}"), args[2])
    notes.append(f"largestack: {n} ATTACKS of the injection / jailbreak / system_prompt kinds; PII rows left out")


def largestack_benign(root, add, notes, rng):
    for args, _kw in calls(root / LS_FILE, "Attack"):
        if len(args) >= 3 and args[1] == "benign":
            add_benign(add, src("largestack", f"{LS_FILE} {args[0]}"), args[2])


def rai(root, add, notes, rng):
    n = 0
    for i, (_a, kw) in enumerate(calls(root / RAI_FILE, "AttackVector")):
        key = (str(kw.get("category", "")).split(".")[-1], kw.get("name"))
        if key in T.RAI_FAMILY and isinstance(kw.get("payload"), str):
            n += 1
            add_attack(add, T.RAI_FAMILY[key] or family_of(kw["payload"]),
                       src("rai-governance-platform", f"{RAI_FILE} _DEFAULT_ATTACK_VECTORS[{i}]"), kw["payload"])
    notes.append(f"rai-governance-platform: {n} of the default attack vectors (heldout9_tables.RAI_FAMILY); a "
                 "hypothetical-framing request, a commitment-then-ask opener with no request and a training-data "
                 "completion left out")


def rai_benign(root, add, notes, rng):
    n = 0
    for i, (_a, kw) in enumerate(calls(root / RAI_FILE, "AttackVector")):
        d = one_line(kw.get("description"))
        if len(d.split()) >= 6:
            n += 1
            add("benign", "jailbreak_discussion", "en",
                src("rai-governance-platform", f"{RAI_FILE} _DEFAULT_ATTACK_VECTORS[{i}].description"), d)
    notes.append(f"rai-governance-platform: benign = {n} attack-vector descriptions (jailbreak_discussion)")


def referee(root, add, notes, rng):
    n = 0
    for d in literal_dicts(root / RF_FILE, "input"):
        if d.get("category") == "prompt_injection":
            n += 1
            add_attack(add, family_of(d["input"]), src("agent-referee", f"{RF_FILE} {d['id']}"), d["input"])
    notes.append(f"agent-referee: {n} ADVERSARIAL_TEST_CASES of category prompt_injection (`family_of`)")


def referee_benign(root, add, notes, rng):
    n = 0
    for d in literal_dicts(root / RF_FILE, "input"):
        if d.get("category") != "prompt_injection":
            n += 1
            add_benign(add, src("agent-referee", f"{RF_FILE} {d['id']}"), d["input"])
        t = one_line(d.get("attack_description"))
        if len(t.split()) >= 6:
            n += 1
            add("benign", "jailbreak_discussion", "en", src("agent-referee", f"{RF_FILE} {d['id']}.attack_description"), t)
    notes.append(f"agent-referee: benign = {n}: the PII / off-scope test inputs and every case's attack_description "
                 "(jailbreak_discussion)")


def safer_backend(root, add, notes, rng):
    n = skipped = 0
    for lname, fam in T.SB_LISTS.items():
        for i, d in enumerate(literal_dicts_of(root / SB_FILE, lname)):
            t = d.get("template")
            if not isinstance(t, str) or "{" in t:
                skipped += 1
                continue
            n += 1
            add_attack(add, fam or family_of(t), src("safer-backend", f"{SB_FILE} {lname}[{i}]"), t,
                       mul("safer-backend", f"{SB_FILE} {lname}[{i}]"))
    notes.append(f"safer-backend: {n} seed templates without a `{{placeholder}}` of {', '.join(T.SB_LISTS)}; {skipped} "
                 "with a placeholder (filled by the package's strategist model at run time) left out; the other "
                 "seed lists (tool abuse, data exfiltration, PII) not used")


def literal_dicts_of(path: Path, name: str) -> list[dict]:
    """Literal fields of the dicts of the list assigned to `name` (enum values as source text)."""
    out = []
    for e in assigned(path, name).elts:
        d = {}
        for k, v in zip(e.keys, e.values):
            try:
                d[k.value] = ast.literal_eval(v)
            except ValueError:
                d[k.value] = ast.unparse(v)
        out.append(d)
    return out


def asha(root, add, notes, rng):
    n = 0
    for fname, lname in ((AS_EMB, "_INJECTION_SEEDS"), (AS_POI, "_POISON_SEEDS")):
        for i, t in list_strings(root / fname, lname):
            n += 1
            add_attack(add, T.ASHA_FAMILY.get((lname, i)) or family_of(t), src("asha-si", f"{fname} {lname}[{i}]"), t)
    notes.append(f"asha-si: {n} injection / memory-poison seed phrases (`family_of`, authority claims by item); "
                 "LITE_INJECTION_PHRASES (keyword fragments) not used")


def asha_benign(root, add, notes, rng):
    n = 0
    for fname in (AS_EMB, AS_POI):
        for i, t in list_strings(root / fname, "_BENIGN_SEEDS"):
            n += 1
            add_benign(add, src("asha-si", f"{fname} _BENIGN_SEEDS[{i}]"), t)
    notes.append(f"asha-si: benign = all {n} _BENIGN_SEEDS (everyday requests and memory-note look-alikes)")


# ---------------------------------------------------------------------------------------
# aig-agent-scan: agent_scan/prompt/skills/*/SKILL.md, the whole-line `probe` list items

AG_DIR = "agent_scan/prompt/skills"
AG_ITEM = re.compile(r"^- `([^`]+)`\s*$", re.M)


def aig_agent_scan(root, add, notes, rng):
    n = 0
    for skill, fam in T.AG_SKILLS.items():
        path = f"{AG_DIR}/{skill}/SKILL.md"
        for i, m in enumerate(AG_ITEM.finditer((root / path).read_text(encoding="utf-8"))):
            t = m.group(1).replace("\\n", "\n")
            if len(t.split()) < 8 or "{" in t:
                continue
            n += 1
            add_attack(add, T.AG_ITEMS.get((skill, i)) or fam or family_of(t), src("aig-agent-scan", f"{path} probe[{i}]"), t)
    notes.append(f"aig-agent-scan: {n} probe prompts (whole-line code items of 8 words or more) of the skills "
                 f"{', '.join(T.AG_SKILLS)}; follow-up questions, `{{url}}` templates and the tool-abuse / secret / path "
                 "skills left out")


# ---------------------------------------------------------------------------------------
# LibreOffice help in European Portuguese and Turkish (benign documents)

LO_WORDS = {
    "pt": "de que o a e do da em para com um uma os as não se por mais ou é ao dos das na no pode clique escolha "
          "selecione este esta",
    "tr": "ve bir bu için ile da de olarak veya daha çok gibi ancak şu tıklayın seçin ise olan her sonra kadar "
          "bunu bir",
    "es": "de que el la y en los las del se por un una con para es no al lo como pero haga seleccione",
}
LO_READERS = heldout8_sources.function_word_readers(LO_WORDS, ("pt", "tr"), src)


ATTACK_READERS = [
    ("aastf", aastf), ("tessera-ai", tessera), ("community-ai-audit", community_ai_audit),
    ("cobaltosec-condor", condor), ("vektor-scan", vektor), ("soweak", soweak), ("largestack", largestack),
    ("rai-governance-platform", rai), ("agent-referee", referee), ("safer-backend", safer_backend),
    ("asha-si", asha), ("aig-agent-scan", aig_agent_scan), ("read-no-evil-mcp", S2.read_no_evil),
    ("secure-mcp-gateway", S2.secure_mcp), ("roguard-child-safety", S2.roguard), ("aix-framework", S2.aix),
    ("toolium", S2.toolium),
]
BENIGN_READERS = [
    ("aastf", aastf_benign), ("tessera-ai", tessera_benign), ("community-ai-audit", community_ai_audit_benign),
    ("vektor-scan", vektor_benign), ("largestack", largestack_benign), ("rai-governance-platform", rai_benign),
    ("agent-referee", referee_benign), ("asha-si", asha_benign), ("read-no-evil-mcp", S2.read_no_evil_benign),
    ("secure-mcp-gateway", S2.secure_mcp_benign), ("guardmeter", S2.guardmeter_benign),
    ("roguard-child-safety", S2.roguard_benign), ("aix-framework", S2.aix_benign), *LO_READERS,
]
