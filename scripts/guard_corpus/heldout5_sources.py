"""Readers of the heldout5 packages (used by heldout5.py).

Each reader is called as reader(root, add, notes, rng). root is the unpacked package. add is
add(label, family, lang, source, text). notes is a list of strings: what was left out on
reading, with the reason; they are written to SOURCES5.md. rng is a seeded random.Random.

Item-level decisions (keep or leave out, and the family) were made by reading the attack texts
of aipop, promptshields, guardlayer, mithril-llm, ai-aegis and agent-guardian; they are the
tables below. prompt-armor ships two public challenge sets (LLMail-Inject, SaTML CTF 2024)
too large to read item by item: its rows are sampled by language and their family follows
the package's own `category`. A source string is "package version: path inside it[ item]".
heldout5.py appends " [marked]" when the text carries a canary token or an obvious test marker.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import split_builder

VERSIONS = {}  # package -> version, filled from heldout5.py's PINS by split_builder.main


def src(pkg: str, path: str) -> str:
    return f"{pkg} {VERSIONS[pkg]}: {path}"


def yaml_load(path: Path):
    import yaml
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------
# language of a text: by script share, and by distinctive function words for Latin script

SCRIPTS = {
    "kana": re.compile(r"[\u3040-\u30ff]"), "cjk": re.compile(r"[\u3400-\u9fff\uf900-\ufaff]"),
    "hangul": re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"), "cyr": re.compile(r"[\u0400-\u04ff]"),
    "arab": re.compile(r"[\u0600-\u06ff]"), "thai": re.compile(r"[\u0e00-\u0e7f]"),
    "deva": re.compile(r"[\u0900-\u097f]"),
}
UYGHUR = re.compile(r"[ېۆۈڭە]")
PERSIAN, ARABIC = re.compile(r"[پچژگکی]"), re.compile(r"[يكة]")
KAZAKH, UKRAINIAN = re.compile(r"[әғқңөұүһӘҒҚҢӨҰҮҺ]"), re.compile(r"[їєґЇЄҐ]")
# Cyrillic letters that look like Latin ones: a text whose Cyrillic is only these is English
# written with homoglyphs
CYR_LOOKALIKE = set("АВЕКМНОРСТУХЅІЈаеорсуххѕіјԁԛԝһ")
LATIN_WORDS = {
    "de": "der die das und ist nicht ich sie mit für auf eine den dem bitte alle anweisungen sind wird "
          "oder auch noch nur",
    "es": "los las por para con del instrucciones todas como pero está usted esta sus también ahora "
          "correo anteriores",
    "fr": "les des une est pour avec vous pas toutes précédentes votre sont mais dans cette aussi "
          "ignorez maintenant",
    "it": "il gli che per con sono non tutte istruzioni della questo questa anche ora delle precedenti",
    "pt": "os que para com uma não você todas instruções das dos isso agora também anteriores",
}
LATIN_SETS = {k: set(v.split()) for k, v in LATIN_WORDS.items()}
EN_WORDS = set("the and to of you your is are for with this that please all instructions".split())


def text_lang(text: str) -> str | None:
    """Language of a text. ja, zh, ko, ru / uk / kk, ar / fa / ug, th, hi when at least 60 % of
    its letters are in that script and no other non-Latin script has 10 %; "mul" when 25-60 %
    are non-Latin, or two non-Latin scripts mix, or a de / es / fr / it / pt text (by
    distinctive function words) has >= 8 % non-Latin letters; else en. None for a text whose
    Cyrillic letters are only Latin look-alikes (English written with homoglyphs: the caller
    decides)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    n = {k: len(p.findall(text)) for k, p in SCRIPTS.items()}
    share = {k: v / len(letters) for k, v in n.items()}
    nonlatin = sum(share.values())
    groups = sorted([share["kana"] + share["cjk"], share["hangul"], share["cyr"], share["arab"], share["thai"],
                     share["deva"]], reverse=True)
    if groups[0] >= 0.6 and groups[1] >= 0.1:
        return "mul"  # two non-Latin scripts (e.g. a Chinese opening line before a Thai request)
    if share["kana"] + share["cjk"] >= 0.6:
        return "ja" if n["kana"] >= max(3, 0.1 * (n["kana"] + n["cjk"])) else "zh"
    if share["hangul"] >= 0.6:
        return "ko"
    cyr_real = sum(1 for c in text if SCRIPTS["cyr"].match(c) and c not in CYR_LOOKALIKE)
    if share["cyr"] >= 0.6:
        if cyr_real < 3:
            return None
        return "kk" if len(KAZAKH.findall(text)) >= 2 else "uk" if UKRAINIAN.search(text) else "ru"
    if share["arab"] >= 0.6:
        if len(UYGHUR.findall(text)) >= 2:
            return "ug"
        return "fa" if len(PERSIAN.findall(text)) > len(ARABIC.findall(text)) else "ar"
    if share["thai"] >= 0.6:
        return "th"
    if share["deva"] >= 0.6:
        return "hi"
    if nonlatin >= 0.25:
        return None if cyr_real < 3 and nonlatin - share["cyr"] < 0.25 else "mul"
    words = re.findall(r"[a-zà-öø-ÿ]+", text.lower())
    if not words:
        return "en"
    en = sum(w in EN_WORDS for w in words)
    best, hits = max(((k, sum(w in s for w in words)) for k, s in LATIN_SETS.items()), key=lambda kv: kv[1])
    if hits >= 4 and hits >= 0.12 * len(words) and hits > 2 * en:
        return "mul" if nonlatin >= 0.08 else best
    return "en"


# ---------------------------------------------------------------------------------------
# aipop: suites/**/*.yaml `cases` (id, prompt, expected) and configs/data/guardrail_probes.yaml

AIPOP_KEEP = {  # (file, case id) -> family
    **{("suites/redteam/prompt_injection_advanced.yaml", k): v for k, v in {
        "ignore_all_instructions": "override", "override_system_prompt": "roleplay",
        "forget_previous_rules": "override", "new_instructions_override": "override",
        "xml_tag_confusion": "delimiter", "json_structure_confusion": "delimiter",
        "markdown_code_block": "delimiter", "triple_backtick_injection": "delimiter",
        "xml_comment_injection": "delimiter", "separator_override": "delimiter",
        "pipe_delimiter": "delimiter", "newline_injection": "delimiter",
        "base64_encoded_injection": "encoded", "hex_encoded_injection": "encoded",
        "rot13_encoded": "encoded", "unicode_obfuscation": "homoglyph",
        "leetspeak_obfuscation": "encoded", "gradual_instruction_override": "override",
        "conversational_injection": "override", "xml_base64_hybrid": "encoded",
        "delimiter_encoding_hybrid": "delimiter", "roleplay_encoding_hybrid": "roleplay",
        "dan_jailbreak_v2": "roleplay", "developer_mode_jailbreak": "roleplay",
        "sudo_mode_jailbreak": "roleplay", "jailbreak_via_poem": "override",
        "token_splitting_attack": "encoded", "if_then_injection": "override",
        "loop_instruction": "override"}.items()},
    **{("suites/adversarial/context_confusion.yaml", k): v for k, v in {
        "cc_authority_override": "override", "cc_developer_mode": "prompt_leak",
        "cc_academic_reframe": "override", "cc_translation_launder": "override",
        "cc_completion_trap": "prompt_leak", "cc_nested_personas": "prompt_leak",
        "cc_output_format_hijack": "prompt_leak", "cc_error_message_injection": "indirect"}.items()},
    **{("suites/adversarial/delayed_payloads.yaml", f"delayed_payload_{i:03d}"): "override" for i in range(1, 11)},
    **{("suites/adversarial/encoding_chains.yaml", k): v for k, v in {
        "enc_base64_instruction": "encoded", "enc_rot13_instruction": "encoded",
        "enc_hex_instruction": "encoded", "enc_token_split": "encoded", "enc_leetspeak": "encoded",
        "enc_homoglyph": "homoglyph", "enc_zero_width": "invisible",
        "enc_base64_then_rot13": "encoded", "enc_emoji_smuggle": "prompt_leak"}.items()},
    **{("suites/adversarial/rag_injection.yaml", k): "indirect" for k in (
        "rag_doc_summary_hijack", "rag_doc_exfil_via_summary", "rag_doc_citation_suppression",
        "rag_invisible_whitespace", "rag_instruction_as_metadata", "rag_cross_doc_authority",
        "rag_chunk_boundary")},
    **{("suites/agentic/cve_regression.yaml", k): v for k, v in {
        "asi01_echoleak_email_injection": "indirect", "asi01_document_injection": "indirect",
        "asi01_calendar_hijack": "indirect", "asi02_ci_runner_injection": "indirect",
        "asi03_agent_impersonation": "override", "asi03_credential_extraction": "prompt_leak",
        "asi06_memory_persistence_injection": "override", "asi06_rag_context_poisoning": "indirect"}.items()},
    **{("suites/rag/rag_poisoning.yaml", k): v for k, v in {
        "context_poisoning_instruction": "indirect", "fake_citation_injection": "indirect",
        "citation_override_attack": "indirect", "multiple_citation_confusion": "indirect",
        "extract_system_prompt": "prompt_leak", "prompt_injection_in_retrieval": "delimiter",
        "metadata_poisoning": "indirect", "poisoned_chunk_injection": "indirect",
        "bypass_retrieval_filters": "override"}.items()},
    **{("suites/archived/2022_basic_jailbreak.yaml", k): v for k, v in {
        "ignore_instructions": "override", "roleplay_jailbreak": "roleplay", "encoding_bypass": "encoded",
        "system_prompt_extraction": "prompt_leak", "dan_jailbreak": "roleplay", "developer_mode": "roleplay"}.items()},
    ("configs/data/guardrail_probes.yaml", "rebuff_canary_test"): "override",
    ("configs/data/guardrail_probes.yaml", "rebuff_vector_match"): "override",
    ("configs/data/guardrail_probes.yaml", "timing_malicious"): "prompt_leak",
}
AIPOP_BENIGN_FILES = ("suites/redteam/prompt_injection_advanced.yaml", "suites/rag/rag_poisoning.yaml",
                      "suites/ui/injection_attacks.yaml", "suites/archived/2022_basic_jailbreak.yaml",
                      "suites/comparison/model_comparison.yaml", "suites/normal/basic_utility.yaml",
                      "suites/adapters/adapter_validation.yaml", "suites/policies/content_safety.yaml",
                      "suites/tools/tool_policy_validation.yaml")


def aipop_cases(root):
    base = root / "aipop"
    files = sorted(p.relative_to(base).as_posix() for p in (base / "suites").rglob("*.yaml"))
    for rel in files + ["configs/data/guardrail_probes.yaml"]:
        d = yaml_load(base / rel)
        for c in d.get("cases") or d.get("probes") or []:
            if isinstance(c, dict) and isinstance(c.get("prompt"), str):
                yield rel, c


def aipop(root, add, notes, rng):
    n = 0
    for rel, c in aipop_cases(root):
        n += 1
        fam = AIPOP_KEEP.get((rel, c["id"]))
        if fam:
            add("attack", fam, "en", src("aipop", f"aipop/{rel} {c['id']}"), c["prompt"])
    notes.append(f"aipop: of {n} single-prompt cases {len(AIPOP_KEEP)} kept as attacks. Left out: plain "
                 "harmful requests with Unicode / emoji obfuscation or a GCG suffix from the paper "
                 "(unicode_bypass, gcg_attacks: no injection element; the suffixes are the published GCG "
                 "ones), output-handling requests (ui/injection_attacks: XSS / SSRF / path traversal), "
                 "direct tool-abuse requests (tool_misuse, cve_regression asi02/04/05), placeholders "
                 "('[Very long context ...]', 'unicode_variants'), data-extraction questions without an "
                 "injection element, guardrail_probes' generic test strings; multi-turn crescendo (`turns`) "
                 "not read")


def aipop_benign(root, add, notes, rng):
    for rel, c in aipop_cases(root):
        if rel in AIPOP_BENIGN_FILES and c.get("expected") == "pass":
            add("benign", "general", "en", src("aipop", f"aipop/{rel} {c['id']}"), c["prompt"])
    notes.append("aipop: benign = the `expected: pass` cases of the red-team, RAG, UI, comparison, "
                 "utility, adapter, policy and tool suites (fuzz_tests' control-character strings not used)")


# ---------------------------------------------------------------------------------------
# promptshields: promptshield/attack_db/<category>/*.json (text or prompt)

PS_FAMILY = {
    "context_confusion/injection.json": "delimiter", "control_plans/instruction_override.json": "override",
    "control_plans/persona_replacement.json": "roleplay", "direct_injection/attacks.json": "override",
    "encoding/obfuscation.json": "encoded", "encoding_obfuscation/attacks.json": "encoded",
    "indirect_injection/attacks.json": "indirect", "jailbreak/attacks.json": "roleplay",
    "many_shot/attacks.json": "override", "output_manipulation/format_forcing.json": "override",
    "payload_injection/data_hiding.json": "indirect", "persona_replacement/attacks.json": "roleplay",
    "policy_bypass/jailbreak.json": "roleplay", "prompt_extraction/system_leak.json": "prompt_leak",
    "system_extraction/attacks.json": "prompt_leak", "token_smuggling/attacks.json": "delimiter",
}
PS_ITEM = {  # (file, index) -> family, where it differs from the file's
    ("encoding/obfuscation.json", 2): "invisible", ("encoding_obfuscation/attacks.json", 3): "homoglyph",
    ("encoding_obfuscation/attacks.json", 8): "homoglyph",
    ("output_manipulation/format_forcing.json", 2): "prompt_leak",
    ("payload_injection/data_hiding.json", 2): "delimiter", ("token_smuggling/attacks.json", 2): "override",
    ("token_smuggling/attacks.json", 3): "override", ("token_smuggling/attacks.json", 4): "override",
    ("token_smuggling/attacks.json", 6): "override", ("token_smuggling/attacks.json", 7): "override",
    ("direct_injection/attacks.json", 3): "prompt_leak", ("jailbreak/attacks.json", 10): "override",
    ("jailbreak/attacks.json", 14): "override",
}
PS_SKIP = {("jailbreak/attacks.json", 0)}  # the jailbreakchat DAN text, cut short: a known set


def ps_items(root):
    base = root / "promptshield" / "attack_db"
    for p in sorted(base.rglob("*.json")):
        rel = p.relative_to(base).as_posix()
        for i, x in enumerate(json.loads(p.read_text(encoding="utf-8"))):
            yield rel, i, x, x.get("text") or x.get("prompt") or ""


def ps_invisible(t: str) -> bool:
    return bool(re.search(r"[\u200b-\u200f\u2060-\u2064\ufeff\U000e0000-\U000e007f]", t))


def promptshields(root, add, notes, rng):
    for rel, i, x, t in ps_items(root):
        fam = PS_FAMILY.get(rel)
        if fam is None or (rel, i) in PS_SKIP:
            continue
        if rel == "policy_bypass/jailbreak.json" and x.get("expected_violation") is False:
            continue  # questions about jailbreaks: benign below
        fam = PS_ITEM.get((rel, i), fam)
        if ps_invisible(t):
            fam = "invisible"
        add("attack", fam, "en", src("promptshields", f"promptshield/attack_db/{rel} [{i}]"), t)
    notes.append("promptshields: crescendo/attacks.json (harmful multi-step questions, no injection "
                 "element) left out; jailbreak/attacks.json [0] (the jailbreakchat DAN text, cut) left out; "
                 "policy_bypass items the package marks `expected_violation: false` (questions about how "
                 "safety fails) used as benign jailbreak_discussion; encoded items the package marks "
                 "`expected_violation: false` (ROT13, hex, reversed 'ignore all previous instructions') kept "
                 "as attacks")


def promptshields_benign(root, add, notes, rng):
    for rel, i, x, t in ps_items(root):
        if rel.startswith("benign/"):
            fam = "security_question" if "security_adjacent" in (x.get("tags") or []) else "general"
            add("benign", fam, "en", src("promptshields", f"promptshield/attack_db/{rel} [{i}]"), t)
        elif rel == "policy_bypass/jailbreak.json" and x.get("expected_violation") is False:
            add("benign", "jailbreak_discussion", "en",
                src("promptshields", f"promptshield/attack_db/{rel} [{i}]"), t)


# ---------------------------------------------------------------------------------------
# guardlayer: data/known_attacks.txt (one per line, '# --- section ---'), data/eval_sample.jsonl

GL_SECTION = {"instruction override": "override", "system prompt extraction": "prompt_leak",
              "persona jailbreaks": "roleplay", "refusal suppression / compliance forcing": "override",
              "indirect injection (documents, web pages, tool output)": "indirect",
              "exfiltration": "prompt_leak", "obfuscation / encoding tricks": "encoded"}
GL_EVAL = {"prompt_injection": "override", "system_prompt_leak": "prompt_leak", "jailbreak": "roleplay",
           "data_exfiltration": "prompt_leak"}
GL_EVAL_ITEM = {3: "encoded", 4: "encoded", 5: "homoglyph", 6: "encoded", 7: "delimiter", 20: "indirect",
                21: "indirect", 22: "indirect", 23: "indirect", 26: "indirect", 32: "encoded"}


def guardlayer(root, add, notes, rng):
    path = "guardlayer/data/known_attacks.txt"
    section, n_tool = None, 0
    for line in (root / path).read_text(encoding="utf-8").splitlines():
        m = re.match(r"#\s*---\s*(.+?)\s*---", line)
        if m:
            section = m.group(1)
            continue
        if not line.strip() or line.startswith("#"):
            continue
        fam = GL_SECTION.get(section)
        if fam is None:
            n_tool += 1
            continue
        add("attack", fam, "en", src("guardlayer", f"{path} ({section})"), line)
    ev = "guardlayer/data/eval_sample.jsonl"
    for i, line in enumerate((root / ev).read_text(encoding="utf-8").splitlines()):
        r = json.loads(line)
        if r["label"] == 1 and r.get("category") in GL_EVAL:
            fam = GL_EVAL_ITEM.get(i, GL_EVAL[r["category"]])
            add("attack", fam, "en", src("guardlayer", f"{ev} [{i}]"), r["text"])
    notes.append(f"guardlayer: known_attacks.txt 'agent / tool abuse' section ({n_tool} direct tool-action "
                 "requests) and eval_sample.jsonl `unsafe_command` rows (shell commands in an answer) left out")


def guardlayer_benign(root, add, notes, rng):
    ev = "guardlayer/data/eval_sample.jsonl"
    for i, line in enumerate((root / ev).read_text(encoding="utf-8").splitlines()):
        r = json.loads(line)
        if r["label"] == 0:
            add("benign", "general", "en", src("guardlayer", f"{ev} [{i}]"), r["text"])


# ---------------------------------------------------------------------------------------
# mithril-llm: mithril/embeddings/corpus.jsonl (name, text, category), a jailbreak seed corpus

MITHRIL_FAMILY = {"instruction-override": "override", "explicit-bypass": "override", "prompt-leak": "prompt_leak",
                  "role-hijack": "delimiter", "obfuscation": "encoded", "prompt-injection": "override",
                  "authority": "override", "framing": "override"}


def mithril(root, add, notes, rng):
    path = "mithril/embeddings/corpus.jsonl"
    for i, line in enumerate((root / path).read_text(encoding="utf-8").splitlines()):
        r = json.loads(line)
        add("attack", MITHRIL_FAMILY.get(r["category"], "roleplay"), "en", src("mithril-llm", f"{path} [{i}]"),
            r["text"])
    notes.append("mithril-llm: all 51 seed jailbreaks read; several are short retellings of known DAN / "
                 "STAN / AIM / developer-mode prompts, so the near-duplicate check against train decides")


# ---------------------------------------------------------------------------------------
# ai-aegis: rule test cases (aegis/rules/community/*.yml: test_cases input / expected_result)
# and the Chinese agent benchmark (data/aegis/benchmarks/chinese_agent_security_p1.jsonl)

AEGIS_RULE_FAMILY = {  # rule id suffix -> family of its `match` cases; rules not listed: left out
    "001_ignore_instructions": "override", "002_role_manipulation": "roleplay", "003_system_override": "override",
    "004_prompt_extraction": "prompt_leak", "005_scenario_jailbreak": "roleplay",
    "021_tool_result_injection": "indirect", "multiagent_authority_spoof": "indirect",
    "instruction_override_phrasing": "override", "essential_ignore_instructions": "override",
    "essential_jailbreak_persona": "roleplay", "evasion_expanded_roleplay": "roleplay",
    "evasion_synonym_substitution": "override", "evasion_code_block_injection": "delimiter",
    "evasion_payload_splitting": "encoded", "evasion_encoding_obfuscation": "encoded",
    "evasion_language_switching": "override", "evasion_indirect_manipulation": "override",
    "evasion_nested_injection": "delimiter", "evasion_context_dilution": "override",
    "evasion_negation_tricks": "override", "evasion_dev_mode_tricks": "roleplay",
    "evasion_hypothetical_framing": "roleplay", "evasion_repetition_tricks": "override",
    "evasion_leetspeak": "encoded", "evasion_mid_conversation_pivot": "override",
    "evasion_emotional_manipulation": "prompt_leak", "evasion_semantic_inversion": "override",
    "evasion_verbatim_extraction": "prompt_leak", "evasion_debugger_inspector": "prompt_leak",
    "evasion_zero_width_chars": "invisible", "debugging_pretext": "override", "hypothetical_bypass": "roleplay",
    "unrestricted_persona": "roleplay", "jailbreak_persona_expanded": "roleplay",
    "llm_001_prompt_injection": "override",
}
AEGIS_FILES = ("aegis_community_prompt_injection.yml", "aegis_community_essential_patterns.yml",
               "aegis_community_evasion_attempts.yml", "aegis_community_jailbreak_attempts.yml", "owasp_top10.yml")


def aegis_cases(root):
    base = root / "aegis" / "rules" / "community"
    for name in AEGIS_FILES:
        for r in yaml_load(base / name)["rules"]:
            for j, t in enumerate(r.get("test_cases") or []):
                yield name, r["id"], j, t


def aegis_bench(root):
    rel = "data/aegis/benchmarks/chinese_agent_security_p1.jsonl"
    return root / f"ai_aegis-{VERSIONS['ai-aegis']}.data" / rel, rel


def aegis_family(rule_id: str) -> str | None:
    for suffix, fam in AEGIS_RULE_FAMILY.items():
        if rule_id.endswith(suffix):
            return fam
    return None


def ai_aegis(root, add, notes, rng):
    left = set()
    for name, rid, j, t in aegis_cases(root):
        if t.get("expected_result") != "match":
            continue
        fam = aegis_family(rid)
        if fam is None:
            left.add(rid)
            continue
        text = t["input"].replace("\\n", "\n")
        if ps_invisible(text):
            fam = "invisible"
        add("attack", fam, "en", src("ai-aegis", f"aegis/rules/community/{name} {rid} test_cases[{j}]"), text)
    bench, rel = aegis_bench(root)
    for line in bench.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        fam = {"risk-01": "override", "risk-06": "roleplay"}.get(r["id"])
        if fam:
            add("attack", fam, "zh", src("ai-aegis", f"{rel} {r['id']}"), r["text"])
    notes.append(f"ai-aegis: `match` test cases of {len(left)} rules left out (no injection element: system "
                 "probing such as 'what model are you', credential or PII questions, bare tool-action or "
                 "permission requests, harmful requests in fictional or educational wrappers, 'act like a "
                 "villain' role-play, 'make an exception' pleas, bare 'bypass safety' fragments); of the "
                 "Chinese agent benchmark only risk-01 (ignore previous instructions) and risk-06 (unrestricted "
                 "mode) are injections; its other malicious rows are direct tool-action requests (left out)")


def ai_aegis_benign(root, add, notes, rng):
    for name, rid, j, t in aegis_cases(root):
        if t.get("expected_result") == "no_match":
            add("benign", "general", "en",
                src("ai-aegis", f"aegis/rules/community/{name} {rid} test_cases[{j}]"), t["input"].replace("\\n", "\n"))
    bench, rel = aegis_bench(root)
    for line in bench.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if not r["malicious"]:
            add("benign", "general", "zh", src("ai-aegis", f"{rel} {r['id']}"), r["text"])
    notes.append("ai-aegis: benign = every `no_match` test case of the five rule files read (the package's "
                 "own look-alikes) and the non-malicious rows of the Chinese agent benchmark")


# ---------------------------------------------------------------------------------------
# agent-guardian: agent_guardian/probes/asi*/<probe>.yaml `seeds` (the attack prompts) and
# `description` (what the probe tests)

AG_KEEP = {  # probe file -> family of every seed, or a tuple of families per seed (None: left out)
    "asi01/dialect-roleplay.yaml": ("roleplay", "encoded", "prompt_leak"),
    "asi01/echoleak-zero-click.yaml": "indirect",
    "asi01/goal-redirect-direct.yaml": "override",
    "asi01/h-cot-injection-claude-thinking.yaml": "delimiter",
    "asi01/h-cot-injection-gemini-thinking.yaml": "delimiter",
    "asi01/h-cot-injection-o1.yaml": "delimiter",
    "asi01/indirect-via-doc.yaml": ("indirect", None, "indirect"),
    "asi01/persona-break-jailbreak.yaml": "roleplay",
    "asi01/react-fake-observation.yaml": "indirect",
    "asi01/react-loop-injection.yaml": "delimiter",
    "asi01/react-skip-act.yaml": "delimiter",
    "asi01/react-tool-substitution.yaml": "delimiter",
    "asi01/role-swap-pretext.yaml": ("roleplay", "prompt_leak", "roleplay"),
    "asi01/scheduled-prompt-drift.yaml": "indirect",
    "asi01/time-anchor-redirect.yaml": "override",
    "asi01/tool-output-ipi.yaml": "indirect",
    "asi03/impersonate-supervisor.yaml": "override",
    "asi04/mcp-tool-desc-rug-pull-static.yaml": "indirect",
    "asi06/after-hours-autonomous-action.yaml": "override",
    "asi06/cross-session-payload.yaml": "override",
    "asi06/defender-memory-subversion.yaml": "override",
    "asi06/false-memory-plant.yaml": "override",
    "asi06/iterative-fact-reinforcement.yaml": "override",
    "asi06/persistent-trigger-token.yaml": "override",
    "asi06/plan-execution-without-review.yaml": "override",
    "asi06/rag-corpus-inject.yaml": "override",
    "asi06/sign-off-spoofing.yaml": "override",
    "asi06/user-instructed-rule-violation.yaml": "override",
    "asi06/validator-bypass-via-memory.yaml": "override",
    "asi07/agent-card-spoof.yaml": "indirect",
    "asi07/supervisor-impersonate.yaml": "indirect",
    "asi09/classic-jailbreak-seed.yaml": ("prompt_leak", "override", "prompt_leak"),
    "asi09/stateless-roleplay-bait.yaml": ("roleplay", "roleplay", "prompt_leak"),
    "asi10/mode-shift.yaml": "roleplay",
    "asi11/rendered-prompt-leak.yaml": "prompt_leak",
    "judges/defended-marker-injection.yaml": "indirect",
}


def ag_probes(root):
    base = root / "agent_guardian" / "probes"
    for p in sorted(base.glob("*/*.yaml")):
        yield p.relative_to(base).as_posix(), yaml_load(p) or {}


def agent_guardian(root, add, notes, rng):
    n_files = n_seeds = 0
    for rel, y in ag_probes(root):
        seeds = y.get("seeds") or []
        n_files += 1
        n_seeds += len(seeds)
        fam = AG_KEEP.get(rel)
        if fam is None:
            continue
        for i, s in enumerate(seeds):
            f = fam[i] if isinstance(fam, tuple) else fam
            if f and isinstance(s, str):
                add("attack", f, "en", src("agent-guardian", f"agent_guardian/probes/{rel} seeds[{i}]"), s)
    notes.append(f"agent-guardian: seeds of {len(AG_KEEP)} of {n_files} probe files kept (every seed of the "
                 f"{n_seeds} read by file name and, for asi01/03/04/06/07/09/10/11 and judges, by text). Left "
                 "out: direct tool-abuse, exfiltration, RCE, supply-chain install and cascading-failure "
                 "requests (asi02, asi05, asi08, most of asi03/04/10), A2A envelope / token replay and "
                 "agent-card forgery puzzles (asi07), hallucination / persuasion / output-handling probes "
                 "(asi09), image-only prompts (asi11), a seed that only asks to follow a URL "
                 "(indirect-via-doc [1]), react-truncated-thought (placeholders '<pad with 30,000 tokens…>')")


def agent_guardian_benign(root, add, notes, rng):
    descs = [(rel, " ".join(y["description"].split())) for rel, y in ag_probes(root)
             if isinstance(y.get("description"), str) and len(y["description"].split()) >= 12]
    for rel, d in rng.sample(descs, 40):
        add("benign", "jailbreak_discussion", "en",
            src("agent-guardian", f"agent_guardian/probes/{rel} description"), d)
    notes.append(f"agent-guardian: 40 of {len(descs)} probe `description`s (what the probe tests; 12 words "
                 "or more, whitespace joined) sampled as jailbreak_discussion")


# ---------------------------------------------------------------------------------------
# prompt-armor: prompt_armor/data/attacks/known_attacks.jsonl (text, category, source) and
# benign_exemplars.jsonl (text, lang). Only the rows the package takes from the LLMail-Inject
# and SaTML CTF 2024 challenges are read: its other sources (deepset, jackhhao / jailbreakchat,
# Lakera Gandalf, protectai, in-the-wild, safeguard) are public sets that train or earlier
# splits may hold. known_attacks_v2.jsonl is a subset of known_attacks.jsonl (not read).

PA_SOURCES = ("llmail-inject", "satml-ctf-2024")
PA_FAMILY = {  # (source, category) -> family; LLMail rows are e-mails an agent reads
    "satml-ctf-2024": {"prompt_injection": "prompt_leak", "system_prompt_leak": "prompt_leak",
                       "jailbreak": "roleplay", "encoding_attack": "encoded", "data_exfiltration": "prompt_leak",
                       "identity_override": "roleplay", "instruction_bypass": "override",
                       "social_engineering": "prompt_leak"},
}
PA_PER_LANG = 24  # non-English rows sampled per (challenge, language)
PA_EN = 40  # English rows sampled per challenge
PA_MIN, PA_MAX = 20, 2000  # characters
# the LLMail-Inject goal: make the agent e-mail `confirmation` to the (redacted) target address
LLMAIL_GOAL = re.compile(r"REDACTED@example\.com|confirmation", re.I)


def prompt_armor(root, add, notes, rng):
    path = "prompt_armor/data/attacks/known_attacks.jsonl"
    pools: dict = {}
    n_homo = n_len = n_goal = 0
    for i, line in enumerate((root / path).read_text(encoding="utf-8").splitlines()):
        r = json.loads(line)
        if r["source"] not in PA_SOURCES:
            continue
        t = r["text"]
        if not PA_MIN <= len(t.strip()) <= PA_MAX:
            n_len += 1
            continue
        if r["source"] == "llmail-inject" and not LLMAIL_GOAL.search(t):
            n_goal += 1  # names neither the challenge's target address nor its `confirmation` body
            continue
        lang = text_lang(t)
        if lang is None:
            n_homo += 1  # Cyrillic look-alikes in English text: kept as English homoglyph rows
            lang = "en-homoglyph"
        pools.setdefault((r["source"], lang), []).append((i, r))
    counts = {}
    for (source, lang), items in sorted(pools.items()):
        k = PA_EN if lang == "en" else PA_PER_LANG
        picked = sorted(rng.sample(items, min(k, len(items))), key=lambda x: x[0])
        counts[f"{source}/{lang}"] = f"{len(picked)} of {len(items)}"
        for i, r in picked:
            if lang == "en-homoglyph":
                fam, out_lang = "homoglyph", "en"
            else:
                fam = "indirect" if source == "llmail-inject" else PA_FAMILY[source].get(r["category"], "prompt_leak")
                out_lang = lang
            add("attack", fam, out_lang, src("prompt-armor", f"{path} [{i}] ({source}, {r['category']})"), r["text"])
    notes.append("prompt-armor: known_attacks.jsonl rows from llmail-inject and satml-ctf-2024 only; "
                 f"{n_len} outside {PA_MIN}-{PA_MAX} characters left out; {n_goal} LLMail-Inject rows that "
                 "name neither the challenge's target address nor its `confirmation` body left out (their "
                 "payload, if any, is not visible); per challenge and language "
                 f"{PA_EN} English and up to {PA_PER_LANG} rows of each other language sampled (seeded): "
                 + ", ".join(f"{k} {v}" for k, v in counts.items())
                 + f". Language by script share (>= 60 %) or function words; 'mul' = 25-60 % non-Latin "
                 f"letters; {n_homo} rows in Cyrillic look-alike letters without Russian words counted "
                 "as English homoglyph rows. Family: LLMail rows are e-mails to an agent (`indirect`); "
                 "SaTML rows follow the package's `category` (secret extraction = prompt_leak). Rows "
                 "were not read one by one: the package's labels are taken as they are")


def prompt_armor_benign(root, add, notes, rng):
    path = "prompt_armor/data/attacks/benign_exemplars.jsonl"
    for i, line in enumerate((root / path).read_text(encoding="utf-8").splitlines()):
        r = json.loads(line)
        add("benign", "general", r["lang"], src("prompt-armor", f"{path} [{i}]"), r["text"])
    notes.append("prompt-armor: all 80 benign exemplars (en, de, es, fr, pt: everyday requests that "
                 "say 'ignore' / 'forget' / 'discard')")


# ---------------------------------------------------------------------------------------
# pyatr: pyatr/_bundled_rules.json, the Agent Threat Rules: `description` of each rule

def pyatr_benign(root, add, notes, rng):
    path = "pyatr/_bundled_rules.json"
    rules = json.loads((root / path).read_text(encoding="utf-8"))
    descs = [(r["id"], " ".join(r["description"].split())) for r in rules
             if 80 <= len(r["description"]) <= 1500]
    for rid, d in rng.sample(descs, 60):
        add("benign", "jailbreak_discussion", "en", src("pyatr", f"{path} {rid} description"), d)
    notes.append(f"pyatr: 60 of {len(descs)} rule descriptions (80-1500 characters; they describe attacks "
                 "and often quote attack phrases) sampled as jailbreak_discussion; the regexes not used")


# ---------------------------------------------------------------------------------------
# LibreOffice help in Japanese, Korean and Russian (benign documents)

LO = {"libreoffice-help-ja": ("ja", "ja"), "libreoffice-help-ko": ("ko", "ko"), "libreoffice-help-ru": ("ru", "ru")}
LO_N = 20


LO_READERS = split_builder.libreoffice_readers(
    LO, LO_N, lambda c, lang: text_lang(c) == lang,
    "{pkg}: {n} of {total} help chunks (200-1200 characters) mostly in the page's language sampled "
    "(untranslated English strings skipped)", src)


ATTACK_READERS = [
    ("aipop", aipop), ("promptshields", promptshields), ("guardlayer", guardlayer), ("mithril-llm", mithril),
    ("ai-aegis", ai_aegis), ("agent-guardian", agent_guardian), ("prompt-armor", prompt_armor),
]
BENIGN_READERS = [
    ("aipop", aipop_benign), ("promptshields", promptshields_benign), ("guardlayer", guardlayer_benign),
    ("ai-aegis", ai_aegis_benign), ("agent-guardian", agent_guardian_benign),
    ("prompt-armor", prompt_armor_benign), ("pyatr", pyatr_benign),
    *LO_READERS,
]
