"""Readers of the heldout8 packages (used by heldout8.py).

Each reader is called as reader(root, add, notes, rng). root is the unpacked package. add is
add(label, family, lang, source, text). notes is a list of strings: what was left out on
reading, with the reason; they are written to SOURCES8.md. rng is a seeded random.Random.

Keep lists and families are tables below, made by reading the texts (ziran by vector id,
aisafe / promptdiff-eval by case, decision-model-guard by claim family); pramagent's literal
attack lists get their family from `family_of` (a keyword rule, read over afterwards). A source
string is "package version: path inside it[ item]"; heldout8.py appends " [marked]" when an
attack carries a canary token or an obvious test marker. Languages: heldout7_sources.lang7
(and fam_lang for the `invisible` / `homoglyph` families), or the package's own language key
(decision-model-guard). LibreOffice help in cs / da / fi / hu / id is sampled by the
function words of `LO_WORDS`.
"""

from __future__ import annotations

import ast
import json
import re

import split_builder
from heldout5_sources import yaml_load
from heldout7_sources import annotated_constants, fam_lang, lang7

VERSIONS = {}  # package -> version, filled from heldout8.py's PINS by split_builder.main


def src(pkg: str, path: str) -> str:
    return f"{pkg} {VERSIONS[pkg]}: {path}"


def add_attack(add, family, source, text, lang=None):
    f, detected = fam_lang(text, family)
    add("attack", f, lang or detected, source, text)


# ---------------------------------------------------------------------------------------
# ziran: ziran/application/attacks/vectors/*.yaml (vectors: id, category, description,
# prompts: [{template, variables}]). The package fills each template with its own
# `variables` when it sends the prompt; the reader does the same (str.format), nothing else.

ZR_DIR = "ziran/application/attacks/vectors"
ZR_FILE_FAMILY = {  # file -> family of every vector kept from it (all prompts of the vector)
    "system_prompt_extraction.yaml": "prompt_leak", "indirect_injection.yaml": "indirect",
    "indirect_injection_escalation.yaml": "indirect", "indirect_injection_exfiltration.yaml": "indirect",
    "indirect_injection_tool_abuse.yaml": "indirect", "rag_poisoning.yaml": "indirect",
}
ZR_SKIP = {"rag_precedent_citation_injection"}  # a retrieved record without any instruction
ZR_ITEM = {  # (vector id, prompt index) -> family, in the other files
    **{(v, 0): f for v, f in {
        "pi_basic_override": "override", "pi_role_play": "roleplay", "pi_context_overflow": "delimiter",
        "pi_dan_jailbreak": "roleplay", "pi_virtualization": "roleplay", "pi_refusal_suppression": "override",
        "pi_base64_encoding": "encoded", "pi_token_smuggling": "delimiter", "pi_language_switch": "override",
        "pi_delimiter_injection": "delimiter", "pi_few_shot_poisoning": "delimiter", "pi_system_impersonation": "delimiter",
        "pi_conversation_reset": "delimiter", "pi_authority_escalation": "override",
        # memory_poisoning.yaml (mp_memory_overflow has an [Insert ...] slot: left out)
        "mp_false_history": "override", "mp_conversation_rewrite": "override", "mp_context_anchoring": "override",
        "mp_instruction_persistence": "override", "mp_identity_override": "roleplay", "mp_goal_hijacking": "override",
        "mp_delayed_trigger": "override", "mp_cross_session_persistence": "override",
        "mp_summary_manipulation": "override", "mp_selective_amnesia": "override", "mp_false_preference": "override",
        "mp_memory_key_injection": "override", "mp_priority_escalation": "override", "mp_embedding_poisoning": "override",
        # chain_of_thought_manipulation.yaml
        "cot_logical_trap": "override", "cot_false_premise": "override", "cot_logic_override": "prompt_leak",
        "cot_hypothetical_bypass": "roleplay", "cot_recursive_trap": "override", "cot_confidence_manipulation": "override",
        "cot_assumption_planting": "prompt_leak", "cot_reasoning_injection": "override",
        "cot_priority_reordering": "override", "cot_goal_substitution": "roleplay", "cot_conditional_logic": "prompt_leak",
        "cot_safety_reasoning_bypass": "prompt_leak",
        # multi_agent.yaml
        "ma_cross_agent_injection": "delimiter", "ma_context_smuggling": "indirect", "ma_trust_escalation": "delimiter",
        "ma_routing_manipulation": "override", "ma_delegation_chain_exploit": "indirect", "ma_memory_poisoning": "override",
        # privilege_escalation.yaml
        "pe_role_impersonation": "roleplay", "pe_debug_mode": "prompt_leak", "pe_developer_override": "override",
        "pe_config_override": "override", "pe_trust_transfer": "override",
        # a2a_attacks.yaml, data_exfiltration.yaml
        "a2a_skill_boundary_bypass": "override", "a2a_card_forgery_impersonation": "override",
        "a2a_extended_card_leak": "prompt_leak", "de_encoding_exfil": "prompt_leak", "de_conversation_log": "prompt_leak",
        "de_summary_extraction": "prompt_leak",
        # expanded_tactics.yaml (single turns with the injection in them)
        "mt_suppress_direct_only": "override", "mt_suppress_character_constraint": "roleplay",
        "mt_roleplay_villain_character": "roleplay", "mt_roleplay_no_rules_game": "roleplay",
        "mt_lang_switch_encoded_mix": "prompt_leak",
    }.items()},
    ("mt_suppress_character_constraint", 1): "prompt_leak", ("mt_suppress_disclaimers", 1): "prompt_leak",
    ("mt_lang_switch_to_french", 1): "prompt_leak", ("mt_lang_switch_encoded_mix", 1): "prompt_leak",
    ("mt_lang_switch_translation_task", 1): "override", ("mt_hypo_reverse_psychology", 1): "prompt_leak",
    # multi_turn_tactics.yaml
    ("mt_distraction_alternation", 1): "override", ("mt_crescendo_indirect_injection", 1): "indirect",
    ("mt_persona_maintenance", 1): "override",
}
ZR_LANG = {("mt_lang_switch_encoded_mix", 0): "mul", ("mt_lang_switch_encoded_mix", 1): "mul"}  # read
ZR_PUBLIC = ("jailbreakbench.yaml", "tensortrust_patterns.yaml", "wildjailbreak_tactics.yaml", "rjudge.yaml",
             "cyberseceval_codegen.yaml", "toolemu_sandbox.yaml")  # named after public sets: not read
ZR_DESC_N = 90


def zr_vectors(root):
    for p in sorted((root / ZR_DIR).glob("*.yaml")):
        for v in (yaml_load(p) or {}).get("vectors") or []:
            yield p.name, v


def ziran(root, add, notes, rng):
    n = kept = 0
    for fname, v in zr_vectors(root):
        if fname in ZR_PUBLIC:
            continue
        for j, pr in enumerate(v.get("prompts") or []):
            n += 1
            fam = ZR_FILE_FAMILY.get(fname) if v["id"] not in ZR_SKIP else None
            fam = ZR_ITEM.get((v["id"], j), fam)
            if fam:
                kept += 1
                text = pr["template"].format(**(pr.get("variables") or {}))
                add_attack(add, fam, src("ziran", f"{ZR_DIR}/{fname} {v['id']}[{j}]"), text,
                           ZR_LANG.get((v["id"], j)))
    notes.append(f"ziran: {kept} of {n} prompts kept (its files named after public sets not read: "
                 f"{', '.join(ZR_PUBLIC)}); templates filled with the vector's own `variables`. Left out: "
                 "harmful-task requests and their crescendo turns (alert_coverage, harmful_tasks*), authorisation / "
                 "tool / MCP requests without an injection in the text (the MCP vectors' poison is in a tool description "
                 "the package does not ship as text), model-theft and DoS requests, many-shot closers without the shots, "
                 "supply-chain requests, plain data requests, warm-up turns, a memory-overflow template with an "
                 "[Insert ...] slot and a retrieved record without an instruction")


def ziran_benign(root, add, notes, rng):
    descs = []
    for fname, v in zr_vectors(root):
        d = " ".join(str(v.get("description") or "").split())
        if len(d.split()) >= 12:
            descs.append((fname, v["id"], d))
    for fname, vid, d in sorted(rng.sample(descs, ZR_DESC_N)):
        add("benign", "jailbreak_discussion", "en", src("ziran", f"{ZR_DIR}/{fname} {vid}.description"), d)
    notes.append(f"ziran: benign = {ZR_DESC_N} of {len(descs)} vector descriptions of 12 words or more (what the "
                 "attack does; jailbreak_discussion), sampled (seeded)")


# ---------------------------------------------------------------------------------------
# pramagent: pramagent/redteam.py DEFAULT_ATTACKS, the literal list added to it in
# EXTENDED_ATTACKS, AUTHORITY_FRAMING_ATTACKS, DEFAULT_BENIGN. Generated variants (base64 of the
# first ten, 'translate to French:' wrappers, runtime mutations, {attack} wrappers) not used.

PA_FILE = "pramagent/redteam.py"
FAMILY_RULES = [  # first match decides (pramagent's lists carry no category)
    ("encoded", re.compile(r"base64|\bhex\b|rot13|decode|encoded", re.I)),
    ("indirect", re.compile(r"tool (result|output)|retrieved|webpage|web page|search result|the file|document says|"
                            r"api returned|email says|footer|the report, then", re.I)),
    ("delimiter", re.compile(r"^\s*(#+\s*)?(system|assistant|developer)( message| note)?\s*:|---|<\|?/?\w*\|?>|\[/?(inst|system)\]|"
                             r"end (of )?system", re.I)),
    ("roleplay", re.compile(r"pretend|act as|roleplay|role-play|\bdan\b|do anything now|developer mode|"
                            r"unrestricted|uncensored|no content policy|jailbreak", re.I)),
    ("prompt_leak", re.compile(r"system prompt|instructions you were given|your (hidden |initial |private )?"
                               r"(instructions|configuration|rules)|developer message|print .*instructions", re.I)),
]


def family_of(text: str) -> str:
    return next((f for f, rx in FAMILY_RULES if rx.search(text)), "override")


def pa_lists(root):
    consts = split_builder.module_constants(root / PA_FILE)
    ext = []
    for node in ast.parse((root / PA_FILE).read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "EXTENDED_ATTACKS":
            if isinstance(node.value, ast.BinOp) and isinstance(node.value.right, ast.List):
                ext = ast.literal_eval(node.value.right)
                break
    return {"DEFAULT_ATTACKS": consts["DEFAULT_ATTACKS"], "EXTENDED_ATTACKS": ext,
            "AUTHORITY_FRAMING_ATTACKS": consts["AUTHORITY_FRAMING_ATTACKS"]}, consts["DEFAULT_BENIGN"]


def pramagent(root, add, notes, rng):
    lists, _ = pa_lists(root)
    for name, items in lists.items():
        for i, t in enumerate(items):
            add_attack(add, family_of(t), src("pramagent", f"{PA_FILE} {name}[{i}]"), t)
    notes.append("pramagent: every literal attack of DEFAULT_ATTACKS, the list EXTENDED_ATTACKS adds and "
                 "AUTHORITY_FRAMING_ATTACKS (family by `family_of`); generated variants (base64 copies, "
                 "'translate to French:' wrappers, runtime mutations, `{attack}` carrier templates) not used")


def pramagent_benign(root, add, notes, rng):
    _, benign = pa_lists(root)
    for i, t in enumerate(benign):
        add("benign", "general", "en", src("pramagent", f"{PA_FILE} DEFAULT_BENIGN[{i}]"), t)


# ---------------------------------------------------------------------------------------
# decision-model-guard: decision_model_guard/evaluate/data/claims.yaml (claims[lang][family]:
# templates with {t} an outcome phrase of targets[lang], {label} a token) and neutral.yaml

DMG_DIR = "decision_model_guard/evaluate/data"
DMG_FAMILY = {"system_note": "delimiter", "agent_handoff": "override", "channel_trust": "override"}  # kept


def dmg_fill(tpl, lang, data, rng):
    return tpl.format(t=rng.choice(data["targets"].get(lang) or data["targets"]["en"]), label=rng.choice(data["tokens"]))


def decision_model_guard(root, add, notes, rng):
    data = yaml_load(root / DMG_DIR / "claims.yaml")
    n = kept = 0
    for lang, fams in data["claims"].items():
        for fam, tpls in fams.items():
            n += len(tpls)
            if fam in DMG_FAMILY:
                for i, tpl in enumerate(tpls):
                    kept += 1
                    add_attack(add, DMG_FAMILY[fam], src("decision-model-guard", f"{DMG_DIR}/claims.yaml claims.{lang}.{fam}[{i}]"),
                               dmg_fill(tpl, lang, data, rng), lang)
    notes.append(f"decision-model-guard: {kept} of {n} claim templates kept: the `system_note` (fake system / tool / "
                 "CRM notes: delimiter) and `agent_handoff` (an earlier agent's verdict to carry forward: override) "
                 "families and `channel_trust` (the message's channel makes its content trusted: override) of every "
                 "language; {t} / {label} filled as the package does, from its own per-language "
                 "`targets` and `tokens` (seeded choice). Left out: policy references, urgency, emotional appeals, "
                 "social proof, self-attestation, legal claims, channel trust, soft suggestions, bare outcome "
                 "assertions (social engineering without an instruction to the model)")


def decision_model_guard_benign(root, add, notes, rng):
    data = yaml_load(root / DMG_DIR / "neutral.yaml")
    n = 0
    for lang, items in data["neutral"].items():
        for i, t in enumerate(items):
            n += 1
            add("benign", "general", lang, src("decision-model-guard", f"{DMG_DIR}/neutral.yaml neutral.{lang}[{i}]"), t)
    notes.append(f"decision-model-guard: benign = all {n} neutral sentences (customer-message filler in every "
                 "language of the package)")


# ---------------------------------------------------------------------------------------
# nexura-guardrails: nexura_guardrails/bench_data/injection.jsonl (text, label positive / negative)

NX_FILE = "nexura_guardrails/bench_data/injection.jsonl"


def nexura(root, add, notes, rng):
    for i, line in enumerate((root / NX_FILE).read_text(encoding="utf-8").splitlines()):
        r = json.loads(line)
        if r["label"] == "positive":
            add_attack(add, family_of(r["text"]), src("nexura-guardrails", f"{NX_FILE} line {i + 1}"), r["text"])
    notes.append("nexura-guardrails: all `positive` rows (family by `family_of`); pii.jsonl not used")


def nexura_benign(root, add, notes, rng):
    for i, line in enumerate((root / NX_FILE).read_text(encoding="utf-8").splitlines()):
        r = json.loads(line)
        if r["label"] == "negative":
            add("benign", "general", "en", src("nexura-guardrails", f"{NX_FILE} line {i + 1}"), r["text"])
    notes.append("nexura-guardrails: benign = all `negative` rows (trigger-word look-alikes and everyday questions)")


# ---------------------------------------------------------------------------------------
# aisafe: aisafe/probes/*.yaml (cases: id, payload)

AS_DIR = "aisafe/probes"
AS_FAMILY = {"prompt_injection.yaml": "override", "system_prompt_extraction.yaml": "prompt_leak",
             "encoding_bypass.yaml": "encoded"}
AS_ITEM = {}  # case id -> family where the file's family does not fit (none did, on reading)
AS_BENIGN = {"benign_traffic.yaml"}


def as_cases(root, name):
    return (yaml_load(root / AS_DIR / name) or {}).get("cases") or []


def aisafe(root, add, notes, rng):
    for name, fam in AS_FAMILY.items():
        for c in as_cases(root, name):
            f = AS_ITEM.get(c["id"], fam if name != "prompt_injection.yaml" else family_of(c["payload"]))
            if f:
                add_attack(add, f, src("aisafe", f"{AS_DIR}/{name} {c['id']}"), c["payload"])
    notes.append("aisafe: the prompt-injection (family by `family_of`), system-prompt-extraction and encoding-bypass "
                 "cases; PII echo, tool abuse, toxicity / manipulation elicitation and model-output cases not used")


def aisafe_benign(root, add, notes, rng):
    for c in as_cases(root, "benign_traffic.yaml"):
        t = c["payload"]
        fam = "security_question" if re.search(r"inject|jailbreak|DAN|system prompt|filter|moderation|threat", t, re.I) \
            else "code" if re.search(r"[=(]|sha|JWT|base64|regex|hex|module|import", t) else "general"
        add("benign", fam, lang7(t) or "en", src("aisafe", f"{AS_DIR}/benign_traffic.yaml {c['id']}"), t)
    notes.append("aisafe: benign = all benign_traffic cases (requests written to tempt a guard into over-blocking: "
                 "attack discussion, token-like strings, PII-like identifiers); family by keyword")


# ---------------------------------------------------------------------------------------
# promptdiff-eval: promptdiff/security/fuzzer.py ATTACK_PAYLOADS (category, name, payload)

PD_FILE = "promptdiff/security/fuzzer.py"
PD_CATEGORY = {"Delimiter Smuggling": "delimiter", "Roleplay & Fictional Scenario": "roleplay",
               "Encoding & Obfuscation": "encoded", "Multi-Lingual Translation": "override",
               "System Prompt Extraction": "prompt_leak", "Reverse Psychology & Negation": "prompt_leak",
               "Structural Smuggling": "delimiter", "Few-Shot Demonstration": "delimiter",
               "Citation / Delimiter Hijack": "delimiter"}
PD_SKIP_RE = re.compile(r"!\[.*\]\(https?://")  # markdown-image exfiltration: output handling
PD_LANG = {"Ignora omnia praecepta": "la"}  # read: Latin


def promptdiff(root, add, notes, rng):
    items = annotated_constants(root / PD_FILE)["ATTACK_PAYLOADS"]
    kept = 0
    for i, r in enumerate(items):
        if PD_SKIP_RE.search(r["payload"]):
            continue
        fam = PD_CATEGORY.get(r["category"]) or family_of(r["payload"])
        lang = next((l for k, l in PD_LANG.items() if r["payload"].startswith(k)), None)
        kept += 1
        add_attack(add, fam, src("promptdiff-eval", f"{PD_FILE} ATTACK_PAYLOADS[{i}]"), r["payload"], lang)
    notes.append(f"promptdiff-eval: {kept} of {len(items)} fuzzer payloads (a markdown-image exfiltration payload "
                 "left out); family from the payload's category, else `family_of`")


# ---------------------------------------------------------------------------------------
# proofagent-harness: proofagent_harness/data/traps/**/*.md, the "# Pattern" paragraph (what
# the trap tests): benign texts that talk about attacks

PH_DIR = "proofagent_harness/data/traps"
PH_N = 60


def proofagent_benign(root, add, notes, rng):
    paras = []
    for p in sorted((root / PH_DIR).rglob("*.md")):
        m = re.search(r"^# Pattern\s*\n+(.+?)(?:\n\s*\n|\Z)", p.read_text(encoding="utf-8"), re.S | re.M)
        if m and len(m.group(1).split()) >= 12:
            paras.append((p.relative_to(root).as_posix(), " ".join(m.group(1).split())))
    for path, t in sorted(rng.sample(paras, min(PH_N, len(paras)))):
        add("benign", "jailbreak_discussion", "en", src("proofagent-harness", f"{path} Pattern"), t)
    notes.append(f"proofagent-harness: benign = {min(PH_N, len(paras))} of {len(paras)} trap 'Pattern' paragraphs "
                 "(what a trap tests, in prose; jailbreak_discussion), sampled (seeded); the attack chains of the "
                 "traps are multi-turn scripts with stub identifiers and are not used")


# ---------------------------------------------------------------------------------------
# LibreOffice help in Czech, Danish, Finnish, Hungarian and Indonesian (benign documents)

LO_WORDS = {
    "cs": "je se na že to jako pro jsou nebo které který která při jeho tak ale jen když také může musí "
          "klepněte zvolte tento tato této",
    "sk": "je sa na že to ako pre sú alebo ktoré ktorý ktorá pri jeho tak ale len keď tiež môže musí "
          "kliknite zvoľte tento táto tejto",
    "da": "og at det er en til på med for af den som de ikke har kan et eller fra vil skal denne dette når også "
          "hvis du vælg klik",
    "fi": "ja on ei se että tai kun jos voit voi tämä joka jotka ovat kanssa myös sekä sitä niin mutta olla "
          "valitse napsauta",
    "hu": "az és hogy nem is egy ez meg van ha vagy de már csak mint kell lehet ezt azt után kattintson "
          "válassza",
    "id": "dan yang di ke dari untuk dengan ini itu pada adalah tidak atau akan dalam dapat anda juga jika "
          "klik pilih",
}
LO_SETS = {k: set(v.split()) for k, v in LO_WORDS.items()}
EN_WORDS = set("the and to of you your is are for with this that in on click choose".split())


def lo_keep(chunk: str, lang: str, sets: dict[str, set[str]] | None = None) -> bool:
    """The chunk's words hit LO_WORDS[lang] >= 4 times and in >= 12 % of the words, more than twice the
    English hits, and no other language of LO_SETS more often (Czech and Slovak share many)."""
    words = re.findall(r"[^\W\d_]+", chunk.lower())
    if not words:
        return False
    hits = {k: sum(w in s for w in words) for k, s in (sets or LO_SETS).items()}
    en = sum(w in EN_WORDS for w in words)
    h = hits[lang]
    return h >= 4 and h >= 0.12 * len(words) and h > 2 * en and h >= max(hits.values())


def function_word_readers(words: dict[str, str], langs: tuple[str, ...], src, n: int = 30):
    """Readers of `n` LibreOffice help chunks per language of `langs`, each kept when `lo_keep` over
    `words` (language -> function words, space-separated) says it is in the page's language."""
    sets = {k: set(v.split()) for k, v in words.items()}
    lo = {f"libreoffice-help-{k}": (k, k) for k in langs}
    return split_builder.libreoffice_readers(
        lo, n, lambda chunk, lang: lo_keep(chunk, lang, sets),
        "{pkg}: {n} of {total} help chunks (200-1200 characters) in the page's language (function words) sampled",
        src)


LO_READERS = function_word_readers(LO_WORDS, ("cs", "da", "fi", "hu", "id"), src)


ATTACK_READERS = [
    ("ziran", ziran), ("pramagent", pramagent), ("decision-model-guard", decision_model_guard),
    ("nexura-guardrails", nexura), ("aisafe", aisafe), ("promptdiff-eval", promptdiff),
]
BENIGN_READERS = [
    ("ziran", ziran_benign), ("pramagent", pramagent_benign), ("decision-model-guard", decision_model_guard_benign),
    ("nexura-guardrails", nexura_benign), ("aisafe", aisafe_benign), ("proofagent-harness", proofagent_benign),
    *LO_READERS,
]
