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
