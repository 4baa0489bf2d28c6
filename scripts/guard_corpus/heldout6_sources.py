"""Readers of the heldout6 packages (used by heldout6.py).

Each reader is called as reader(root, add, notes, rng). root is the unpacked package. add is
add(label, family, lang, source, text). notes is a list of strings: what was left out on
reading, with the reason; they are written to SOURCES6.md. rng is a seeded random.Random.

Item-level decisions (keep or leave out, and the family) were made by reading the texts; they
are the tables below. A source string is "package version: path inside it[ item]". heldout6.py
appends " [marked]" when an attack text carries a canary token or an obvious test marker, and
" [keyword phrase]" is part of the source of hermes-katana's rows (phrases of a detector's
keyword dictionary, not whole prompts). Language helpers come from heldout5_sources.py.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import split_builder
from heldout5_sources import ps_invisible, text_lang, yaml_load
from split_builder import module_constants

VERSIONS = {}  # package -> version, filled from heldout6.py's PINS by split_builder.main


def src(pkg: str, path: str) -> str:
    return f"{pkg} {VERSIONS[pkg]}: {path}"


def lang_of(text: str, family: str) -> tuple[str, str]:
    """(family, lang): a text whose Cyrillic letters only stand in for Latin ones is English
    written with homoglyphs."""
    lang = text_lang(text)
    if lang is None:
        return "homoglyph", "en"
    return ("invisible" if ps_invisible(text) else family), lang


def keyword_calls(path: Path, func: str, fields: tuple) -> list[dict]:
    """Literal keyword arguments of every call `func(...)` in a Python file, in file order."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == func:
            kw = {}
            for k in node.keywords:
                if k.arg in fields:
                    try:
                        kw[k.arg] = ast.literal_eval(k.value)
                    except ValueError:
                        kw[k.arg] = None  # built by an expression (e.g. "FLOOD " * 6000): not read
            out.append(kw)
    return sorted(out, key=lambda kw: str(kw.get("id")))


# ---------------------------------------------------------------------------------------
# aicu-scanner: aicu/payloads/intruder_*.txt (one payload a line) and the payload_sets of
# jailbreaks, single_turn and encoding_attacks.yaml, file_payloads.yaml

AICU = "aicu/payloads"
AICU_TXT = {  # file -> family; almost all are configuration / system prompt extraction
    "intruder_01_prompt_injection.txt": "prompt_leak", "intruder_02_sophisticated_extraction.txt": "prompt_leak",
    "intruder_03_indirect_disclosure.txt": "prompt_leak", "intruder_04_jailbreaks.txt": "prompt_leak",
    "intruder_05_context_manipulation.txt": "prompt_leak", "intruder_06_advanced_evasion.txt": "prompt_leak",
    "intruder_07_encoding_attacks.txt": "encoded", "intruder_08_logic_exploits.txt": "prompt_leak",
    "intruder_payloads.txt": "prompt_leak",
}
AICU_SET_FAMILY = {  # (file, payload set) -> family; sets not listed are left out
    ("jailbreaks.yaml", s): "prompt_leak" for s in
    ("mode_confusion", "context_boundary", "completion_steering", "dual_task", "gradient_triggers")}
AICU_SET_FAMILY.update({("single_turn.yaml", s): "prompt_leak" for s in (
    "boundary_mapping", "creative_extraction", "logic_exploits", "side_channel", "role_assumption", "linguistic",
    "best_of_n_seed_set")})
AICU_SET_FAMILY.update({
    ("encoding_attacks.yaml", "base64_sandwich"): "encoded", ("encoding_attacks.yaml", "unicode_boundary"): "encoded",
    ("encoding_attacks.yaml", "token_splitting"): "encoded", ("encoding_attacks.yaml", "multilingual_bypass"): "prompt_leak",
    ("encoding_attacks.yaml", "escape_sequence"): "delimiter"})
AICU_ITEM = {"PI-601": "encoded", "ENC-103": "homoglyph", "ENC-304": "homoglyph"}  # id -> family


def aicu(root, add, notes, rng):
    n_lines = 0
    for name, fam in AICU_TXT.items():
        for i, line in enumerate((root / AICU / name).read_text(encoding="utf-8").splitlines()):
            if line.strip():
                n_lines += 1
                f, lang = lang_of(line, fam)
                add("attack", f, lang, src("aicu-scanner", f"{AICU}/{name} line {i + 1}"), line)
    for name in ("jailbreaks.yaml", "single_turn.yaml", "encoding_attacks.yaml"):
        for set_name, items in yaml_load(root / AICU / name)["payload_sets"].items():
            fam = AICU_SET_FAMILY.get((name, set_name))
            if fam is None:
                continue
            for x in items:
                f, lang = lang_of(x["content"], AICU_ITEM.get(x["id"], fam))
                add("attack", f, lang, src("aicu-scanner", f"{AICU}/{name} {set_name} {x['id']}"), x["content"])
    for x in yaml_load(root / AICU / "file_payloads.yaml")["file_payloads"]:
        f, lang = lang_of(x["content"], "indirect")
        add("attack", f, lang, src("aicu-scanner", f"{AICU}/file_payloads.yaml {x['id']}"), x["content"])
    notes.append(f"aicu-scanner: all {n_lines} intruder_*.txt lines (literal `\\n` sequences kept as the files "
                 "have them); single_turn.yaml `legitimate_tasks` (ordinary drafting requests about the "
                 "assistant), advanced_evasion.yaml (capability / self-description questions without an "
                 "injection element), toxicity, hallucination, dos_probes, adversarial_triggers (bare GCG "
                 "suffixes and reply prefixes), multi_turn (conversations) left out")


# ---------------------------------------------------------------------------------------
# hermes-katana: hermes_katana/scanner/multilingual.py, the per-language keyword dictionaries
# (_DE_KEYWORDS ... _VI_KEYWORDS: phrase -> (English gloss, category, weight)). Phrases are
# lower-cased; the package strips Latin diacritics in some (it matches on folded text).

HK_FILE = "hermes_katana/scanner/multilingual.py"
HK_LANGS = ("de", "fr", "zh", "es", "ja", "ko", "ru", "it", "pt", "ar", "pl", "nl", "uk", "th", "id", "ms", "hi",
            "tr", "vi")
HK_FAMILY = {"INSTRUCTION_OVERRIDE": "override", "PROMPT_EXTRACTION": "prompt_leak", "ROLE_OVERRIDE": "roleplay",
             "JAILBREAK": "roleplay"}
HK_MIN_WEIGHT = 0.85
NO_SPACE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\u0e00-\u0e7f]")


def hk_phrases(root):
    tree = ast.parse((root / HK_FILE).read_text(encoding="utf-8"))
    for node in tree.body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        m = re.fullmatch(r"_([A-Z]{2})_KEYWORDS", node.target.id)
        if not m or m.group(1).lower() not in HK_LANGS:
            continue
        for i, (k, v) in enumerate(zip(node.value.keys, node.value.values)):
            phrase, _gloss, cat, weight = k.value, v.elts[0].value, v.elts[1].attr, v.elts[2].value
            yield m.group(1).lower(), node.target.id, i, phrase, cat, weight


def hk_whole(phrase: str) -> bool:
    """A phrase that is a whole instruction: >= 3 words, or >= 5 characters in a script
    written without spaces (Chinese, Japanese, Thai)."""
    if NO_SPACE.search(phrase) and " " not in phrase:
        return len(phrase) >= 5
    return len(phrase.split()) >= 3


def hermes_katana(root, add, notes, rng):
    n = kept = 0
    for lang, table, i, phrase, cat, weight in hk_phrases(root):
        n += 1
        if weight >= HK_MIN_WEIGHT and hk_whole(phrase):
            kept += 1
            add("attack", HK_FAMILY[cat], lang,
                src("hermes-katana", f"{HK_FILE} {table}[{i}] [keyword phrase]"), phrase)
    notes.append(f"hermes-katana: {kept} of {n} phrases of the 19 language dictionaries kept (weight >= "
                 f"{HK_MIN_WEIGHT} and a whole instruction: >= 3 words, or >= 5 characters in zh / ja / th). "
                 "Left out: fragments ('you are now', 'system prompt', 'new instructions'), low-weight phrases, "
                 "the romanised dictionaries (pinyin, romaji, Arabic / Hindi / Korean in Latin letters), the "
                 "English attack_seed_phrases.json / injection_ngrams.txt fragments and the regex tables")


# ---------------------------------------------------------------------------------------
# sentinel-sd: sentinel_shield/dynamic_rules.json `keywords` (generated jailbreak strings:
# injection opener x harmful goal x obfuscation). Only strings with an injection opener are
# kept; the family follows the obfuscation.

SD_FILE = "sentinel_shield/dynamic_rules.json"
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s", "5": "s", "7": "t"})
LOOKALIKE = str.maketrans("аеорсухАВЕКМНОРСТХіοΟ", "aeopcyxABEKMHOPCTXioO")
SD_OPENER = re.compile(r"ignore (previous|all)|developer mode|\bdan\b|do anything now|system override", re.I)
SD_PER_KIND = 15  # rows sampled per obfuscation (plain, spaced, leet, reversed, split, homoglyph)


def sd_plain(s: str) -> tuple[str, str | None]:
    """(de-obfuscated text, obfuscation) for a sentinel-sd keyword."""
    if re.search(r"[а-яА-Яіο]", s):
        return s.translate(LOOKALIKE), "homoglyph"
    if re.fullmatch(r"(\S {1,3})+\S", s) and re.search(r"\S \S \S", s):
        return re.sub(" {3}", "\0", s).replace(" ", "").replace("\0", " "), "spaced"
    if SD_OPENER.search(s[::-1]):
        return s[::-1], "reversed"
    if re.search(r"[a-z][0-9@$][a-z]|[0-9@$][a-z]{2}", s, re.I) and SD_OPENER.search(s.translate(LEET)):
        return s.translate(LEET), "leet"
    if s.startswith("Part 1:"):
        return s.replace("... Part 2: ", ""), "split"
    return s, None


def sentinel_sd(root, add, notes, rng):
    kw = json.loads((root / SD_FILE).read_text(encoding="utf-8"))["keywords"]
    kinds: dict = {}
    for i, s in enumerate(kw):
        plain, obf = sd_plain(s)
        if len(s.split()) >= 3 and SD_OPENER.search(plain):
            kinds.setdefault(obf or "plain", []).append((i, s, plain, obf))
    counts = []
    for kind, items in sorted(kinds.items()):
        picked = sorted(rng.sample(items, min(SD_PER_KIND, len(items))))
        counts.append(f"{kind} {len(picked)} of {len(items)}")
        for i, s, plain, obf in picked:
            if obf == "homoglyph":
                fam = "homoglyph"
            elif obf:
                fam = "encoded"
            else:
                fam = "roleplay" if re.search(r"\bdan\b|developer mode", plain, re.I) else "override"
            add("attack", fam, "en", src("sentinel-sd", f"{SD_FILE} keywords[{i}]"), s)
    notes.append(f"sentinel-sd: of {len(kw)} `keywords`, those with an injection opener ('ignore previous rules / "
                 "instructions', 'developer mode', 'DAN', 'system override', after undoing the string's own leet / "
                 "spacing / reversal / Cyrillic look-alikes; >= 3 words) kept, then up to "
                 f"{SD_PER_KIND} per obfuscation sampled (seeded; they are one generator's opener x goal x "
                 "obfuscation grid): " + ", ".join(counts) + ". Left out: harmful goals with only an "
                 "obfuscation or a plea ('w r i t e   a   v i r u s', 'My gr@ndm0ther 1s dy1ng ...', "
                 "'Hypothetical response: ...'), one-word keywords, the `patterns` (regexes and fragments) and "
                 "the duplicate 'dynamic_rules - Copy.json'")


# ---------------------------------------------------------------------------------------
# hemlock-rag: attacks/*.py module constants: the poisoned documents (*_DOC) and the clean
# host documents (LEGIT_DOCS ...) and user queries (TRIGGER_QUERY) of each attack

HEMLOCK_KEEP = {  # module -> attack documents that address the assistant or steer its answer
    "agent_tool_hijack": ("PARAMETER_INJECTION_DOC", "TOOL_SUBSTITUTION_DOC", "DATA_EXFIL_CHAIN_DOC"),
    "authority_spoofing": ("CONFIG_DOC", "POLICY_DOC", "DEVELOPER_DOC"),
    "chain_of_thought_hijack": ("FALSE_PREMISE_DOC", "AUTHORITY_COT_DOC"),
    "cross_agent_poisoning": ("TOOL_CALL_INJECTION_DOC", "CONTEXT_POISONING_DOC", "INSTRUCTION_LAUNDERING_DOC"),
    "cross_tenant_poisoning": ("EMBEDDING_COLLISION_DOC",),
    "direct_injection": ("EXPLICIT_DOC", "ROLE_OVERRIDE_DOC", "OBFUSCATED_DOC"),
    "exfiltration": ("CONTEXT_LEAK_DOC", "SYSTEM_LEAK_DOC", "SIBLING_LEAK_DOC"),
    "indirect_injection": ("TITLE_INJECTED_DOC", "FOOTNOTE_INJECTED_DOC"),
    "invisible_markup": ("HTML_COMMENT_DOC", "ARIA_LABEL_DOC", "CSS_HIDDEN_DOC"),
    "jailbreak_via_context": ("ROLEPLAY_DOC", "RESEARCH_DOC", "HYPOTHETICAL_DOC"),
    "multi_hop_poisoning": ("QUERY_MANIPULATION_DOC", "EXECUTIVE_OVERRIDE_DOC", "TRANSITIVE_TRUST_DOC"),
    "poisoning": ("CONTACT_HIJACK_DOC", "CREDENTIAL_HARVEST_DOC"),
    "semantic_backdoor": ("KEYWORD_TRIGGER_DOC", "PHRASE_TRIGGER_DOC", "THEMATIC_TRIGGER_DOC"),
    "structured_output_poisoning": ("JSON_INJECTION_DOC", "FUNCTION_CALL_HIJACK_DOC", "SCHEMA_OVERRIDE_DOC"),
    "temporal_spoofing": ("STALE_OVERRIDE_DOC",),
}
HEMLOCK_BENIGN_LISTS = ("LEGIT_DOCS", "TENANT_A_LEGITIMATE_DOCS", "TENANT_B_LEGITIMATE_DOCS", "SENSITIVE_DOCS",
                        "_NOISE_TOPICS")


def hemlock_modules(root):
    for p in sorted((root / "attacks").glob("*.py")):
        yield p.stem, module_constants(p)


def hemlock_rag(root, add, notes, rng):
    for mod, consts in hemlock_modules(root):
        for name in HEMLOCK_KEEP.get(mod, ()):
            text = consts[name]
            fam = "invisible" if ps_invisible(text) else "indirect"
            add("attack", fam, "en", src("hemlock-rag", f"attacks/{mod}.py {name}"), text)
    notes.append("hemlock-rag: poisoned documents that only state false facts without addressing the assistant "
                 "(context_override, citation_forgery, context_flooding, temporal_spoofing FUTURE_DATED / "
                 "EVENT_SPOOFING, poisoning POLICY_FALSIFICATION, cross_tenant NAMESPACE_BLEED / FILTER_BYPASS, "
                 "multi_hop REFERENCE_CHAIN A / B, chain_of_thought LOGICAL_TRAP) left out; ZEROWIDTH_DOC is built "
                 "by an f-string (not read)")


def hemlock_rag_benign(root, add, notes, rng):
    for mod, consts in hemlock_modules(root):
        for name in HEMLOCK_BENIGN_LISTS:
            for i, t in enumerate(consts.get(name) or []):
                add("benign", "document", "en", src("hemlock-rag", f"attacks/{mod}.py {name}[{i}]"), t)
        q = consts.get("TRIGGER_QUERY")
        if isinstance(q, str):
            add("benign", "general", "en", src("hemlock-rag", f"attacks/{mod}.py TRIGGER_QUERY"), q)
    notes.append("hemlock-rag: benign = the clean host documents of each attack (LEGIT_DOCS, the tenants' "
                 "documents, the 'sensitive' internal notes, the noise topics) and its user query "
                 "(TRIGGER_QUERY); semantic_backdoor's trigger queries (they carry the trigger) not used")


# ---------------------------------------------------------------------------------------
# guardrailprobe: guardrailprobe/probes.py, AttackProbe(id, payload, description, ...)

GP_FILE = "guardrailprobe/probes.py"
GP_KEEP = {  # probe id -> family; the OWASP LLM01 / LLM03 / LLM05 / LLM06 / LLM08 probes with an injection element
    "LLM01-001": "override", "LLM01-002": "delimiter", "LLM01-003": "roleplay", "LLM01-004": "delimiter",
    "LLM01-005": "indirect", "LLM01-006": "delimiter", "LLM01-007": "override",
    "LLM03-001": "override", "LLM03-002": "override", "LLM03-003": "override", "LLM03-004": "override",
    "LLM03-005": "delimiter", "LLM05-005": "indirect",
    "LLM06-001": "prompt_leak", "LLM06-002": "prompt_leak", "LLM06-003": "prompt_leak", "LLM06-006": "prompt_leak",
    "LLM06-007": "prompt_leak", "LLM08-001": "override",
}


def gp_probes(root):
    return keyword_calls(root / "guardrailprobe" / "probes.py", "AttackProbe", ("id", "payload", "description"))


def guardrailprobe(root, add, notes, rng):
    probes = gp_probes(root)
    for p in probes:
        fam = GP_KEEP.get(p["id"])
        if fam and isinstance(p.get("payload"), str):
            add("attack", fam, "en", src("guardrailprobe", f"{GP_FILE} {p['id']} payload"), p["payload"])
    notes.append(f"guardrailprobe: payloads of {len(GP_KEEP)} of {len(probes)} probes kept. Left out: insecure "
                 "output (XSS / SQL / shell in a request), model DoS, supply-chain install requests, plugin and "
                 "excessive-agency tool requests without an injection element, training-data / PII extraction, "
                 "over-reliance questions, model-theft probes and the harmful-content probes (CM-*)")


def guardrailprobe_benign(root, add, notes, rng):
    for p in gp_probes(root):
        d = p.get("description")
        if isinstance(d, str) and len(d.split()) >= 8:
            add("benign", "jailbreak_discussion", "en", src("guardrailprobe", f"{GP_FILE} {p['id']} description"), d)
    notes.append("guardrailprobe: probe `description`s of 8 words or more (what the probe tests) as "
                 "jailbreak_discussion; repeated descriptions fall to the exact-duplicate check")


# ---------------------------------------------------------------------------------------
# aitdp: aitdp/_bundled_rules/**/*.yaml, `tests.match` / `tests.no_match` and `description`

AITDP_DIR = "aitdp/_bundled_rules"
AITDP_KEEP = {  # rule id -> family of its `match` tests, or {index: family}
    "AITDP-INJ-001": "override", "AITDP-INJ-002": "override", "AITDP-INJ-003": "prompt_leak",
    "AITDP-OBF-002": "encoded", "AITDP-JB-001": "roleplay", "AITDP-JB-002": {1: "roleplay", 2: "override"},
    "AITDP-EXF-002": {0: "indirect", 1: "indirect"},
}


def aitdp_rules(root):
    for p in sorted((root / AITDP_DIR).rglob("*.yaml")):
        yield p.relative_to(root).as_posix(), yaml_load(p)


def aitdp(root, add, notes, rng):
    for rel, r in aitdp_rules(root):
        fam = AITDP_KEEP.get(r["id"])
        for i, t in enumerate((r.get("tests") or {}).get("match") or []):
            f = fam.get(i) if isinstance(fam, dict) else fam
            if f:
                add("attack", f, "en", src("aitdp", f"{rel} tests.match[{i}]"), t)
    notes.append("aitdp: `match` tests of the injection, jailbreak and send-data rules kept; left out: "
                 "markdown-image beacons, credential strings, output scripts, shell / SQL / path / SSRF tool "
                 "arguments, bare invisible-character strings (AITDP-OBF-001), a harmful 'hypothetically' "
                 "question (JB-002 [0]) and a bare curl command (EXF-002 [2])")


def aitdp_benign(root, add, notes, rng):
    for rel, r in aitdp_rules(root):
        for i, t in enumerate((r.get("tests") or {}).get("no_match") or []):
            add("benign", "general", "en", src("aitdp", f"{rel} tests.no_match[{i}]"), t)
        add("benign", "jailbreak_discussion", "en", src("aitdp", f"{rel} description"), " ".join(r["description"].split()))
    notes.append("aitdp: benign = every `no_match` test (the rules' own look-alikes) and every rule description")


# ---------------------------------------------------------------------------------------
# inferwall: inferwall/catalog/**/*.yaml signatures (CC BY-SA 4.0): `reference_phrases` of
# the semantic patterns

IW_DIR = "inferwall/catalog"
IW_KEEP = {"INJ-S-001": "override", "INJ-S-002": "prompt_leak", "INJ-S-003": "roleplay", "INJ-S-005": "roleplay",
           "INJ-S-007": "override", "INJ-S-010": "indirect"}


def inferwall(root, add, notes, rng):
    seen = 0
    for p in sorted((root / IW_DIR).rglob("*.yaml")):
        d = yaml_load(p)
        sid = d["signature"]["id"]
        for j, pat in enumerate(d["detection"]["patterns"]):
            for k, phrase in enumerate(pat.get("reference_phrases") or []):
                seen += 1
                if sid in IW_KEEP:
                    add("attack", IW_KEEP[sid], "en",
                        src("inferwall", f"{p.relative_to(root).as_posix()} patterns[{j}].reference_phrases[{k}]"), phrase)
    notes.append(f"inferwall: reference phrases of {len(IW_KEEP)} signatures kept ({seen} read); left out: "
                 "claimed-authorisation data requests (INJ-S-004), emotional pleas (INJ-S-006), gradual "
                 "escalation openers (INJ-S-008), output-encoding requests (INJ-S-009); the regexes not used")


# ---------------------------------------------------------------------------------------
# k9x-satan: k9x_satan/app.py CORPUS (documents of the sample claims pipeline: `text`, `evil`)

K9_FILE = "k9x_satan/app.py"
K9_KEEP = ("prompt_injection_claim", "html_comment_injection", "jailbreak_roleplay", "social_engineering",
           "pii_exfiltration", "paraphrased_override", "agent_impersonation")


def k9_corpus(root):
    for node in ast.parse((root / K9_FILE).read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "CORPUS":
            for k, v in zip(node.value.keys, node.value.values):
                fields = {kk.value: vv for kk, vv in zip(v.keys, v.values)}
                try:
                    text = ast.literal_eval(fields["text"])
                except ValueError:
                    continue  # built by an expression (the oversized payload): not read
                yield k.value, text, ast.literal_eval(fields["evil"])


def k9x_satan(root, add, notes, rng):
    for key, text, evil in k9_corpus(root):
        if evil and key in K9_KEEP:
            add("attack", "indirect", "en", src("k9x-satan", f"{K9_FILE} CORPUS[{key!r}]"), text)
    notes.append("k9x-satan: CORPUS documents with an instruction to the claims agent kept; the phishing-link "
                 "claims and the debt-collection chatbot lure (a URL, no instruction to the agent) and the "
                 "payloads in attacks/*.py (the same documents) not used")


def k9x_satan_benign(root, add, notes, rng):
    for key, text, evil in k9_corpus(root):
        if not evil:
            add("benign", "document", "en", src("k9x-satan", f"{K9_FILE} CORPUS[{key!r}]"), text)


# ---------------------------------------------------------------------------------------
# npersona: npersona/corpus/known_attacks.py KNOWN_ATTACKS (_a(id, prompt_template, ...))

NP_FILE = "npersona/corpus/known_attacks.py"
NP_KEEP = {"KA-A02-003": "indirect", "KA-A03-001": "prompt_leak", "KA-A03-002": "prompt_leak",
           "KA-A03-003": "prompt_leak", "KA-A03-004": "prompt_leak", "KA-A05-002": "roleplay",
           "KA-A09-002": "encoded", "KA-A12-001": "encoded", "KA-A12-002": "encoded", "KA-A14-001": "indirect"}
NP_BENIGN = ("KA-U02-001", "KA-U07-001")


def np_attacks(root):
    return [a for a in keyword_calls(root / NP_FILE, "_a", ("id", "prompt_template")) if a.get("id")]


def npersona(root, add, notes, rng):
    attacks = np_attacks(root)
    for a in attacks:
        if a["id"] in NP_KEEP and "{" not in a["prompt_template"]:
            add("attack", NP_KEEP[a["id"]], "en", src("npersona", f"{NP_FILE} {a['id']}"), a["prompt_template"])
    notes.append(f"npersona: {len(NP_KEEP)} of {len(attacks)} known attacks kept. Left out: templates with an "
                 "`{agent_name}` slot (not filled: nothing is written by the builder), harmful requests in "
                 "fictional / academic wrappers, direct tool-action and PII requests, many-shot harmful Q&A, "
                 "crescendo openers, the AIM text (a known set), emotional pleas")


def npersona_benign(root, add, notes, rng):
    for a in np_attacks(root):
        if a["id"] in NP_BENIGN:
            add("benign", "general", "en", src("npersona", f"{NP_FILE} {a['id']}"), a["prompt_template"])
    notes.append("npersona: the user-variation entries U02 (typos) and U07 (pasted spreadsheet formulas) as "
                 "benign; U08 (romanised Hindi-English) left out (no language tag fits)")


# ---------------------------------------------------------------------------------------
# supersafe: supersafe/security/corpus.py PAYLOADS (Payload(id, category, text, ...))

SS_FILE = "supersafe/security/corpus.py"
SS_KEEP = {"de-001-verbatim": "prompt_leak", "de-002-roleplay": "roleplay", "de-003-translation": "prompt_leak",
           "de-004-encoding": "prompt_leak", "de-005-authority": "prompt_leak", "de-006-incremental": "prompt_leak"}


def supersafe(root, add, notes, rng):
    payloads = [p for p in keyword_calls(root / SS_FILE, "Payload", ("id", "text")) if p.get("id")]
    for p in payloads:
        if p["id"] in SS_KEEP and isinstance(p.get("text"), str) and "{" not in p["text"]:
            add("attack", SS_KEEP[p["id"]], "en", src("supersafe", f"{SS_FILE} {p['id']}"), p["text"])
    notes.append(f"supersafe: the {len(SS_KEEP)} direct-escape payloads (de-*) of {len(payloads)} kept; left out: "
                 "direct tool-misuse requests (tm-*), the exfiltration payloads (ex-*: every one has an "
                 "`{API_TOKEN…}` slot) and the indirect-injection payloads built by expressions")


# ---------------------------------------------------------------------------------------
# LibreOffice help in German, Spanish, French, Italian and Brazilian Portuguese (benign documents)

LO = {"libreoffice-help-de": ("de", "de"), "libreoffice-help-es": ("es", "es"), "libreoffice-help-fr": ("fr", "fr"),
      "libreoffice-help-it": ("it", "it"), "libreoffice-help-pt-br": ("pt-BR", "pt")}
LO_N = 42


LO_READERS = split_builder.libreoffice_readers(
    LO, LO_N, lambda c, lang: text_lang(c) == lang,
    "{pkg}: {n} of {total} help chunks (200-1200 characters) in the page's language (by function words) "
    "sampled", src)


ATTACK_READERS = [
    ("aicu-scanner", aicu), ("hermes-katana", hermes_katana), ("sentinel-sd", sentinel_sd),
    ("hemlock-rag", hemlock_rag), ("guardrailprobe", guardrailprobe), ("aitdp", aitdp), ("inferwall", inferwall),
    ("k9x-satan", k9x_satan), ("npersona", npersona), ("supersafe", supersafe),
]
BENIGN_READERS = [
    ("hemlock-rag", hemlock_rag_benign), ("guardrailprobe", guardrailprobe_benign), ("aitdp", aitdp_benign),
    ("k9x-satan", k9x_satan_benign), ("npersona", npersona_benign),
    *LO_READERS,
]
