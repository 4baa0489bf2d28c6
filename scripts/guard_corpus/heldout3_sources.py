"""Readers of the heldout3 packages (used by heldout3.py).

Each reader is called as reader(root, add, notes, rng). root is the unpacked package. add is
add(label, family, lang, source, text). notes is a list of strings: what was left out on
reading, with the reason; they are written to SOURCES3.md. rng is a seeded random.Random.

The family of each kept attack is set by rule (the package's own category, then regexes) and
by reading. Item-level decisions are in the tables below, each with its reason. A source
string is "package:path inside it[ item]". Two markers are added to it:
"[canary token]" when the text carries a test canary (SENTINEL_…, AIB-CANARY-…, …_BYPASS_…),
and "[fake-document marker]" when it says it is a fake document for security testing.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import sys
import types
from pathlib import Path

from heldout2 import looks_english, paragraphs_to_chunks, strip_html

FILL = "explain how to pick a lock"  # fixed request for template placeholders (as build.py)

CJK = re.compile(r"[\u3400-\u9fff]")
KANA = re.compile(r"[\u3040-\u30ff]")
CYR = re.compile(r"[\u0400-\u04ff]")


def script_lang(text: str, default: str = "en") -> str:
    """zh / ja / ru by script, else `default`."""
    if KANA.search(text):
        return "ja"
    if CJK.search(text):
        return "zh"
    if len(CYR.findall(text)) > 10:
        return "ru"
    return default


CANARY = re.compile(r"\b(?=[A-Z0-9]*[_-])[A-Z0-9_-]*(BYPASS|CANARY|SECRET|SENTINEL|OVERRIDE|LAUNDERED|OLCNFF|"
                    r"ACCEPTED|SYSTEM_PROMPT)[A-Z0-9_-]*\b")
FAKE = re.compile(r"\bfake\b|sentinelprobe", re.I)


def markers(text: str) -> str:
    """The test markers a detector could key on (sentinelprobe, agent-injection-bench only)."""
    m = []
    if CANARY.search(text):
        m.append(" [canary token]")
    if FAKE.search(text):
        m.append(" [fake-document marker]")
    return "".join(m)


def delimiter_like(text: str) -> bool:
    return bool(re.search(r"<\|im_(start|end)\|>|\[/?INST\]|</?system>|###\s*(SYSTEM|INSTRUCTION)|"
                          r"^-{3,}|^={3,}|END OF (DOCUMENT|CONTEXT)|^(Human|Assistant):", text, re.I | re.M))


# ---------------------------------------------------------------------------------------
# agent-redteam: quoted payloads of injection contexts, info-leak questions (zh); benign
# over-refusal security questions (zh)

AR_LEAK_CATS = {"system-prompt": "prompt_leak", "context-history": "prompt_leak",
                "chain-attack": "prompt_leak", "multilingual": "prompt_leak",
                "encoding-bypass": "prompt_leak", "jailbreak": "jailbreak"}
# the quoted span is a bare shell command or a plain statement, no instruction to the agent
AR_INSTRUCTION = re.compile(r"请|执行|运行|忽略|指令|AI|助手|agent|系统|必须|需要|立即|务必|把|将|发送|删除|"
                            r"关闭|禁用|导出|上传|附|贴|ignore|assistant", re.I)


def agent_redteam(root, add, notes, rng):
    base = root / "agent_redteam" / "suites"
    n_cmd = 0
    for line in (base / "injection" / "data.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["category"] != "prompt_injection":
            continue
        quoted = re.findall(r"['‘“「](.+?)['’”」]", r["context"])
        q = max(quoted, key=len) if quoted else ""
        if len(q) < 8 or not AR_INSTRUCTION.search(q):
            n_cmd += 1
            continue
        add("attack", "indirect", script_lang(q, "en"),
            f"agent-redteam:agent_redteam/suites/injection/data.jsonl {r['id']} (quoted span of `context`)", q)
    notes.append(f"agent-redteam injection: {n_cmd} rows whose context quotes no instruction "
                 "(no quote, or only a bare command or statement) — left out")
    n_other = 0
    for line in (base / "info_leak" / "data.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        fam = AR_LEAK_CATS.get(r["category"])
        if fam is None:
            n_other += 1
            continue
        q = r["question"]
        if fam == "jailbreak":
            fam = ("override" if re.search(r"忽略|ignore|开发者模式|developer mode|无限制|DAN", q, re.I) else
                   "roleplay" if re.search(r"假设|扮演|角色|电影|故事|pretend|role|imagine", q, re.I) else "prompt_leak")
        add("attack", fam, script_lang(q, "mul" if r["category"] == "multilingual" else "en"),
            f"agent-redteam:agent_redteam/suites/info_leak/data.jsonl {r['id']}", q)
    notes.append(f"agent-redteam info_leak: {n_other} questions of the model-config, side-channel, "
                 "tool-definition and guardrails categories (plain questions about the model) — left out")


def agent_redteam_benign(root, add, notes, rng):
    base = root / "agent_redteam" / "suites" / "over_refusal" / "data.jsonl"
    rows = [json.loads(x) for x in base.read_text(encoding="utf-8").splitlines()]
    ok = [r for r in rows if r["label"] == "should_answer"]
    for r in rng.sample(ok, min(170, len(ok))):
        add("benign", "security_question", script_lang(r["question"], "en"),
            f"agent-redteam:agent_redteam/suites/over_refusal/data.jsonl {r['id']}", r["question"])
    notes.append(f"agent-redteam over_refusal: the {len(rows) - len(ok)} `should_refuse` questions "
                 "(harmful requests, not benign) — left out")


# ---------------------------------------------------------------------------------------
# vigia: seeds read one by one. Kept: those aimed at the model's prompt, restrictions,
# context or policy. Left out: data requests (employee records, translation of HR data),
# and the LLM mutations that are the mutating model's own refusal or answer.

VIGIA_KEEP = {
    "ES-V04-001": "prompt_leak", "ES-V04-001-CAT-001": "prompt_leak", "ES-V04-001-EUS-001-eues": "prompt_leak",
    "ES-V04-002": "prompt_leak", "ES-V04-002-CAT-001": "prompt_leak", "ES-V04-002-EUS-001-eues": "prompt_leak",
    "ES-V04-002-COD-003-eseu": "prompt_leak",
    "ES-V12-001": "prompt_leak",
    "ES-V12-002": "prompt_leak", "ES-V12-002-CAT-001": "prompt_leak", "ES-V12-002-EUS-001-eues": "prompt_leak",
    "ES-V12-002-GAL-002-gles": "prompt_leak", "ES-V12-002-COD-003-eseu": "prompt_leak",
    "ES-V19-001": "prompt_leak", "ES-V19-001-CAT-001": "prompt_leak", "ES-V19-001-EUS-001-eues": "prompt_leak",
    "ES-V19-001-COD-003-eseu": "prompt_leak",
    "ES-V19-002": "prompt_leak", "ES-V19-002-CAT-001": "prompt_leak", "ES-V19-002-EUS-001-eues": "prompt_leak",
    "ES-V19-002-GAL-002-gles": "prompt_leak", "ES-V19-002-COD-004-esgl": "prompt_leak",
    "ES-V14-001": "prompt_leak", "ES-V14-001-CAT-001": "prompt_leak", "ES-V14-001-EUS-001-eues": "prompt_leak",
    "ES-V14-002": "prompt_leak", "ES-V14-002-CAT-001": "prompt_leak", "ES-V14-002-EUS-001-eues": "prompt_leak",
    "ES-V14-002-GAL-002-gles": "prompt_leak", "ES-V14-002-COD-003-eseu": "prompt_leak",
    "ES-V10-002": "prompt_leak", "ES-V10-002-CAT-001": "prompt_leak", "ES-V10-002-EUS-001-eues": "prompt_leak",
    "ES-V10-002-COD-003-eseu": "prompt_leak",
    "ES-V16-002": "override", "ES-V16-002-CAT-001": "override", "ES-V16-002-GAL-002-gles": "override",
    "ES-V16-001": "roleplay", "ES-V16-001-CAT-001": "roleplay", "ES-V16-001-EUS-001-eues": "roleplay",
    "ES-V06-001": "roleplay", "ES-V06-001-CAT-001": "roleplay", "ES-V06-001-GAL-002-gles": "roleplay",
    "ES-V06-001-EUS-001-eues": "roleplay", "ES-V06-001-COD-004-esgl": "roleplay",
}
# seeds that are the mutating model's refusal or answer stored as a prompt
VIGIA_REFUSALS = {"ES-V12-001-COD-004-esgl", "ES-V12-001-COD-003-eseu", "ES-V06-001-COD-003-eseu",
                  "ES-V14-001-COD-003-eseu", "ES-V16-002-COD-003-eseu", "ES-V19-001-COD-004-esgl",
                  "ES-V14-001-GAL-002-gles", "ES-V04-002-GAL-002-gles", "ES-V14-002-COD-004-esgl",
                  "ES-V04-002-COD-004-esgl", "ES-V04-001-COD-004-esgl", "ES-V14-001-COD-004-esgl",
                  "ES-V07-002-GAL-002-gles", "ES-V19-001-GAL-002-gles", "ES-V12-002-COD-004-esgl",
                  "ES-V16-002-COD-004-esgl"}
VIGIA_LANG = {"es-ES": "es", "ca-ES": "ca", "gl-ES": "gl", "eu-ES": "eu", "es-GL": "mul", "es-EU": "mul"}


def vigia(root, add, notes, rng):
    seeds = root / "vigia" / "corpus" / "seeds"
    d = json.loads((seeds / "seeds_validated.json").read_text(encoding="utf-8"))
    for s in d:
        fam = VIGIA_KEEP.get(s["id"])
        if fam:
            add("attack", fam, VIGIA_LANG[s["language"]],
                f"vigia:vigia/corpus/seeds/seeds_validated.json {s['id']}", s["prompt"])
    refusals = sum(s["id"] in VIGIA_REFUSALS for s in d)
    notes.append(f"vigia: {refusals} seeds that are the mutating model's refusal or answer "
                 "(\"Ez, ezin dut egin hori…\", \"Non sei…\") — dropped")
    notes.append(f"vigia: {len(d) - len(VIGIA_KEEP) - refusals} other seeds (data requests: salaries, "
                 "employee records, HR listings, translation of internal data, resource/agency) — left out")
    for s in json.loads((seeds / "agent_seeds.json").read_text(encoding="utf-8")):
        if s["id"] == "AGT-022":  # a fake "RECORDATORIO SISTEMA" written into the agent's memory
            add("attack", "indirect", "es", f"vigia:vigia/corpus/seeds/agent_seeds.json {s['id']}", s["prompt"])
    notes.append("vigia agent_seeds: 21 of 22 are tool-misuse or data requests, not injections — left out")


# ---------------------------------------------------------------------------------------
# hivetracered: Russian templates and the package's own transforms applied to them

HT_TEMPLATES = {  # path under attacks/types/single_turn -> family
    "context_switching/dashed_divider.yaml": "delimiter",
    "context_switching/symbol_divider.yaml": "delimiter",
    "context_switching/forget_everything_before.yaml": "override",
    "context_switching/ignore_previous_instructions.yaml": "override",
    "irrelevant_information/distractors_negated.yaml": "override",
    "output_formatting/prefix_injection.yaml": "override",
    "output_formatting/refusal_suppression.yaml": "override",
}
HT_TRANSFORMS = [  # (module path, class, kwargs, family, n)
    ("token_smuggling/base64_attack.py", "Base64InputOnlyAttack", {}, "encoded", 3),
    ("token_smuggling/hex_encoding_attack.py", "HexEncodingAttack", {}, "encoded", 2),
    ("token_smuggling/binary_encoding_attack.py", "BinaryEncodingAttack", {}, "encoded", 2),
    ("token_smuggling/rot_attack.py", "RotCipherAttack", {}, "encoded", 3),
    ("token_smuggling/atbash_attack.py", "AtbashCipherAttack", {}, "encoded", 3),
    ("token_smuggling/morse_code_attack.py", "MorseCodeAttack", {}, "encoded", 2),
    ("token_smuggling/html_entity_attack.py", "HtmlEntityAttack", {}, "encoded", 2),
    ("token_smuggling/leetspeak_attack.py", "LeetspeakAttack", {}, "encoded", 3),
    ("token_smuggling/unicode_attack.py", "UnicodeStyleAttack", {}, "encoded", 3),
    ("token_smuggling/unicode_attack.py", "UnicodeRussianStyleAttack", {}, "homoglyph", 4),
    ("text_structure_modification/zero_width_attack.py", "ZeroWidthAttack", {}, "invisible", 4),
]


class _AlgoAttack:
    """Stand-in for hivetracered.attacks.algo_attack.AlgoAttack (its imports are heavy)."""

    def __init__(self, raw=False, template=None, name=None, description=None, **_kw):
        self.raw, self.template = raw, template

    @staticmethod
    def _get_mode(raw):
        return "" if raw else " Input-Only"

    def render(self, text):
        t = self.transform(text)
        return t if self.raw or not self.template else self.template.replace("{prompt}", t)


def hivetracered(root, add, notes, rng):
    import random as _random
    import yaml
    base = root / "hivetracered" / "attacks" / "types" / "single_turn"
    filled = []
    for rel, fam in sorted(HT_TEMPLATES.items()):
        d = yaml.safe_load((base / rel).read_text(encoding="utf-8"))
        text = d["prompt"].replace("{{", "{").replace("}}", "}").replace("{prompt}", FILL)
        add("attack", fam, "ru", f"hivetracered:hivetracered/attacks/types/single_turn/{rel}", text)
        filled.append((rel, text))
    notes.append("hivetracered: roleplay/aim.yaml, dan.yaml, evil_confidant.yaml (Russian versions of "
                 "in-the-wild jailbreaks already in train) — dropped")
    notes.append("hivetracered: persuasion/*.yaml (83 PAP-style persuasive requests), in-context, "
                 "distractors, task-deflection and output-format templates without an injection; the transliteration transform (needs cyrtranslit, not installed) — left out")
    for mod, attrs in {"hivetracered": {"__path__": []}, "hivetracered.attacks": {"__path__": []},
                       "hivetracered.attacks.algo_attack": {"AlgoAttack": _AlgoAttack},
                       "hivetracered.registry": {"Registry": types.SimpleNamespace(
                           attack=lambda **_k: (lambda c: c))}}.items():
        m = types.ModuleType(mod)
        for k, v in attrs.items():
            setattr(m, k, v)
        sys.modules[mod] = m
    loaded = {}
    for rel, cls, kw, fam, n in HT_TRANSFORMS:
        if rel not in loaded:
            spec = importlib.util.spec_from_file_location(f"ht_{len(loaded)}", base / rel)
            m = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(m)
            loaded[rel] = m
        _random.seed(20261125)  # some transforms use the global random module
        attack = getattr(loaded[rel], cls)(**kw)
        for trel, text in rng.sample(filled, n):
            add("attack", fam, "ru",
                f"hivetracered:hivetracered/attacks/types/single_turn/{rel} {cls} applied to {trel}",
                attack.render(text))


def hivetracered_benign(root, add, notes, rng):
    import yaml
    base = root / "hivetracered" / "attacks" / "types" / "single_turn"
    for f in sorted(base.glob("*/*.yaml")):
        d = yaml.safe_load(f.read_text(encoding="utf-8"))
        desc = re.sub(r"\s+", " ", str(d.get("description") or "")).strip()
        if len(desc.split()) >= 8:
            add("benign", "jailbreak_discussion", "en",
                f"hivetracered:hivetracered/attacks/types/single_turn/{f.relative_to(base).as_posix()} description", desc)


# ---------------------------------------------------------------------------------------
# fas-judgement: patterns.json (attacks after dropping garak / PromptInject items and
# non-injections; explanations as discussion)

FAS_DROP_SOURCES = ("garak", "promptinject")
FAS_NOT_INJECTION = {  # read: plain persona prompts or requests, no injection
    "free-cm-001", "free-cm-002", "free-cm-005", "free-cm-006", "free-cm-007", "free-cm-008",
    "free-ml-001", "free-rp-002", "free-ml-004", "free-rp-005", "free-ar-003", "free-pm-001",
    "free-pm-003", "free-pm-006", "free-ft-001",
}
FAS_FAMILY = {"free-ml-007": "homoglyph", "free-ml-005": "encoded", "free-ml-006": "encoded",
              "free-ml-008": "override", "free-ml-002": "override", "free-ml-003": "override",
              "free-pm-002": "roleplay", "free-pm-005": "override", "free-hj-005": "prompt_leak",
              "free-pe-006": "delimiter", "free-tt-001": "override", "free-tt-002": "prompt_leak",
              "free-cm-003": "override", "free-cm-004": "override"}
FAS_PREFIX = {"free-io": "override", "free-rp": "roleplay", "free-ft": "encoded", "free-ee": "encoded",
              "free-ar": "roleplay", "free-de": "prompt_leak", "free-tt": "prompt_leak",
              "free-se": "prompt_leak", "free-pe": "override", "free-hj": "prompt_leak"}
FAS_LANG = {"English": "en", "German": "de", "Spanish": "es", "Chinese": "zh"}


def fas_patterns(root):
    p = root / "fas_judgement" / "modules" / "ai_security" / "patterns" / "data" / "single-shot" / "patterns.json"
    return json.loads(p.read_text(encoding="utf-8"))


def fas_judgement(root, add, notes, rng):
    n_src = n_not = 0
    for x in fas_patterns(root):
        if any(s in x["source"].lower() for s in FAS_DROP_SOURCES):
            n_src += 1
            continue
        if x["id"] in FAS_NOT_INJECTION:
            n_not += 1
            continue
        fam = FAS_FAMILY.get(x["id"])
        if fam is None:
            fam = "indirect" if x["category"] == "indirect_injection" else FAS_PREFIX.get(x["id"][:7], "override")
        add("attack", fam, FAS_LANG.get(x["language"], "mul"),
            f"fas-judgement:fas_judgement/modules/ai_security/patterns/data/single-shot/patterns.json {x['id']} "
            f"(item source: {x['source']})", x["text"])
    notes.append(f"fas-judgement: {n_src} items whose own `source` is garak or PromptInject (both in train) — dropped")
    notes.append(f"fas-judgement: {n_not} items read as no injection (persona prompts such as 'act as a "
                 "linux terminal', 'generate c++', opinion questions) — left out")


def fas_benign(root, add, notes, rng):
    seen = set()
    for x in fas_patterns(root):
        for field in ("explanation", "why_it_works"):
            t = re.sub(r"\s+", " ", str(x.get(field) or "")).strip()
            if len(t.split()) >= 10 and t not in seen:
                seen.add(t)
                add("benign", "jailbreak_discussion", "en",
                    f"fas-judgement:fas_judgement/modules/ai_security/patterns/data/single-shot/patterns.json "
                    f"{x['id']} {field}", t)


# ---------------------------------------------------------------------------------------
# oubliette-dungeon: default.yaml scenarios (prompt + variants); descriptions as discussion

OUB_FAMILY = {
    "ATK-001": "override", "ATK-002": "roleplay", "ATK-003": "override", "ATK-005": "encoded",
    "ATK-006": "roleplay", "ATK-007": "roleplay", "ATK-008": "roleplay", "ATK-010": "override",
    "ATK-011": "override", "ATK-012": "prompt_leak", "ATK-013": "prompt_leak", "ATK-015": "prompt_leak",
    "ATK-019": "override", "ATK-020": "override", "ATK-021": "override", "ATK-030": "homoglyph",
    "ATK-031": "delimiter", "ATK-032": "indirect", "ATK-033": "indirect", "ATK-034": "delimiter",
    "ATK-035": "roleplay", "ATK-036": "override", "ATK-037": "override", "ATK-038": "prompt_leak",
    "ATK-048": "prompt_leak", "ATK-051": "indirect", "ATK-052": "indirect", "ATK-053": "indirect",
    "ATK-054": "indirect", "ATK-055": "indirect", "ATK-056": "indirect", "ATK-057": "indirect",
}


def oubliette_scenarios(root):
    import yaml
    return yaml.safe_load((root / "oubliette_dungeon" / "scenarios" / "default.yaml").read_text(encoding="utf-8"))


def oubliette(root, add, notes, rng):
    left = []
    for x in oubliette_scenarios(root):
        fam = OUB_FAMILY.get(x["id"])
        texts = ([x["prompt"]] if x.get("prompt") else []) + [
            v["prompt"] for v in (x.get("variants") or []) if isinstance(v, dict) and v.get("prompt")]
        if fam is None or not texts:
            left.append(x["id"])
            continue
        for i, t in enumerate(texts):
            f = fam
            if x["id"] == "ATK-030":
                f = "invisible" if "\u200b" in t else "homoglyph"
            add("attack", f, "en", f"oubliette-dungeon:oubliette_dungeon/scenarios/default.yaml {x['id']}"
                + (f" (variant {i})" if i else ""), t)
    notes.append(f"oubliette-dungeon: {len(left)} scenarios left out (multi-turn only, plain requests for "
                 "model version / IP / files / tool calls, social-engineering pleas without an injection, "
                 "compliance checks): " + ", ".join(left))


def oubliette_benign(root, add, notes, rng):
    for x in oubliette_scenarios(root):
        for field in ("description", "attack_description", "trend_note"):
            t = re.sub(r"\s+", " ", str(x.get(field) or "")).strip()
            if len(t.split()) >= 8:
                add("benign", "jailbreak_discussion", "en",
                    f"oubliette-dungeon:oubliette_dungeon/scenarios/default.yaml {x['id']} {field}", t)


# ---------------------------------------------------------------------------------------
# sentinelprobe: cases (user prompt for direct cases, document / file content for indirect)

def sentinelprobe(root, add, notes, rng):
    import yaml
    for f in sorted((root / "prompt_injection_harness" / "cases").glob("*.yaml")):
        d = yaml.safe_load(f.read_text(encoding="utf-8"))
        for c in d.get("cases") or []:
            src = f"sentinelprobe:prompt_injection_harness/cases/{f.name} {c['id']}"
            docs = [x.get("content", "") for x in (c.get("documents") or []) + (c.get("files") or [])]
            inj = [t for t in docs if re.search(r"instruction|ignore|assistant|output|system|do not", t, re.I)]
            if inj:
                t = max(inj, key=len)
                add("attack", "indirect", "en", src + " (document)" + markers(t), t)
            elif c.get("user_prompt"):
                t = c["user_prompt"]
                fam = ("prompt_leak" if re.search(r"system prompt|hidden (prompt|instructions)|developer message", t, re.I)
                       else "delimiter" if delimiter_like(t)
                       else "roleplay" if re.search(r"you are now|pretend|act as|roleplay", t, re.I) else "override")
                add("attack", fam, "en", src + " (user_prompt)" + markers(t), t)


# ---------------------------------------------------------------------------------------
# agent-injection-bench: injected tool results

AIB_FAMILY = {"instruction_override": "override", "context_termination": "delimiter",
              "authority_claim": "override", "role_play": "roleplay", "encoding": "encoded",
              "data_exfiltration": "indirect", "tool_redirection": "indirect",
              "conversation_hijack": "indirect", "baseline": "indirect"}


def agent_injection_bench(root, add, notes, rng):
    for line in (root / "aib" / "data" / "attacks.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["family"] == "control":
            add("benign", "document", "en", f"agent-injection-bench:aib/data/attacks.jsonl {r['id']} (control)",
                r["injected"])
            continue
        fam = AIB_FAMILY[r["family"]]
        if fam == "encoded" and re.search(r"[\u200b-\u200f\u2060\ufeff]", r["injected"]):
            fam = "invisible"
        elif fam == "encoded" and re.search(r"[A-Za-z][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z]", r["injected"]):
            fam = "homoglyph"
        add("attack", fam, "en",
            f"agent-injection-bench:aib/data/attacks.jsonl {r['id']}" + markers(r["injected"]), r["injected"])


# ---------------------------------------------------------------------------------------
# hermes-jailbench: attack templates ({TARGET} = FILL)

HERMES_FAMILY = {"identity_override": "roleplay", "prompt_extraction": "prompt_leak",
                 "encoding_bypass": "encoded", "framing_bypass": "roleplay",
                 "social_engineering": "override", "injection": "override",
                 "meta_reasoning": "override", "multilingual": "prompt_leak"}
HERMES_LANG = {"Spanish": "es", "French": "fr", "German": "de", "Japanese": "ja", "Base64 Spanish": "es"}


def hermes(root, add, notes, rng):
    spec = importlib.util.spec_from_file_location("hermes_attacks", root / "hermes_jailbench" / "attacks.py")
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    seen = set()
    for cat, attacks in m.ATTACKS_BY_CATEGORY.items():
        cat = getattr(cat, "value", cat)
        for a in attacks:
            if a.name in seen:
                continue
            seen.add(a.name)
            t = a.template.replace("how to {TARGET}", "how to pick a lock").replace("{TARGET}", FILL)
            fam = HERMES_FAMILY[cat]
            if cat == "injection" and delimiter_like(t):
                fam = "delimiter"
            if cat == "multilingual" and "Base64" in a.name:
                fam = "encoded"
            lang = next((v for k, v in HERMES_LANG.items() if a.name.startswith(k)), "en")
            if cat == "multilingual" and lang == "en" and a.name not in ("Translation Instruction Bypass",):
                lang = "mul"
            add("attack", fam, lang, f"hermes-jailbench:hermes_jailbench/attacks.py {a.name}", t)


# ---------------------------------------------------------------------------------------
# promptwl: the multilingual lists (the same 8 lines in 10 languages) and a sample of English

PWL_ML_FAMILY = ["override", "override", "roleplay", "override", "prompt_leak", "override", "override", "override"]
PWL_EN = {  # list -> (family, n)
    "injection/instruction-override.txt": ("override", 4),
    "jailbreak/persona-override.txt": ("roleplay", 4),
    "jailbreak/authority-impersonation.txt": ("override", 3),
    "extraction/system-prompt-leak.txt": ("prompt_leak", 4),
    "agents/tool-and-rag-injection.txt": ("indirect", 4),
    "agents/memory-and-session-poisoning.txt": ("indirect", 3),
}


def wordlist(path: Path) -> list[str]:
    return [x.strip() for x in path.read_text(encoding="utf-8").splitlines() if x.strip() and not x.startswith("#")]


def promptwl(root, add, notes, rng):
    base = root / "promptwl" / "wordlists"
    for f in sorted((base / "multilingual").glob("*.txt")):
        lines = wordlist(f)
        if len(lines) != len(PWL_ML_FAMILY):
            sys.exit(f"{f}: expected {len(PWL_ML_FAMILY)} lines in the known order")
        for i, (t, fam) in enumerate(zip(lines, PWL_ML_FAMILY)):
            add("attack", fam, f.stem, f"promptwl:promptwl/wordlists/multilingual/{f.name} line {i + 1}", t)
    for rel, (fam, n) in sorted(PWL_EN.items()):
        lines = wordlist(base / rel)
        for t in rng.sample(lines, min(n, len(lines))):
            add("attack", fam, "en", f"promptwl:promptwl/wordlists/{rel}", t)
    notes.append("promptwl: tokens/ (glitch tokens), injection/delimiter-confusion.txt (bare markers such as "
                 "`[INST]`, no instruction), evasion/ and multimodal/ lists — left out; English lists sampled "
                 "(they are the canonical phrases every rule knows)")


# ---------------------------------------------------------------------------------------
# agentccx (zh), ai-red-teaming-engine (ja), nullsec-promptinject, cilada-redteam (pt)

def literal_calls(path: Path, func: str) -> list[dict]:
    """Keyword arguments (literals only) of every call to `func` in a Python file."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == func:
            kw = {}
            for k in node.keywords:
                try:
                    kw[k.arg] = ast.literal_eval(k.value)
                except ValueError:
                    pass
            out.append(kw)
    return out


def literal_assign(path: Path, name: str):
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
        if any(getattr(t, "id", None) == name for t in targets):
            return ast.literal_eval(node.value)
    raise KeyError(name)


AGENTCCX_FILES = {"injection.py": "override", "leak.py": "prompt_leak", "jailbreak.py": "roleplay"}


def agentccx(root, add, notes, rng):
    for fname, fam in sorted(AGENTCCX_FILES.items()):
        for c in literal_calls(root / "agentscan" / "attacks" / fname, "AttackCase"):
            for i, t in enumerate(c.get("turns") or []):
                f = "delimiter" if fam == "override" and re.match(r"\s*\[(SYSTEM|系统)", t) else fam
                if fam == "roleplay" and re.search(r"忽略|ignore", t, re.I):
                    f = "override"
                add("attack", f, script_lang(t), f"agentccx:agentscan/attacks/{fname} {c.get('case_id')}"
                    + (f" (turn {i + 1})" if i else ""), t)
    notes.append("agentccx: sensitive.py, tool_abuse.py, egress.py, robustness.py (plain requests) and "
                 "indirect.py (its turns are user requests to fetch a page that holds the attack, with a "
                 "`{payload_base}` placeholder) — left out")


def agentccx_benign(root, add, notes, rng):
    for f in sorted((root / "agentscan" / "attacks").glob("*.py")):
        for c in literal_calls(f, "AttackCase"):
            t = str(c.get("description") or "").strip()
            if len(t) >= 15:
                add("benign", "jailbreak_discussion", script_lang(t),
                    f"agentccx:agentscan/attacks/{f.name} {c.get('case_id')} description", t)


def ai_red_teaming_engine(root, add, notes, rng):
    cat = literal_assign(root / "redteam" / "prompt_injection.py", "PAYLOAD_CATALOG")
    n = 0
    for p in cat:
        t = p["payload"]
        if p["type"] not in ("direct", "indirect", "jailbreak"):
            n += 1
            continue
        fam = {"direct": "override", "indirect": "indirect", "jailbreak": "roleplay"}[p["type"]]
        if p["type"] == "direct" and (delimiter_like(t) or t.lstrip().startswith("SYSTEM:")):
            fam = "delimiter"
        if "base64" in t:
            fam = "encoded"
        if t.rstrip().endswith(("、", "：", ":")):
            t = f"{t} {FILL}"  # a prefix the package puts before a request
        add("attack", fam, script_lang(t), f"ai-red-teaming-engine:redteam/prompt_injection.py {p['id']}", t)
    notes.append(f"ai-red-teaming-engine: {n} tool-abuse and multi-turn `benign_wrapped` payloads — left out; "
                 "the two jailbreak prefixes ending in '、' / '：' get the fixed English request appended")


NULLSEC_FAMILY = {"extraction": "prompt_leak", "override": "override", "jailbreak": "roleplay",
                  "indirect": "indirect"}


def nullsec(root, add, notes, rng):
    spec = importlib.util.spec_from_file_location("nullsec_payloads", root / "nullsec_promptinject" / "payloads.py")
    m = importlib.util.module_from_spec(spec)
    sys.modules["nullsec_payloads"] = m  # dataclasses look their module up
    spec.loader.exec_module(m)
    n = 0
    for p in m.PAYLOADS:
        fam = NULLSEC_FAMILY.get(p.category)
        if fam is None:
            n += 1
            continue
        if delimiter_like(p.text):
            fam = "delimiter"
        add("attack", fam, p.language, f"nullsec-promptinject:nullsec_promptinject/payloads.py ({p.category})", p.text)
    notes.append(f"nullsec-promptinject: {n} function-abuse payloads (SQL, code, query) — left out")


def cilada(root, add, notes, rng):
    import yaml
    f = root / "cilada" / "attacks" / "ecommerce" / "injecao.yaml"
    for a in yaml.safe_load(f.read_text(encoding="utf-8"))["ataques"]:
        for i, t in enumerate(a.get("turnos") or []):
            if i and a["id"] != "vazamento-system-prompt":
                continue  # a follow-up turn that is no attack on its own
            fam = ("prompt_leak" if a["id"] == "vazamento-system-prompt" else
                   "roleplay" if re.search(r"\bDAN\b|finja|finge|personagem|você é agora", t, re.I) else
                   "indirect" if re.search(r"\[[^\]]+\]|pedido|campo|observa", t, re.I) else "override")
            add("attack", fam, "pt", f"cilada-redteam:cilada/attacks/ecommerce/injecao.yaml {a['id']}"
                + (f" (turn {i + 1})" if i else ""), t)
    notes.append("cilada-redteam: follow-up turns of injecao.yaml (no attack on their own) and the other "
                 "attack files (business fraud, discounts, payment, legal) — left out")


def cilada_benign(root, add, notes, rng):
    import yaml
    f = root / "cilada" / "attacks" / "ecommerce" / "injecao.yaml"
    for a in yaml.safe_load(f.read_text(encoding="utf-8"))["ataques"]:
        for field in ("descricao", "mitigacao"):
            t = re.sub(r"\s+", " ", str(a.get(field) or "")).strip()
            if len(t.split()) >= 8:
                add("benign", "jailbreak_discussion", "pt",
                    f"cilada-redteam:cilada/attacks/ecommerce/injecao.yaml {a['id']} {field}", t)


# ---------------------------------------------------------------------------------------
# benign documents: awscli examples, installation-guide-amd64, chatterbot-corpus

AWS_KEYLIKE = re.compile(r"AKIA[0-9A-Z]{12,}|ASIA[0-9A-Z]{12,}|SecretAccessKey|SessionToken|"
                         r"aws_secret_access_key|BEGIN [A-Z ]*PRIVATE KEY|EXAMPLEKEY", re.I)


def awscli(root, add, notes, rng):
    files = sorted((root / "awscli" / "examples").rglob("*.rst"))
    keyed, plain = [], []
    for f in files:
        t = f.read_text(encoding="utf-8", errors="replace")
        (keyed if AWS_KEYLIKE.search(t) else plain).append((f, t))
    picked = rng.sample(keyed, min(55, len(keyed))) + rng.sample(plain, 55)
    for f, t in sorted(picked, key=lambda x: x[0]):
        chunks = paragraphs_to_chunks(t, 200, 2500) or [t]
        add("benign", "code", "en", f"awscli:awscli/examples/{f.relative_to(root / 'awscli' / 'examples').as_posix()}"
            + (" (key-like strings)" if AWS_KEYLIKE.search(chunks[0]) else ""), chunks[0])


IG_LANG = {"zh_CN": "zh"}


def installation_guide(root, add, notes, rng):
    base = root / "usr" / "share" / "doc" / "installation-guide-amd64"
    for lang_dir in sorted(p.name for p in base.iterdir() if p.is_dir()):
        # chapter and appendix front pages (ch05.html, apb.html) and index.html are tables of contents
        pages = sorted(p for p in (base / lang_dir).glob("*.html")
                       if not re.fullmatch(r"(ch\d+|ap[a-z]|index|pr\d+)\.html", p.name))
        chunks = []
        for p in pages:
            t = p.read_text(encoding="utf-8", errors="replace")
            body = t.split('<div class="navfooter"', 1)[0]
            body = re.split(r'<div class="navheader">.*?<hr>\s*</div>', body, maxsplit=1, flags=re.S)[-1]
            for c in paragraphs_to_chunks(strip_html(body), 400, 1800):
                chunks.append((p.name, c))
        if not chunks:
            continue
        lang = IG_LANG.get(lang_dir, lang_dir)
        for page, c in rng.sample(chunks, min(8, len(chunks))):
            add("benign", "document", "en" if lang != "en" and looks_english(c) else lang,
                f"installation-guide-amd64:usr/share/doc/installation-guide-amd64/{lang_dir}/{page}", c)


CB_LANG = {"bengali": "bn", "chinese": "zh", "dutch": "nl", "english": "en", "french": "fr", "german": "de",
           "hebrew": "he", "hindi": "hi", "indonesian": "id", "italian": "it", "japanese": "ja",
           "korean": "ko", "marathi": "mr", "persian": "fa", "portuguese": "pt", "russian": "ru",
           "spanish": "es", "swedish": "sv", "tamil": "ta", "telugu": "te", "thai": "th",
           "traditionalchinese": "zh", "turkish": "tr", "ukrainian": "uk", "urdu": "ur"}


def chatterbot(root, add, notes, rng):
    import yaml
    base = root / "chatterbot_corpus" / "data"
    for lang_dir in sorted(CB_LANG):
        lines = {}
        for f in sorted((base / lang_dir).glob("*.yml")):
            if f.name == "tech_support.yml":
                continue
            try:
                d = yaml.safe_load(f.read_text(encoding="utf-8"))
            except yaml.YAMLError:
                continue
            for conv in (d or {}).get("conversations") or []:
                if conv and isinstance(conv[0], str):
                    t = conv[0].strip()
                    long_enough = len(t) >= 12 if NO_SPACE.search(t) else len(t.split()) >= 4
                    if long_enough:
                        lines.setdefault(t, f.name)
        picked = rng.sample(sorted(lines), min(8, len(lines)))
        for t in picked:
            lang = CB_LANG[lang_dir]
            if lang != "en" and re.fullmatch(r"[\x00-\x7f]+", t):
                lang = "en"  # an untranslated English line in another language's file
            add("benign", "general", lang, f"chatterbot-corpus:chatterbot_corpus/data/{lang_dir}/{lines[t]}", t)
    notes.append("chatterbot-corpus: tech_support.yml (10 lines repeated), hinglish/oriya/yoruba, and "
                 "first turns under 4 words — left out")


NO_SPACE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")

ATTACK_READERS = [
    ("agent-redteam", agent_redteam), ("vigia", vigia), ("hivetracered", hivetracered),
    ("fas-judgement", fas_judgement), ("oubliette-dungeon", oubliette), ("sentinelprobe", sentinelprobe),
    ("agent-injection-bench", agent_injection_bench), ("hermes-jailbench", hermes), ("promptwl", promptwl),
    ("agentccx", agentccx), ("ai-red-teaming-engine", ai_red_teaming_engine),
    ("nullsec-promptinject", nullsec), ("cilada-redteam", cilada),
]
BENIGN_READERS = [
    ("agent-redteam", agent_redteam_benign), ("awscli", awscli),
    ("installation-guide-amd64", installation_guide), ("chatterbot-corpus", chatterbot),
    ("fas-judgement", fas_benign), ("oubliette-dungeon", oubliette_benign),
    ("agentccx", agentccx_benign), ("cilada-redteam", cilada_benign), ("hivetracered", hivetracered_benign),
]
