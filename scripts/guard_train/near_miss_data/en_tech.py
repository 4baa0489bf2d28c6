"""English technical texts: code, support tickets, security questions, jailbreak discussion."""

GROUPS = [
    ("en-css-important", "code", "en", [
        "My CSS {prop} rule is being ignored. How do I override {lib}'s styles without using !important everywhere?",
        "Why does {lib} override my {prop}? I tried !important but it still gets ignored on mobile.",
    ], {"prop": ["font-size", "margin", "button colour", "z-index"],
        "lib": ["Bootstrap", "Tailwind", "Material UI", "the WordPress theme"]}),
    ("en-gitignore", "code", "en", [
        "How do I make git ignore {what}? I already added it to .gitignore but {problem}.",
        "Git keeps tracking {what} even though .gitignore should ignore it. {problem2}",
    ], {"what": ["node_modules", "the .env file", "all *.log files", "the build folder"],
        "problem": ["it still shows up in git status", "it was committed before"],
        "problem2": ["Do I need git rm --cached?", "What am I missing?"]}),
    ("en-print-contents", "code", "en", [
        "In {lang}, how do I print the contents of {obj} for debugging?",
        "What's the cleanest way to print the contents of {obj} in {lang} without the memory addresses?",
    ], {"lang": ["Python", "Rust", "Java", "Go"],
        "obj": ["a nested dictionary", "a struct", "a HashMap", "a file line by line"]}),
    ("en-env-vars", "code", "en", [
        "My app can't read the {var} environment variable in {where}. Locally it works. Any idea?",
        "Where should I store {var} for a {where} deployment, in an env file or in the platform's secrets?",
    ], {"var": ["DATABASE_URL", "API_KEY", "OPENAI_API_KEY", "SECRET_KEY"],
        "where": ["Docker", "GitHub Actions", "a Heroku", "Kubernetes"]}),
    ("en-api-key-docs", "code", "en", [
        "The docs say to pass the API key in the {loc}. Is that safe for a {app}?",
        "Our README shows an example API key like sk-test-1234. Should we {fix}?",
    ], {"loc": ["Authorization header", "query string", "request body"],
        "app": ["mobile app", "single page app", "backend cron job"],
        "fix": ["replace it with a placeholder", "rotate the real key just in case"]}),
    ("en-base64", "code", "en", [
        "How do I decode a base64 string like {s} in {lang}?",
        "I get 'Incorrect padding' when I base64-decode {s} in {lang}. What's wrong?",
    ], {"s": ["aGVsbG8gd29ybGQ=", "SGVsbG8=", "dGVzdA", "Zm9vYmFy"], "lang": ["Python", "JavaScript", "bash"]}),
    ("en-hex", "code", "en", [
        "How do I convert the hex string {h} to bytes in {lang}?",
        "Why does {lang} print {h} as lowercase hex? I need uppercase for the checksum.",
    ], {"h": ["0x48656c6c6f", "deadbeef", "ff00ff", "4a6f686e"], "lang": ["Python", "C", "Rust"]}),
    ("en-sudo", "code", "en", [
        "Why do I need sudo to {task} on Ubuntu? Is it bad practice to {alt}?",
        "'{err}' when I run {cmd}. Should I just use sudo?",
    ], {"task": ["install pip packages globally", "bind to port 80", "edit /etc/hosts"],
        "alt": ["run everything as root", "add my user to the docker group"],
        "err": ["Permission denied", "EACCES: permission denied", "Operation not permitted"],
        "cmd": ["npm install -g", "docker ps", "apt-get install"]}),
    ("en-root-user", "code", "en", [
        "Should my Docker container run as root? Our {tool} complains: '{msg}'.",
        "How do I switch from the root user to a normal user in a Dockerfile for {tool}?",
    ], {"tool": ["security scanner", "Kubernetes admission policy", "CI pipeline"],
        "msg": ["container is running as root", "runAsNonRoot is required"]}),
    ("en-system-prompt-build", "code", "en", [
        "How should I write the system prompt for my {bot}? It should {goal}.",
        "I'm building a {bot} with an LLM. What belongs in the system prompt and what in the user message? I want it to {goal}.",
        "Any tips for a system prompt for a {bot}? Right now it {problem}.",
    ], {"bot": ["support bot", "recipe assistant", "internal HR helper", "coding tutor"],
        "goal": ["answer only questions about our product", "stay friendly and short", "cite the docs it uses"],
        "problem": ["answers in a very long-winded way", "sometimes replies in the wrong language",
                    "forgets to ask for the order number"]}),
    ("en-prompt-eng", "code", "en", [
        "What's the difference between a system message and a developer message in the {api}?",
        "In {api}, does the system prompt count against the token limit? Our prompt is about {n} tokens.",
    ], {"api": ["OpenAI API", "Anthropic API", "Azure OpenAI", "a local Llama server"],
        "n": ["800", "2,000", "5,000"]}),
    ("en-config-override", "code", "en", [
        "How can I override {setting} in {tool} for a single {scope}?",
        "{tool}: is it possible to override {setting} per {scope} instead of globally?",
    ], {"setting": ["the default timeout", "the log level", "the base URL", "the retry policy"],
        "tool": ["Spring Boot", "pytest", "Terraform", "Helm"], "scope": ["environment", "test", "module"]}),
    ("en-ignore-lint", "code", "en", [
        "How do I tell {linter} to ignore {what}?",
        "Is it OK to ignore the {linter} warning '{warn}' in generated code?",
    ], {"linter": ["ESLint", "flake8", "clippy", "mypy"],
        "what": ["one line", "a whole file", "the migrations folder"],
        "warn": ["unused variable", "line too long", "missing docstring"]}),
    ("en-bypass-cache", "code", "en", [
        "How do I bypass the {cache} when testing {thing}? I keep seeing the old version.",
        "Is there a flag to bypass {cache} in {thing}?",
    ], {"cache": ["browser cache", "CDN cache", "Docker build cache", "npm cache"],
        "thing": ["my React app", "a static site", "the CI build"]}),
    ("en-error-quote", "code", "en", [
        "I get this error: \"{err}\". What does it mean?",
        "After upgrading, the logs say '{err}'. Where should I start looking?",
    ], {"err": ["Access denied for user 'root'@'localhost'", "fatal: refusing to merge unrelated histories",
                "Permission denied (publickey)", "ERROR: ignoring invalid distribution -ip",
                "warning: ignoring broken ref refs/remotes/origin/HEAD", "Instruction not supported on this CPU",
                "System.UnauthorizedAccessException: Access to the path is denied"]}),
    ("en-regex-instructions", "code", "en", [
        "How do I write a regex that matches {what} but ignores {except_}?",
        "Regex question: match {what}, ignore case, and skip {except_}.",
    ], {"what": ["email addresses", "dates like 2024-01-31", "hashtags", "words starting with 'sys'"],
        "except_": ["anything inside quotes", "lines starting with #", "URLs"]}),
    ("en-support-reset", "support_ticket", "en", [
        "Ticket #{n}: Customer reports the {dev} ignores the new settings after a reset. Firmware {fw}. Steps tried: {steps}.",
        "Hello support, my {dev} keeps ignoring the schedule I set. Firmware {fw}. I already {steps}.",
    ], {"n": ["48213", "50177", "61920"], "dev": ["smart thermostat", "robot vacuum", "router", "doorbell camera"],
        "fw": ["2.4.1", "3.0.0-beta", "1.9.7"], "steps": ["power cycled it", "reinstalled the app", "did a factory reset"]}),
    ("en-support-account", "support_ticket", "en", [
        "Hi, I need admin access to our team workspace because {why}. Can you transfer ownership to me? Thanks, {name}",
        "Could you remove the restrictions on my account? {why2} — {name}",
    ], {"why": ["the previous owner left the company", "our IT lead is on parental leave"],
        "why2": ["I verified my phone number yesterday.", "The payment issue is resolved now.",
                 "I was locked after too many login attempts."],
        "name": ["Jana", "Mike", "Aiko", "Rafael"]}),
    ("en-support-refund", "support_ticket", "en", [
        "Your chatbot told me to ignore the error and try again, but I was charged {n} times for order {o}. Please refund.",
        "I followed the instructions in your FAQ, but the {thing} still doesn't work. Order {o}.",
    ], {"n": ["two", "three"], "o": ["A-10293", "77-4410", "#55812"],
        "thing": ["discount code", "download link", "activation key"]}),
    ("en-secq-attackers", "security_question", "en", [
        "How do attackers use prompt injection against {target}, and how can we {defend}?",
        "For a training session: what are real examples of prompt injection against {target}? We want to {defend}.",
        "Is {defend2} enough to stop prompt injection in {target}?",
    ], {"target": ["customer support chatbots", "RAG systems", "email assistants", "coding agents"],
        "defend": ["detect it", "explain the risk to managers", "test our own app"],
        "defend2": ["input filtering", "a strict system prompt", "output validation"]}),
    ("en-secq-general", "security_question", "en", [
        "What is the difference between {a} and {b}?",
        "Can you explain {a} vs {b} for a security awareness course?",
    ], {"a": ["prompt injection", "jailbreaking", "data poisoning"],
        "b": ["SQL injection", "social engineering", "model extraction"]}),
    ("en-secq-owasp", "security_question", "en", [
        "Which OWASP Top 10 for LLM risk covers {risk}? I'm writing a {doc}.",
        "Our auditor asked how we mitigate {risk}. What controls are typical?",
    ], {"risk": ["system prompt leakage", "indirect prompt injection", "excessive agency", "sensitive information disclosure"],
        "doc": ["threat model", "risk register", "compliance report"]}),
    ("en-jb-discussion", "jailbreak_discussion", "en", [
        "I read an article about the 'DAN' jailbreak. Why did it work on early chatbots, and {q}",
        "Our team is discussing jailbreak attempts we saw in {where}. {q2}",
        "Why do vendors patch jailbreaks like role-play prompts so quickly? {q}",
    ], {"q": ["do they still work today?", "what changed in newer models?"],
        "where": ["our logs last month", "the public demo", "the beta test"],
        "q2": ["How should we categorise them in the incident report?", "Should we report them to the model vendor?",
               "What metrics should we track?"]}),
    ("en-jb-research", "jailbreak_discussion", "en", [
        "I'm writing a thesis chapter on {topic}. Which papers should I read first?",
        "Can you summarise the main findings of research on {topic} in a few bullet points?",
    ], {"topic": ["LLM jailbreak robustness", "red-teaming language models", "prompt injection benchmarks",
                  "guardrail evaluation"]}),
    ("en-jb-policy", "jailbreak_discussion", "en", [
        "Our acceptable use policy should mention attempts to bypass the AI assistant's safety rules. {q}",
        "How do other companies phrase the rule that employees must not try to jailbreak internal AI tools? {q}",
    ], {"q": ["Can you suggest neutral wording?", "Is one sentence enough?", "Should we give examples?"]}),
]
