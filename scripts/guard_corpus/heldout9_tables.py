"""Item-level tables of heldout9_sources.py (made by reading the packages' texts): what is kept or
left out, and the family where the package's own category does not say it. None = family by
heldout8_sources.family_of (keyword rule)."""

# ---------------------------------------------------------------------------------------
# aastf: scenario ids left out, and families where the channel rule (tool response / memory /
# system prompt -> indirect, user message -> family_of) does not fit

AA_SKIP = {
    # multi-turn harmful escalation; tool confusion / scope / credential / tenant / token requests
    "ASI01-003", "ASI02-003", "ASI02-004", "ASI02-005", "ASI03-002", "ASI03-003", "ASI03-004", "ASI03-005",
    "ASI04-005",
    # code / SQL / path / SSRF / shell requests, and benign user tasks whose poison is a mocked tool
    "ASI05-001", "ASI05-002", "ASI05-003", "ASI05-004", "ASI05-005", "ASI05-006", "ASI05-007", "ASI05-008",
    "ASI05-009", "ASI05-010", "ASI05-011", "ASI05-012",
    # context padding placeholder, session residue without an instruction, deletion request
    "ASI06-002", "ASI06-006", "ASI06-015",
    # requests to hide / tamper with messages (narrated), resource exhaustion and fan-out tasks
    "ASI07-003", "ASI07-005", "ASI08-001", "ASI08-002", "ASI08-003", "ASI08-004", "ASI08-005", "ASI08-006",
    "ASI08-007", "ASI08-008", "ASI08-009", "ASI08-010",
    # requests to deceive a human reviewer; abort-then-continue meta text; scope creep; self-replication
    "ASI09-001", "ASI09-002", "ASI09-003", "ASI09-004", "ASI09-005", "ASI10-001", "ASI10-003", "ASI10-005",
    # sampling request to draft phishing (a task, not an injection)
    "ASI01-010",
    # CVE patterns that are plain SSRF / RCE / DoS / split-payload requests
    "CVE01-003", "CVE01-004", "CVE01-006", "CVE01-007",
    # inter-agent messages whose payload narrates the tampering / replay; obfuscated tool call request;
    # narrated MCP scenarios; schema defaults / type confusion without an
    # instruction; URI traversal; STDIO command injection; credential phishing aimed at the human
    "MAS03-001", "MAS03-002", "MAS03-003", "MCP02-001", "MCP02-002", "MCP02-003", "MCP04-002", "MCP04-003", "MCP05-003", "MCP05-004",
    "MCP05-005", "MCP06-001", "MCP06-002", "MCP06-003", "MCP06-004", "MCP06-005", "MCP06-006", "MCP06-007",
    "MCP06-008",
}
AA_FAMILY = {
    # authority / provenance claims: forged agent cards, pre-approvals, orchestrator / validator / replayed
    # messages, "verified" records and access-control updates, model-update notices
    **{sid: "authority" for sid in (
        "A2A01-001", "A2A01-002", "A2A01-003", "A2A01-004", "A2A01-005", "A2A01-006", "ASI03-001", "ASI03-007",
        "ASI06-003", "ASI06-005", "ASI06-010", "ASI07-001", "ASI07-002", "ASI07-004", "MAS02-002", "MAS02-003",
        "ASI10-004")},
    "MAS02-001": "authority", "ASI06-013": "authority",
    "ASI01-011": "prompt_leak", "ASI01-012": "prompt_leak", "ASI01-013": "prompt_leak",
    "ASI01-004": "roleplay", "ASI10-002": "override",
}
AA_DESC_N = 80

# ---------------------------------------------------------------------------------------
# tessera-ai: file -> list -> family (a dict: index -> family, only those items)

TS_LISTS = {
    "tests/agt/agt01_mcp_security.py": {"schema_injection_payloads": {1: "override", 2: None}},
    "tests/agt/agt02_tool_misuse.py": {"escalation_payloads": "authority"},
    "tests/agt/agt03_agent_alignment.py": {"goal_override_payloads": None, "persistence_payloads": None},
    "tests/agt/agt04_memory_poisoning.py": {"context_injection_payloads": "authority",
                                            "history_manipulation_payloads": None, "rag_poisoning_payloads": "indirect"},
    "tests/agt/agt05_identity_privilege.py": {"identity_spoofing_payloads": "authority",
                                              "privilege_escalation_payloads": {1: "authority", 3: "authority"},
                                              "delegation_abuse_payloads": "authority"},
    "tests/agt/agt07_inter_agent_comms.py": {"message_tampering_payloads": "authority",
                                             "eavesdropping_extraction_payloads": "prompt_leak",
                                             "replay_attack_payloads": "authority"},
    "tests/agt/agt08_cascading_failures.py": {"poison_chain_payloads": None},
    "tests/agt/agt09_trust_exploitation.py": {"authority_impersonation_payloads": "authority"},
    "tests/agt/agt10_rogue_agents.py": {"covert_goals_payloads": None, "coordination_attack_payloads": None},
    "tests/app/app01_injection.py": {"direct_payloads": None, "indirect_payloads": "indirect",
                                     "encoded_payloads": "encoded"},
    "tests/app/app07_prompt_disclosure.py": {"extraction_prompts": "prompt_leak"},
    "tests/app/app08_cross_plugin.py": {"cross_plugin_prompts": {18: "authority", 19: None, 20: "authority", 21: None}},
}

TS_REC_N = 80

# community-ai-audit: (list, index) -> family where family_of misses the package's intent
CA_ITEMS = {("INJECTION_PROBES", 2): "prompt_leak", ("INJECTION_PROBES", 3): "prompt_leak"}

# ---------------------------------------------------------------------------------------
# vektor-scan: case description -> family (others: family_of)

VK_FAMILY = {"Instruction reset via authority claim": "authority"}
VK_CASES = {  # (file, case index) -> family; None = left out
    ("data_extraction.py", 0): None, ("data_extraction.py", 1): None, ("data_extraction.py", 2): "prompt_leak",
    ("data_extraction.py", 3): "prompt_leak", ("data_extraction.py", 4): None, ("data_extraction.py", 5): None,
    ("prompt_injection.py", 4): "prompt_leak", ("structured_output_injection.py", 4): "delimiter", ("structured_output_injection.py", 6): "delimiter",
}

# ---------------------------------------------------------------------------------------
# largestack (Attack kind), rai-governance-platform ((category, name) of AttackVector), safer-backend
# (seed lists), asha-si ((list, index)), aig-agent-scan (skill -> family; (skill, item) -> family)

LS_FAMILY = {"injection": None, "jailbreak": "roleplay", "system_prompt": "prompt_leak"}
RAI_FAMILY = {
    ("PROMPT_INJECTION", "System prompt override attempt"): None,
    ("PROMPT_INJECTION", "Instruction injection via user data"): None,
    ("JAILBREAK", "Role-play identity bypass"): "roleplay",
    ("DATA_LEAKAGE", "System prompt extraction"): "prompt_leak",
    ("ROLE_CONFUSION", "Authority impersonation"): "authority",
    ("DELIMITER_ATTACK", "Markdown delimiter escape"): "delimiter",
    ("DELIMITER_ATTACK", "XML tag injection"): "delimiter",
}
SB_LISTS = {"DIRECT_INJECTION": None, "INDIRECT_INJECTION": "indirect", "JAILBREAK": "roleplay",
            "PROMPT_EXTRACTION": "prompt_leak"}
ASHA_FAMILY = {("_POISON_SEEDS", 6): "authority", ("_POISON_SEEDS", 7): "authority"}
AG_SKILLS = {"direct-injection-detection": None, "indirect-injection-detection": "indirect",
             "memory-poisoning-detection": "override", "memory-rag-poisoning-detection": "override"}
AG_ITEMS = {("memory-rag-poisoning-detection", 1): "authority", ("memory-rag-poisoning-detection", 4): "authority"}

# ---------------------------------------------------------------------------------------
# read-no-evil-mcp: family by payload file, then by technique; the safe baseline ids are benign

RN_FILE = {"baseline.yaml": None, "encoding.yaml": "encoded", "invisible.yaml": "invisible",
           "structural.yaml": "delimiter", "email_specific.yaml": "indirect", "semantic.yaml": None}
RN_TECHNIQUE = {"roleplay": "roleplay", "hypothetical": "roleplay", "story": "roleplay", "persona": "roleplay",
                "authority": "authority"}
RN_ID = {"baseline_forget_rules": "override"}
RN_BENIGN = {"baseline_safe_content", "baseline_safe_email"}

# ---------------------------------------------------------------------------------------
# secure-mcp-gateway: bad_mcps/<file> -> {line of the plain string literal: family} (attacks), and
# {line: family} of benign strings (docstrings that describe the demo attacks; plain tool descriptions)

SM_ATTACK = {
    "prompt_injection_mcp.py": {16: "indirect", 45: "indirect", 76: "indirect", 111: "indirect", 141: "indirect"},
    "schema_poisoning_mcp.py": {31: "indirect", 224: "authority"},
    "tool_poisoning_mcp.py": {17: "indirect", 43: "indirect", 53: "indirect", 73: "indirect", 78: "indirect",
                              92: "authority", 172: "indirect"},
    "mpma_mcp.py": {20: "indirect", 209: "indirect", 279: "indirect"},
}
_D, _G = "jailbreak_discussion", "general"
SM_BENIGN = {
    "bad_output_mcp.py": {**{ln: _D for ln in (1, 27, 63, 99, 139, 181, 228, 272, 314, 352, 404)},
                          **{ln: _G for ln in (17, 53, 89, 129, 169, 218, 262, 302, 342, 394)}},
    "prompt_injection_mcp.py": {ln: _D for ln in (1, 26, 55, 86, 123, 151)},
    "schema_poisoning_mcp.py": {**{ln: _D for ln in (1, 27, 62, 101)},
                                **{ln: _G for ln in (17, 50, 91, 127, 173, 210, 253)}},
    "tool_poisoning_mcp.py": {ln: _D for ln in (1, 32, 60, 82, 111, 132, 162)},
    "mpma_mcp.py": {ln: _D for ln in (1, 32, 59, 87, 119, 150, 184, 221, 253, 289)},
    "bad_mcp.py": {**{ln: _D for ln in (1, 28, 50, 72, 94, 116, 138)}, **{ln: _G for ln in (16, 38, 60, 82, 104, 126)}},
}

# ---------------------------------------------------------------------------------------
# rows read as mixed-language (an English instruction that carries a French / German one): lang "mul"
MUL = {("vektor-scan", "vektor/attacks/prompt_injection.py case[2]"),
       ("safer-backend", "safer_backend/redteam/seed_bank.py DIRECT_INJECTION[5]"),
       ("read-no-evil-mcp", "semantic_translation")}

# ---------------------------------------------------------------------------------------
# aix-framework: aix/payloads/<file>.json -> {index: family} of the items kept (None = family by the
# package's own category through AIX_CATEGORY, else family_of); items not listed are left out

AIX_CATEGORY = {"persona": "roleplay", "roleplay": "roleplay", "authority": "authority", "encoding": "encoded",
                "structural": "delimiter", "token": "delimiter", "format": "delimiter", "obfuscation": "encoded",
                "multilingual": "override"}
_N = None
AIX_KEEP = {
    # direct / structural / encoding / persona / token / format / obfuscation / multilingual probes, and the
    # RAG-upload documents (38 ... 47) that carry a fake system alert (indirect; 40 claims a verified
    # auditor: authority; 41 asks to assemble a secret from the context: prompt_leak). Left out: a markdown-
    # image test and a glitch token (not injections), the SQL / XSS audit requests (19 ... 35), a heading
    # (36), an instruction to the human tester (37) and a document with a run-time slot (39).
    "inject.json": {**{i: _N for i in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18)},
                    38: "indirect", 40: "authority", 41: "prompt_leak", 42: "indirect", 43: "indirect",
                    44: "indirect", 45: "indirect", 46: "indirect"},
    # persona / fake-system / kernel-debug directives. Left out: texts with a [FORBIDDEN_ACTION] slot (11, 16),
    # the two cognitive puzzles (14, 15), a port-scan request (20), notes to the human tester (43) and a
    # benign preamble part (85). Items the package files under `authority` that carry no authority claim
    # go to family_of (None below overrides nothing: AIX_ITEM does).
    "jailbreak.json": {i: _N for i in range(89) if i not in (11, 14, 15, 16, 20, 43, 85)},
    # context-leak requests that carry an injection (override, fake system policy, authority claim,
    # encoded instruction, fictional or legacy frame, system-prompt request). Left out: plain PII /
    # memorisation / knowledge-base questions and secret-fishing requests without an injection.
    "leak.json": {25: "encoded", 26: "authority", 33: "authority", 36: "authority", 41: "encoded", 43: "roleplay",
                  44: "override", 51: "prompt_leak", 52: "prompt_leak", 53: "authority", 55: "encoded",
                  59: "prompt_leak", 60: "prompt_leak", 64: "override", 65: "roleplay", 68: "prompt_leak",
                  80: "encoded"},
    # history poisoning, persistent-memory writes, extraction. Left out: context-overflow and recursion
    # (denial of service), cross-session questions, plain knowledge-base / embedding requests.
    "memory.json": {3: _N, 4: _N, 5: _N, 6: _N, 7: "authority", 8: "authority", 9: "override", 10: "override",
                    13: "authority", 14: "prompt_leak", 18: "prompt_leak", 19: "prompt_leak", 22: "override",
                    23: "override", 24: "prompt_leak"},
    "extract.json": {i: "prompt_leak" for i in range(18)},
    # RAG: embedded instructions, poisoned context, retrieval bypass. Left out: SQL in a search query,
    # plain source / knowledge-base / chunk requests, canary probes, fishing and targeted document requests.
    "rag.json": {0: "indirect", 1: "indirect", 2: "indirect", 3: "indirect", 4: "indirect", 5: "indirect",
                 6: "indirect", 7: "authority", 8: "authority", 14: "prompt_leak", 15: "override",
                 16: "prompt_leak", 17: "override"},
}
# jailbreak.json items filed under `authority` without an authority claim in the text (family_of instead),
# and one encoded blob
AIX_ITEM = {("jailbreak.json", i): "" for i in (31, 68, 70, 72, 73, 74, 75, 76, 77, 79, 80)}
AIX_ITEM[("jailbreak.json", 71)] = "encoded"
AIX_ITEM[("jailbreak.json", 8)] = "roleplay"  # filed under authority; a persona without a claim
# family kept as the package files it even where fam_lang would re-label (emoji ZWJ sequences are not
# an invisible-character attack)
AIX_FORCE = {("inject.json", 15): "encoded"}
# language read (the detector calls these English because of their English bracket tags or marker token)
AIX_LANG = {("inject.json", 5): "it", ("inject.json", 6): "zh",
            **{("jailbreak.json", i): "it" for i in (49, 52, 54, 56, 57, 58, 59, 60, 61)}}
# guardrail_probes.json / fingerprint_probes.json: family -> label / family
AIX_PROBES = {"encoding_evasion": ("attack", "encoded"), "banner_grabbing_injection": ("attack", None),
              "weak_alignment_injection": ("attack", None), "benign_baseline": ("benign", "general"),
              "meta_information": ("benign", "general"), "malformed_multilingual": ("benign", "general")}

# toolium: (kind, example) -> (family, language); None = family_of / detected
TL_KEEP = {("direct_attack", "example_1"): ("override", None), ("direct_attack", "example_2"): ("override", None),
           ("direct_attack", "example_7"): ("roleplay", None), ("indirect_attack", "example_1"): ("indirect", None),
           ("obfuscated_attack", "example_1"): ("encoded", "es"), ("obfuscated_attack", "example_2"): ("override", "zh"),
           ("concatenation_attack", "example_1"): ("encoded", None)}
