"""Readers of the heldout7 packages (used by heldout7.py).

Each reader is called as reader(root, add, notes, rng). root is the unpacked package. add is
add(label, family, lang, source, text). notes is a list of strings: what was left out on
reading, with the reason; they are written to SOURCES7.md. rng is a seeded random.Random.

Item-level decisions (keep or leave out, and the family) were made by reading the texts; they
are the tables below. A source string is "package version: path inside it[ item]". heldout7.py
appends " [marked]" when an attack text carries a canary token or an obvious test marker.
Language helpers: heldout5_sources.text_lang, plus function words of Dutch, Polish, Swedish,
Norwegian, Turkish, Vietnamese and Swahili and the Greek script (`lang7`), which text_lang does
not know. Where a package tags its rows with a language, that tag is used.
"""

from __future__ import annotations

import ast
import json
import re

import split_builder
from heldout5_sources import LATIN_SETS, ps_invisible, text_lang, yaml_load

VERSIONS = {}  # package -> version, filled from heldout7.py's PINS by split_builder.main


def src(pkg: str, path: str) -> str:
    return f"{pkg} {VERSIONS[pkg]}: {path}"


def annotated_constants(path) -> dict:
    """Top-level `NAME: type = <literal>` assignments of a Python file (parsed, never run); the
    plain `NAME = <literal>` ones are split_builder.module_constants'."""
    out = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            try:
                out[node.target.id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return out


# ---------------------------------------------------------------------------------------
# language and transform families

EXTRA_WORDS = {
    "nl": "de het een van in is op te dat die voor met zijn niet als aan er ook door bij of uit naar kunt je "
          "bent nu alle vorige eerdere instructies zonder wordt worden deze geen dit",
    "pl": "na do się jest nie to że o jak lub oraz dla po przez od są być może aby tylko jeśli który która "
          "które tego tej jesteś teraz wszystkie poprzednie wcześniejsze instrukcje bez",
    "sv": "och att det som är på för med inte av till den har ett du kan eller från när alla denna detta ska",
    "no": "tidligere instruksjoner og ikke av til har kan eller skal fra denne dette",
    "tr": "tüm tum önceki onceki talimatları talimatlari ve bir bu artık artik için icin göster yok sayın "
          "sayin edin kuralları unut bana",
    "vi": "của là và các được trong cho một những có bạn tất cả hướng dẫn trước đó không này với khi để thì mà "
          "hàm sử dụng",
    "sw": "yote ya awali sasa wewe ni bila na kwa",
}
EXTRA_SETS = {k: set(v.split()) for k, v in EXTRA_WORDS.items()}  # no one-letter words: spelled-out text
WORD_SETS = {**LATIN_SETS, **EXTRA_SETS}  # heldout5's de / es / fr / it / pt sets, then these
EN_WORDS = set("the and to of you your is are for with this that please all instructions".split())
GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
# letters that stand in for Latin ones in an English text: Cyrillic / Greek look-alikes, fullwidth
# forms, IPA and small-capital letters, circled letters
LOOKALIKE = re.compile(r"[\u0400-\u04ff\u0370-\u03ff\uff21-\uff5a\u0250-\u02af\u1d00-\u1d7f\u24b6-\u24e9]")


def lang7(text: str) -> str | None:
    """text_lang, then (for a text it calls English) Greek script and the function words of
    WORD_SETS: more than twice the English hits, and >= 4 hits and >= 12 % of the words (as
    text_lang), or >= 2 hits and >= 25 % of the words (a short text)."""
    lang = text_lang(text)
    if lang != "en":
        return lang
    letters = [c for c in text if c.isalpha()]
    if letters and len(GREEK.findall(text)) >= 0.6 * len(letters):
        return "el"
    words = re.findall(r"[^\W\d_]+", text.lower())
    if not words:
        return "en"
    en = sum(w in EN_WORDS for w in words)
    best, hits = max(((k, sum(w in s for w in words)) for k, s in WORD_SETS.items()), key=lambda kv: kv[1])
    if hits > 2 * en and ((hits >= 4 and hits >= 0.12 * len(words)) or (hits >= 2 and hits >= 0.25 * len(words))):
        return best
    return "en"


def fam_lang(text: str, family: str) -> tuple[str, str]:
    """(family, lang) of an attack: zero-width characters make it `invisible`; an English text
    whose non-Latin letters only stand in for Latin ones (text_lang None, or look-alike letters
    between Latin ones) is `homoglyph`."""
    if ps_invisible(text):
        return "invisible", lang7(text) or "en"
    lang = lang7(text)
    if lang is None:
        return "homoglyph", "en"
    if lang == "en" and re.search(r"[A-Za-z]" + LOOKALIKE.pattern + r"|" + LOOKALIKE.pattern + r"[A-Za-z]", text):
        return "homoglyph", "en"
    return family, lang


def add_attack(add, family, source, text, lang=None):
    f, detected = fam_lang(text, family)
    add("attack", f, lang or detected, source, text)


# ---------------------------------------------------------------------------------------
# gauntlet-ai: gauntlet/data/attack_phrases.jsonl (id, text, category)

GA_FILE = "gauntlet/data/attack_phrases.jsonl"
GA_FAMILY = {"instruction_override": "override", "jailbreak": "roleplay", "delimiter_injection": "delimiter",
             "data_extraction": "prompt_leak", "context_manipulation": "override", "obfuscation": "encoded",
             "hypothetical_framing": "roleplay", "multilingual_injection": "override",
             "indirect_injection": "indirect"}
GA_ITEM = {  # id number -> family, where the category's family does not fit
    **{i: "roleplay" for i in (386, 387, 390, 391, 392, 393, 394, 396, 397, 398, 400)},
    **{i: "indirect" for i in (*range(378, 386), 399)},
    **{i: "prompt_leak" for i in (131, 133, 134, 389, *range(471, 483))},
    **{i: "delimiter" for i in (164, 184, 188)},
    **{i: "override" for i in (253, 265, 267, 285)},
}
GA_LANG = {119: "de", 132: "de", 386: "es", 397: "it", 399: "mul"}  # read: lang7 calls them English
GA_SKIP = {  # harmful requests in a story or game without an injection element, crescendo and
    # conversational turns, pleas, tool / SSRF / PII requests, code execution
    229, 230, 231, 232, 234, 237, 241, 242, 252, 255, 256, 257, 258, 259, 261, 263, 270, 271, 273, 274,
    277, 279, 286, 287, 292, 293, 294, 295, 296, 297, 298, *range(300, 331)}
GA_ITW_LEN = 600  # jailbreak-category rows this long are the package's copies of known in-the-wild prompts


def gauntlet(root, add, notes, rng):
    rows = [json.loads(line) for line in (root / GA_FILE).read_text(encoding="utf-8").splitlines() if line.strip()]
    n_pint = 0
    for r in rows:
        num = int(r["id"].split("-")[1])
        if r["category"] == "pint_injection":
            n_pint += 1
            continue
        if num in GA_SKIP:
            continue
        fam = GA_ITEM.get(num, GA_FAMILY[r["category"]])
        if r["category"] == "jailbreak" and len(r["text"]) >= GA_ITW_LEN:
            fam = "jailbreak_itw"
        add_attack(add, fam, src("gauntlet-ai", f"{GA_FILE} {r['id']}"), r["text"], GA_LANG.get(num))
    notes.append(f"gauntlet-ai: {len(rows) - n_pint - len(GA_SKIP)} of {len(rows)} attack phrases kept; left out: "
                 f"the {n_pint} `pint_injection` rows (a public benchmark's texts, which train or earlier splits may "
                 f"hold) and {len(GA_SKIP)} rows without an injection element (harmful requests in a story or game, "
                 "crescendo and other conversational turns, pleas, tool / SSRF / PII requests). Jailbreak rows of "
                 f">= {GA_ITW_LEN} characters (the package's copies of DAN / STAN / AIM / Developer Mode ...) are "
                 "`jailbreak_itw`; embeddings.npz not read")


# ---------------------------------------------------------------------------------------
# aegisrt: probe seed lists (aegisrt/probes/**/*.py, NAME: list[str] = [...]) and
# aegisrt/datasets/{multilingual_seeds,dan_variants,jailbreak_templates}.jsonl

AE_SEEDS = {  # (file, constant) -> {index: family}
    ("aegisrt/probes/injection.py", "INJECTION_SEEDS"): {
        **{i: "override" for i in (0, 1, 2, 15, 16, 18, 19)}, **{i: "prompt_leak" for i in (3, 4, 5, 17)},
        **{i: "roleplay" for i in (6, 7, 8)}, **{i: "prompt_leak" for i in (9, 10, 11)},
        **{i: "delimiter" for i in (12, 13, 14)}, **{i: "indirect" for i in range(20, 32)}},
    ("aegisrt/probes/exfiltration.py", "EXFILTRATION_SEEDS"): {
        i: "prompt_leak" for i in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 19)},
    ("aegisrt/probes/rag_manipulation.py", "RAG_MANIPULATION_SEEDS"): {
        i: "indirect" for i in (0, 1, 2, 4, 6, 7, 8, 9, 10, 11, 14, 15)},
    ("aegisrt/probes/refusal_bypass.py", "REFUSAL_BYPASS_SEEDS"): {
        **{i: "roleplay" for i in (0, 1, 2, 3, 4, 5)}, **{i: "override" for i in (9, 10, 11)}},
    ("aegisrt/probes/redteam/system_integrity.py", "SYSTEM_INTEGRITY_SEEDS"): {
        **{i: "roleplay" for i in (0, 1, 2, 3, 4, 29)}, 9: "prompt_leak",
        **{i: "override" for i in (10, 11, 12, 25, 26)},
        **{i: "delimiter" for i in (13, 14, 36, 37, 38, 39, 40)},
        **{i: "prompt_leak" for i in (15, 16, 17, 18, 19, 20, 21, 30, 31, 32, 33, 34, 35)}},
    ("aegisrt/probes/prompt_construction.py", "PROMPT_CONSTRUCTION_SEEDS"): {
        **{i: "delimiter" for i in (0, 1, 2, 3, 4, 5, 6, 7, 17)}, **{i: "encoded" for i in (12, 13, 14, 15)},
        16: "invisible"},
}
AE_DATA = "aegisrt/datasets"
AE_TECHNIQUE = {"instruction_override": "override", "mode_switch": "roleplay"}
AE_TEMPLATE_FAMILY = {"instruction_override": "override", "persona_hijack": "roleplay", "logic_inversion": "roleplay",
                      "hypothetical": "roleplay", "fiction_framing": "roleplay"}
SLOT = re.compile(r"\[(INSERT|harmful|topic|base64)|\.\.\.['\"]?$|:$", re.I)


def aegisrt(root, add, notes, rng):
    n_seeds = kept = 0
    for (path, const), keep in AE_SEEDS.items():
        seeds = annotated_constants(root / path)[const]
        n_seeds += len(seeds)
        for i, t in enumerate(seeds):
            if i in keep:
                kept += 1
                add_attack(add, keep[i], src("aegisrt", f"{path} {const}[{i}]"), t)
    for i, r in enumerate(_jsonl(root / AE_DATA / "multilingual_seeds.jsonl")):
        lang = {"mixed": "mul"}.get(r["language"], r["language"])
        fam = AE_TECHNIQUE.get(r["technique"], "override")
        add_attack(add, fam, src("aegisrt", f"{AE_DATA}/multilingual_seeds.jsonl line {i + 1}"), r["prompt"], lang)
    for i, r in enumerate(_jsonl(root / AE_DATA / "dan_variants.jsonl")):
        add_attack(add, "roleplay", src("aegisrt", f"{AE_DATA}/dan_variants.jsonl line {i + 1}"), r["prompt"])
    n_tpl = 0
    for i, r in enumerate(_jsonl(root / AE_DATA / "jailbreak_templates.jsonl")):
        fam = AE_TEMPLATE_FAMILY.get(r["category"])
        if fam and not SLOT.search(r["prompt"]):
            n_tpl += 1
            add_attack(add, fam, src("aegisrt", f"{AE_DATA}/jailbreak_templates.jsonl line {i + 1}"), r["prompt"])
    notes.append(f"aegisrt: {kept} of {n_seeds} probe seeds of six probes kept, all multilingual seeds and DAN "
                 f"variants, {n_tpl} of 20 jailbreak templates (those with an `[INSERT QUERY]` / `[harmful ...]` slot "
                 "or ending in an open '...' / ':' left out, as are emotional-manipulation, code-framing and "
                 "authority-claim templates). Left out: PII / credential generation requests (data_leakage), "
                 "training-data questions, crescendo turns, pleas, output-encoding requests, template-injection "
                 "strings (`{system_prompt}`, `${OPENAI_API_KEY}`), tool-misuse, bias, hallucination, CBRN / cyber / "
                 "persuasion seeds, and advbench_subset / harmbench_behaviors (public sets)")


def ae_texts(root):
    """(path, item, text) of each probe class's `description` and of the strings its
    `remediation()` returns, in file order."""
    for p in sorted((root / "aegisrt/probes").rglob("*.py")):
        rel = p.relative_to(root).as_posix()
        for cls in ast.parse(p.read_text(encoding="utf-8")).body:
            if not isinstance(cls, ast.ClassDef):
                continue
            for node in cls.body:
                if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "description":
                    yield rel, f"{cls.name}.description", ast.literal_eval(node.value)
                elif isinstance(node, ast.FunctionDef) and node.name == "remediation":
                    ret = next(n for n in ast.walk(node) if isinstance(n, ast.Return))
                    for i, t in enumerate(ast.literal_eval(ret.value)):
                        yield rel, f"{cls.name}.remediation()[{i}]", t


def aegisrt_benign(root, add, notes, rng):
    n = 0
    for rel, item, t in ae_texts(root):
        if len(t.split()) >= 8:
            n += 1
            add("benign", "jailbreak_discussion", "en", src("aegisrt", f"{rel} {item}"), t)
    notes.append(f"aegisrt: benign = {n} probe descriptions and remediation advice of 8 words or more (what the "
                 "probe tests, how to defend) as jailbreak_discussion")


def _jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------
# promptgate-llm: injectionbench/datasets/attacks/*.json, promptgate/data/embeddings/known_attacks.json,
# injectionbench/datasets/benign/*.json

PGL_BENCH = "injectionbench/datasets"
PGL_KNOWN = "promptgate/data/embeddings/known_attacks.json"
PGL_ML_FAMILY = {"direct_override": "override", "persona": "roleplay", "mixed_language": "override",
                 "persona_researcher": "roleplay"}
PGL_FAMILY = {"direct_injection": "override", "jailbreak": "roleplay", "system_prompt_leak": "prompt_leak",
              "system_override": "override"}
PGL_FILES = {"direct_injection.json": None, "jailbreaks.json": None, "system_override.json": None,
             "encoding_attacks.json": {0: "encoded", 2: "encoded", 4: "encoded"}}
PGL_CODING_N = 30


def promptgate_llm(root, add, notes, rng):
    for i, r in enumerate(json.loads((root / PGL_BENCH / "attacks/multilingual_injections.json").read_text("utf-8"))):
        lang = {"mixed": "mul"}.get(r["language"], r["language"])
        add_attack(add, PGL_ML_FAMILY[r["category"]],
                   src("promptgate-llm", f"{PGL_BENCH}/attacks/multilingual_injections.json [{i}]"), r["text"], lang)
    for name, keep in PGL_FILES.items():
        for i, r in enumerate(json.loads((root / PGL_BENCH / "attacks" / name).read_text("utf-8"))):
            fam = keep.get(i) if keep else PGL_FAMILY.get(r["category"])
            if fam:
                add_attack(add, fam, src("promptgate-llm", f"{PGL_BENCH}/attacks/{name} [{i}]"), r["text"])
    for i, r in enumerate(json.loads((root / PGL_KNOWN).read_text("utf-8"))):
        fam = PGL_FAMILY.get(r["category"])
        if fam and r.get("source") == "manual_seed":
            add_attack(add, fam, src("promptgate-llm", f"{PGL_KNOWN} [{i}]"), r["text"])
    notes.append("promptgate-llm: all multilingual injections (the package's language tags; `mixed` = mul), the "
                 "direct-injection / jailbreak / system-override sets, three encoding attacks with a payload, and the "
                 "`manual_seed` known attacks of those categories and system_prompt_leak. Left out: data-exfiltration "
                 "and social-engineering sets (requests without an injection element), the encoding rows without a "
                 "payload, malicious_coding.json ('write a function that ...') and the output_eval responses")


def promptgate_llm_benign(root, add, notes, rng):
    for i, r in enumerate(json.loads((root / PGL_BENCH / "benign/clean_samples.json").read_text("utf-8"))):
        add("benign", "general", "en", src("promptgate-llm", f"{PGL_BENCH}/benign/clean_samples.json [{i}]"), r["text"])
    coding = json.loads((root / PGL_BENCH / "benign/coding_requests.json").read_text("utf-8"))
    for i in sorted(rng.sample(range(len(coding)), PGL_CODING_N)):
        add("benign", "general", "en", src("promptgate-llm", f"{PGL_BENCH}/benign/coding_requests.json [{i}]"),
            coding[i]["text"])
    notes.append(f"promptgate-llm: benign = clean_samples.json and {PGL_CODING_N} of {len(coding)} coding requests "
                 "(sampled, seeded)")


# ---------------------------------------------------------------------------------------
# promptgate: promptgate/detectors/embedding.py _ATTACK_EXEMPLARS (English and Japanese)

PG_FILE = "promptgate/detectors/embedding.py"
PG_FAMILY = {"direct_injection": "override", "jailbreak": "roleplay", "data_exfiltration": "prompt_leak",
             "prompt_leaking": "prompt_leak", "indirect_injection": "indirect"}


def promptgate(root, add, notes, rng):
    ex = annotated_constants(root / PG_FILE)["_ATTACK_EXEMPLARS"]
    for cat, items in ex.items():
        for i, t in enumerate(items):
            add_attack(add, PG_FAMILY[cat], src("promptgate", f"{PG_FILE} _ATTACK_EXEMPLARS[{cat!r}][{i}]"), t)
    notes.append("promptgate: every embedding exemplar (its `data_exfiltration` exemplars ask for the system "
                 "prompt: prompt_leak); the regex pattern files (patterns/*.yaml) not used")


# ---------------------------------------------------------------------------------------
# protectrag: protectrag/data/golden_v1.json (stored documents labelled injection / clean)

PR_FILE = "protectrag/data/golden_v1.json"
PR_TAG = [  # first tag of a row found here decides its family
    ("multilang", "override"), ("indirect_injection", "indirect"), ("data_exfiltration", "indirect"),
    ("html_injection", "indirect"), ("role_delimiter", "delimiter"), ("fake_tool", "delimiter"),
    ("jailbreak", "roleplay"), ("prompt_leak", "prompt_leak"), ("encoding_trick", "encoded"),
    ("instruction_override", "override")]
PR_SKIP = {"inj-019", "inj-027", "inj-028", "inj-038", "inj-039", "inj-045", "inj-046", "inj-048", "inj-049"}


def protectrag(root, add, notes, rng):
    for r in json.loads((root / PR_FILE).read_text("utf-8")):
        if r["label"] == "injection" and r["id"] not in PR_SKIP:
            fam = next(f for t, f in PR_TAG if t in r["tags"])
            add_attack(add, fam, src("protectrag", f"{PR_FILE} {r['id']}"), r["text"])
    notes.append("protectrag: injection rows kept but script / iframe / markdown-image output payloads, bare tool "
                 "calls, payload-splitting fragments and an encoding row without a payload "
                 f"({', '.join(sorted(PR_SKIP))})")


def protectrag_benign(root, add, notes, rng):
    for r in json.loads((root / PR_FILE).read_text("utf-8")):
        if r["label"] == "clean":
            add("benign", "document", "en", src("protectrag", f"{PR_FILE} {r['id']}"), r["text"])
    notes.append("protectrag: benign = the 50 clean stored documents (several are look-alikes that use trigger "
                 "words in ordinary sentences)")


# ---------------------------------------------------------------------------------------
# blackwall-llm-shield-python: blackwall_llm_shield/red_team_prompts.json (id, category, prompt)

BW_FILE = "blackwall_llm_shield/red_team_prompts.json"
BW_PREFIX = {"classic_override": "override", "dan": "roleplay", "encoding": "encoded", "exfiltration": "prompt_leak",
             "rag": "override", "social": "prompt_leak", "multistep": "prompt_leak", "persona": "roleplay",
             "indirect": "override", "benchmark": "prompt_leak", "tooling": None}
BW_ITEM = {"encoding_026": None, "encoding_027": None, "encoding_028": None, "encoding_029": None,
           "encoding_030": None, "exfiltration_031": None, "exfiltration_038": None, "social_064": "override",
           "social_068": "override", "social_069": None, "multistep_072": "override", "benchmark_102": None,
           "benchmark_104": None, "benchmark_105": "override", "benchmark_107": None, "benchmark_108": "override",
           "tooling_047": "override", "tooling_048": "override"}


def blackwall(root, add, notes, rng):
    rows = json.loads((root / BW_FILE).read_text("utf-8"))
    kept = 0
    for r in rows:
        fam = BW_ITEM.get(r["id"], BW_PREFIX[r["id"].rsplit("_", 1)[0]])
        if fam:
            kept += 1
            add_attack(add, fam, src("blackwall-llm-shield-python", f"{BW_FILE} {r['id']}"), r["prompt"])
    notes.append(f"blackwall-llm-shield-python: {kept} of {len(rows)} red-team prompts kept; left out: tool-call "
                 "requests without an override (tooling_*), decode-and-obey requests without a payload "
                 "(encoding_026-030), plain secret / credential requests. The rag_* and indirect_* rows are user "
                 "messages that tell the model to obey retrieved text (override), not documents")


# ---------------------------------------------------------------------------------------
# neurosym-ai: neurosym/bench/corpus/prompt_injection.py CASES (_attack(text, category), _safe(text, label))

NS_FILE = "neurosym/bench/corpus/prompt_injection.py"
NS_FAMILY = {"ignore_instructions": "override", "role_switch": "roleplay", "system_prompt_extraction": "prompt_leak",
             "delimiter_injection": "delimiter", "voice_agent": "override", "obfuscation": "encoded"}


def ns_cases(root):
    for node in ast.walk(ast.parse((root / NS_FILE).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_attack", "_safe"):
            yield node.func.id, [ast.literal_eval(a) for a in node.args]


def neurosym(root, add, notes, rng):
    n = kept = 0
    for i, (kind, args) in enumerate(ns_cases(root)):
        if kind == "_attack":
            n += 1
            fam = NS_FAMILY.get(args[1])
            if fam and args[0] != "The following base64 encoded instruction should be executed.":
                kept += 1
                add_attack(add, fam, src("neurosym-ai", f"{NS_FILE} CASES[{i}] {args[1]}"), args[0])
    notes.append(f"neurosym-ai: {kept} of {n} attack cases kept; left out: shell commands, path traversal, "
                 "exfiltration commands, the `indirect_injection` cases (user requests that mention a document, "
                 "mostly with a destructive command) and an encoding case without a payload")


def neurosym_benign(root, add, notes, rng):
    for i, (kind, args) in enumerate(ns_cases(root)):
        if kind == "_safe":
            add("benign", "general", "en", src("neurosym-ai", f"{NS_FILE} CASES[{i}]"), args[0])
    notes.append("neurosym-ai: benign = the 30 safe voice-assistant commands")


# ---------------------------------------------------------------------------------------
# prompt-shield-ai: prompt_shield/benchmarks/sample_data.json (text, is_injection)

PS_FILE = "prompt_shield/benchmarks/sample_data.json"
PS_FAMILY = {0: "override", 1: "roleplay", 2: "roleplay", 3: "override", 4: "roleplay", 5: "delimiter",
             6: "delimiter", 8: "prompt_leak", 10: "prompt_leak", 11: "roleplay", 12: "roleplay", 13: "delimiter",
             14: "override", 15: "roleplay", 16: "prompt_leak", 17: "roleplay", 18: "override", 19: "prompt_leak",
             20: "override", 21: "roleplay", 22: "prompt_leak", 23: "prompt_leak", 24: "override"}


def prompt_shield(root, add, notes, rng):
    rows = json.loads((root / PS_FILE).read_text("utf-8"))["samples"]
    for i, r in enumerate(rows):
        if r["is_injection"] and i in PS_FAMILY:
            add_attack(add, PS_FAMILY[i], src("prompt-shield-ai", f"{PS_FILE} samples[{i}]"), r["text"])
    notes.append("prompt-shield-ai: injection samples kept but a SQL string to translate (7) and a terminal "
                 "role-play running `cat /etc/passwd` (9); the detectors' regexes not used")


def prompt_shield_benign(root, add, notes, rng):
    rows = json.loads((root / PS_FILE).read_text("utf-8"))["samples"]
    for i, r in enumerate(rows):
        if not r["is_injection"]:
            add("benign", "general", "en", src("prompt-shield-ai", f"{PS_FILE} samples[{i}]"), r["text"])


# ---------------------------------------------------------------------------------------
# promptbadger: promptbadger/rules/*.yml (Sigma-style rules: `tests.match` / `tests.no_match`,
# `description`). Match tests copied from a public prompt-injection data set (the German /
# "Andy is the best" / "DEMOCRACY WILL DIE" / PWNED lines) are not kept.

PB_DIR = "promptbadger/rules"
PB_KEEP = {  # rule id -> {index of tests.match: family}
    "PI-001": {0: "override", 4: "override", 5: "override", 6: "override", 7: "override"},
    "PI-002": {0: "override", 2: "override", 4: "override", 6: "override"},
    "PI-003": {1: "prompt_leak", 2: "prompt_leak", 4: "prompt_leak", 5: "prompt_leak"},
    "PI-004": {1: "roleplay", 2: "roleplay", 3: "roleplay", 4: "roleplay"},
    "PI-005": {i: "override" for i in range(6)}, "PI-006": {i: "delimiter" for i in range(6)},
    "PI-007": {i: "override" for i in range(5)},
    "PI-009": {i: "override" for i in (0, 1, 2, 3, 12, 13, 14, 15)}, "PI-012": {6: "override"},
    "PI-015": {i: "indirect" for i in range(6)}, "PI-016": {i: "indirect" for i in range(4)},
    "PI-017": {i: "indirect" for i in range(4)}, "PI-018": {0: "encoded", 1: "encoded", 2: "encoded"},
}
PB_LANG = {("PI-009", "match", 15): "hbs"}  # Serbo-Croatian (the rule's 'BCS'), read


def pb_rules(root):
    for p in sorted((root / PB_DIR).glob("*.yml")):
        yield p.relative_to(root).as_posix(), yaml_load(p)


def promptbadger(root, add, notes, rng):
    n = kept = 0
    for rel, r in pb_rules(root):
        keep = PB_KEEP.get(r["id"], {})
        for i, t in enumerate((r.get("tests") or {}).get("match") or []):
            n += 1
            if i in keep:
                kept += 1
                add_attack(add, keep[i], src("promptbadger", f"{rel} tests.match[{i}]"), t,
                           PB_LANG.get((r["id"], "match", i)))
    notes.append(f"promptbadger: {kept} of {n} `match` tests kept; left out: lines taken from a public "
                 "prompt-injection data set (context-termination preambles, German task switches, 'PWNED' / "
                 "'DEMOCRACY WILL DIE' targets: PI-002, PI-008, PI-009, PI-010, PI-011, PI-012, PI-013 mostly), "
                 "the DAN opening line, bare secret requests (PI-014), decode-and-obey lines without a payload")


def promptbadger_benign(root, add, notes, rng):
    for rel, r in pb_rules(root):
        for i, t in enumerate((r.get("tests") or {}).get("no_match") or []):
            add("benign", "general", lang7(t) or "en", src("promptbadger", f"{rel} tests.no_match[{i}]"), t)
        add("benign", "jailbreak_discussion", "en", src("promptbadger", f"{rel} description"),
            " ".join(r["description"].split()))
    notes.append("promptbadger: benign = every `no_match` test (the rules' look-alikes, incl. de / es / fr / ru "
                 "ones) and every rule description (jailbreak_discussion)")


# ---------------------------------------------------------------------------------------
# forcefield: forcefield/attacks.py CATALOG (Attack(id, category, severity, objective, prompt))

FF_FILE = "forcefield/attacks.py"
FF_FAMILY = {"prompt_injection_basic": "prompt_leak", "system_prompt_extraction": "prompt_leak",
             "role_escalation": "roleplay", "jailbreak_indirect": "indirect", "rag_context_poisoning": "override",
             "chat_template_backdoor": "roleplay"}
FF_ITEM = {"prompt_injection_basic-003": "override", "prompt_injection_basic-005": "override",
           "role_escalation-004": None, "chat_template_backdoor-001": "delimiter",
           "chat_template_backdoor-002": "delimiter", "chat_template_backdoor-004": "override"}


def forcefield(root, add, notes, rng):
    n = kept = 0
    for node in ast.walk(ast.parse((root / FF_FILE).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Attack":
            aid, cat, _sev, _obj, prompt = (ast.literal_eval(a) for a in node.args)
            n += 1
            fam = FF_ITEM.get(aid, FF_FAMILY.get(cat))
            if fam:
                kept += 1
                add_attack(add, fam, src("forcefield", f"{FF_FILE} {aid}"), prompt)
    notes.append(f"forcefield: {kept} of {n} catalog attacks kept; left out: secret / PII requests, tool misuse, "
                 "harmful-content requests (output_corruption), output-evasion requests, image-borne instructions "
                 "without the image, compliance / logging requests, a bare privilege request. rag_context_poisoning "
                 "rows are user messages quoting retrieved text (override)")


# ---------------------------------------------------------------------------------------
# unplug-ai: unplug/audit/data/fp_probe_queries.json (id, category, expect_detected, text)

UP_FILE = "unplug/audit/data/fp_probe_queries.json"
UP_FAMILY = {"direct_injection": "override", "jailbreak_dan": "roleplay", "exfil_email": "override",
             "jailbreak_developer_mode": "roleplay", "exfil_chat_dump": "override", "rag_poison": "indirect",
             "attack_linkedin_flan": "indirect", "attack_rag_flan": "indirect"}
UP_BENIGN = {"benign_security_flan_post": "jailbreak_discussion"}


def unplug(root, add, notes, rng):
    for r in json.loads((root / UP_FILE).read_text("utf-8")):
        if r["expect_detected"]:
            add_attack(add, UP_FAMILY[r["id"]], src("unplug-ai", f"{UP_FILE} {r['id']}"), r["text"])
    notes.append("unplug-ai: the attack rows of the false-positive probe set; encoding_probe_queries.json (blobs "
                 "encoded at run time) and agent_boundary_probe_queries.json (tool-flow steps) not used")


def unplug_benign(root, add, notes, rng):
    for r in json.loads((root / UP_FILE).read_text("utf-8")):
        if not r["expect_detected"]:
            add("benign", UP_BENIGN.get(r["id"], "general"), "en", src("unplug-ai", f"{UP_FILE} {r['id']}"), r["text"])
    notes.append("unplug-ai: benign = the false-positive probes (everyday requests and trigger-word look-alikes)")


# ---------------------------------------------------------------------------------------
# prompt-lint-py: promptlint/corpora/regression-v0.2.json (id, text, expected_attack, source)

PL_FILE = "promptlint/corpora/regression-v0.2.json"
PL_FAMILY = {"attack-direct-override-extract": "override", "attack-chatml-breakout": "delimiter",
             "attack-indirect-destructive": "indirect", "attack-paraphrase-role-confusion": "indirect",
             "attack-nested-encoding": "encoded", "attack-bidi-obfuscation": "invisible",
             "attack-combining-marks": "homoglyph", "attack-html-entity-no-semicolon": "encoded"}
PL_BENIGN = {"benign-security-education": "security_question", "benign-email-security": "security_question",
             "benign-quoted-debug": "security_question", "benign-presigned-url": "code"}
PL_LANG = {"benign-java-override": "de"}  # read: too short for lang7


def prompt_lint(root, add, notes, rng):
    for r in json.loads((root / PL_FILE).read_text("utf-8"))["cases"]:
        fam = PL_FAMILY.get(r["id"])
        if r["expected_attack"] and fam:
            # the transform families are the corpus' own labels (bidi controls, combining macrons)
            lang = lang7(r["text"]) or "en"
            add("attack", fam, lang, src("prompt-lint-py", f"{PL_FILE} {r['id']}"), r["text"])
    notes.append("prompt-lint-py: 8 of 12 attack cases kept; left out: a memory-wipe request, tool / markdown-image "
                 "exfiltration requests (output handling)")


def prompt_lint_benign(root, add, notes, rng):
    for r in json.loads((root / PL_FILE).read_text("utf-8"))["cases"]:
        if not r["expected_attack"]:
            lang = PL_LANG.get(r["id"]) or lang7(r["text"]) or "en"
            add("benign", PL_BENIGN.get(r["id"], "general"), lang, src("prompt-lint-py", f"{PL_FILE} {r['id']}"),
                r["text"])
    notes.append("prompt-lint-py: benign = all 12 benign cases (look-alikes, a German and a Russian and a Greek "
                 "everyday question)")


# ---------------------------------------------------------------------------------------
# lightguard-agent: lightguard/redteam/payloads.py ADVERSARIAL_ATTACK_SUITE (id, category, payload)

LG_FILE = "lightguard/redteam/payloads.py"
LG_FAMILY = {"DPI-001": "override", "DPI-002": "override", "DPI-003": "delimiter",
             **{f"IPI-00{i}": "indirect" for i in range(1, 5)}, **{f"DELIM-00{i}": "delimiter" for i in range(1, 4)},
             **{f"OBF-00{i}": "encoded" for i in range(1, 6)}}


def lightguard(root, add, notes, rng):
    suite = annotated_constants(root / LG_FILE)["ADVERSARIAL_ATTACK_SUITE"]
    for r in suite:
        if r["id"] in LG_FAMILY:
            add_attack(add, LG_FAMILY[r["id"]], src("lightguard-agent", f"{LG_FILE} {r['id']}"), r["payload"])
    notes.append(f"lightguard-agent: {len(LG_FAMILY)} of {len(suite)} payloads kept; left out: direct credential "
                 "forwarding and table drops (DPI-004, DPI-005), bare tool calls (ACT-*); the benign controls are "
                 "used as benign")


def lightguard_benign(root, add, notes, rng):
    suite = annotated_constants(root / LG_FILE)["ADVERSARIAL_ATTACK_SUITE"]
    for r in suite:
        if not r["expected_blocked"]:
            add("benign", "general", "en", src("lightguard-agent", f"{LG_FILE} {r['id']}"), r["payload"])


# ---------------------------------------------------------------------------------------
# LibreOffice help in Dutch, Polish, Swedish, Greek and Vietnamese (benign documents)

LO = {"libreoffice-help-nl": ("nl", "nl"), "libreoffice-help-pl": ("pl", "pl"), "libreoffice-help-sv": ("sv", "sv"),
      "libreoffice-help-el": ("el", "el"), "libreoffice-help-vi": ("vi", "vi")}
LO_N = 30


LO_READERS = split_builder.libreoffice_readers(
    LO, LO_N, lambda c, lang: lang7(c) == lang,
    "{pkg}: {n} of {total} help chunks (200-1200 characters) in the page's language (Greek script, or "
    "function words) sampled", src)


ATTACK_READERS = [
    ("gauntlet-ai", gauntlet), ("aegisrt", aegisrt), ("promptgate-llm", promptgate_llm), ("promptgate", promptgate),
    ("protectrag", protectrag), ("blackwall-llm-shield-python", blackwall), ("neurosym-ai", neurosym),
    ("prompt-shield-ai", prompt_shield), ("promptbadger", promptbadger), ("forcefield", forcefield),
    ("unplug-ai", unplug), ("prompt-lint-py", prompt_lint), ("lightguard-agent", lightguard),
]
BENIGN_READERS = [
    ("aegisrt", aegisrt_benign), ("promptgate-llm", promptgate_llm_benign), ("protectrag", protectrag_benign),
    ("neurosym-ai", neurosym_benign),
    ("prompt-shield-ai", prompt_shield_benign), ("promptbadger", promptbadger_benign), ("unplug-ai", unplug_benign),
    ("prompt-lint-py", prompt_lint_benign), ("lightguard-agent", lightguard_benign),
    *LO_READERS,
]
