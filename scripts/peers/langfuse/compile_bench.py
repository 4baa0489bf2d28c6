#!/usr/bin/env python3
"""Peer for benches/prompts.rs (`prompts/resolve+render/mustache`): the Langfuse Python SDK
compiling the same 3-message chat prompt (system, assistant, user; the text of the `MUSTACHE`
constant, read from benches/prompts.rs), entirely offline, no Langfuse server.

Run by hand from the repository root:

    python3 -m venv /tmp/lf-venv
    /tmp/lf-venv/bin/pip install langfuse==5.0.4 chevron==0.14.0 pystache==0.6.8
    /tmp/lf-venv/bin/python scripts/peers/langfuse/compile_bench.py

chevron and pystache are optional (their rows are skipped when not importable). Cases, each
timed with `timeit` (GC off, as timeit does), median and min of REPEATS repeats per call:

- `compile`: `ChatPromptClient.compile(**vars)` on a client built beforehand;
- `get_prompt (cache hit)`: `Langfuse.get_prompt(name, type="chat")` served from the SDK's
  in-process prompt cache, pre-filled with the client (what `get_prompt` stores after a fetch);
- `get_prompt + compile`: the two together, Langfuse's counterpart of our resolve + render;
- `parse + compile`: the cache-miss path less the HTTP request: parse the API's JSON into
  `Prompt` (pydantic, as the SDK's API client does), build the `ChatPromptClient`, compile;
- `chevron` / `pystache`: plain mustache render of the three templates (pre-tokenized/parsed).

Every path's output is checked before and after timing (roles, every value substituted, no
placeholder left), and each timed call asserts three messages, so a broken path cannot look
fast. The Langfuse client points at 127.0.0.1:9 with tracing off, and its fetch is replaced by
a function that fails the run if it is ever called. Writes results.json next to this script.
"""

import json
import os
import platform
import re
import statistics
import sys
import time
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "..", "..", "benches", "prompts.rs")
REPEATS = 40
TARGET_S = 0.015  # wall time of one repeat
VARS = {
    "company": "ACME",
    "section": "4.2",
    "order": "A-1729",
    "problem": "the box was crushed and the glass cracked.",
    # our prompt declares `default: {tone: calm}`; Langfuse has no defaults, so it is passed
    "tone": "calm",
}
ROLES = ["system", "assistant", "user"]


def messages_from_bench():
    """The three messages of benches/prompts.rs's MUSTACHE, split and trimmed as ours are."""
    src = open(BENCH, encoding="utf-8").read()
    m = re.search(r'const MUSTACHE: &str = r#"(.*?)"#;', src, re.S)
    assert m, "MUSTACHE not found in benches/prompts.rs"
    body = m.group(1).split("\n---\n", 1)[1]  # after the front matter
    parts = re.split(r'\{\{role "(\w+)"\}\}', body)
    assert parts[0].strip() == "", parts[0]
    msgs = [{"role": r, "content": t.strip()} for r, t in zip(parts[1::2], parts[2::2])]
    assert [x["role"] for x in msgs] == ROLES, msgs
    return msgs


def check(msgs):
    """The compiled messages: roles, every value in, no placeholder left, ~880 bytes."""
    assert [x["role"] for x in msgs] == ROLES, msgs
    text = [x["content"] for x in msgs]
    assert all("{{" not in t and "}}" not in t for t in text), text
    assert text[0].count("ACME") == 3 and "(4.2)" in text[0] and "calm tone" in text[0], text[0]
    assert text[2].count("My order A-1729 arrived damaged; the box was crushed and the glass cracked.") == 4
    size = sum(len(t.encode()) for t in text)
    assert size > 850, size
    return size


def bench(fn):
    t = timeit.Timer(fn)
    number = max(1, int(TARGET_S / max(t.timeit(200) / 200, 1e-9)))
    t.timeit(number)  # warm-up
    cpu0 = time.thread_time()
    runs = t.repeat(repeat=REPEATS, number=number)
    cpu = time.thread_time() - cpu0
    per = sorted(r / number * 1e6 for r in runs)
    return {
        "median_us": round(statistics.median(per), 3),
        "min_us": round(per[0], 3),
        "max_us": round(per[-1], 3),
        "cpu_mean_us": round(cpu / (REPEATS * number) * 1e6, 3),
        "calls": REPEATS * number,
    }


def cpu_model():
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    import langfuse
    from langfuse import Langfuse
    from langfuse.api import Prompt
    from langfuse.api.core.pydantic_utilities import parse_obj_as
    from langfuse.model import ChatPromptClient
    from langfuse._utils.prompt_cache import PromptCache

    msgs = messages_from_bench()
    # the JSON a Langfuse server returns for GET /api/public/v2/prompts/support
    api_json = {
        "type": "chat",
        "name": "support",
        "version": 1,
        "config": {"model": "scripted/bench", "temperature": 0.2, "max_tokens": 300},
        "labels": ["production", "latest"],
        "tags": [],
        "commitMessage": None,
        "prompt": [{"type": "chatmessage", **x} for x in msgs],
    }
    prompt_model = parse_obj_as(type_=Prompt, object_=api_json)
    client = ChatPromptClient(prompt_model)
    want = ["company", "tone", "section", "company", "company"] + ["order", "problem"] * 4
    assert client.variables == want, client.variables
    size = check(client.compile(**VARS))

    fetches = []

    def no_fetch(*args, **kwargs):
        fetches.append((args, kwargs))
        raise RuntimeError("offline bench: get_prompt tried to fetch from a server")

    lf = Langfuse(public_key="pk-lf-offline", secret_key="sk-lf-offline",
                  base_url="http://127.0.0.1:9", tracing_enabled=False)
    lf._fetch_prompt_and_update_cache = no_fetch
    key = PromptCache.generate_cache_key("support", version=None, label=None)
    lf._resources.prompt_cache.set(key, client, ttl_seconds=3600)
    assert lf.get_prompt("support", type="chat") is client
    check(lf.get_prompt("support", type="chat").compile(**VARS))

    def compile_only():
        m = client.compile(**VARS)
        assert len(m) == 3
        return m

    def get_cached():
        p = lf.get_prompt("support", type="chat")
        assert p is client
        return p

    def get_and_compile():
        m = lf.get_prompt("support", type="chat").compile(**VARS)
        assert len(m) == 3
        return m

    def parse_and_compile():
        m = ChatPromptClient(parse_obj_as(type_=Prompt, object_=api_json)).compile(**VARS)
        assert len(m) == 3
        return m

    cases = {}
    cases["langfuse/compile"] = bench(compile_only)
    cases["langfuse/get_prompt (cache hit)"] = bench(get_cached)
    cases["langfuse/get_prompt + compile"] = bench(get_and_compile)
    cases["langfuse/parse + compile (cache miss, no HTTP)"] = bench(parse_and_compile)
    for fn in (compile_only, get_and_compile, parse_and_compile):
        check(fn())
    assert not fetches, fetches

    versions = {"langfuse": langfuse.__version__}
    try:
        import pydantic

        versions["pydantic"] = pydantic.VERSION
    except ImportError:
        pass

    try:
        import chevron
        from chevron.tokenizer import tokenize
        from importlib.metadata import version

        toks = [list(tokenize(x["content"])) for x in msgs]

        def chevron_render():
            # render() consumes a token list without re-tokenizing
            m = [{"role": x["role"], "content": chevron.render(t, VARS)} for x, t in zip(msgs, toks)]
            assert len(m) == 3
            return m

        check(chevron_render())
        cases["chevron/render (pre-tokenized)"] = bench(chevron_render)
        check(chevron_render())
        versions["chevron"] = version("chevron")
    except ImportError:
        print("chevron not installed: skipped")

    try:
        import pystache

        renderer = pystache.Renderer()
        parsed = [pystache.parse(x["content"]) for x in msgs]

        def pystache_render():
            m = [{"role": x["role"], "content": renderer.render(p, VARS)} for x, p in zip(msgs, parsed)]
            assert len(m) == 3
            return m

        check(pystache_render())
        cases["pystache/render (pre-parsed)"] = bench(pystache_render)
        check(pystache_render())
        versions["pystache"] = pystache.__version__
    except ImportError:
        print("pystache not installed: skipped")

    lf.shutdown()

    out = {
        "what": "3-message chat prompt of benches/prompts.rs (MUSTACHE), compiled with 5 variables",
        "rendered_bytes": size,
        "timing": f"timeit, GC off, {REPEATS} repeats of ~{TARGET_S * 1e3:.0f} ms; per call",
        "machine": {
            "cpu": cpu_model(),
            "cpus": os.cpu_count(),
            "loadavg_at_start": LOAD,
            "loadavg_at_end": list(os.getloadavg()),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "versions": versions,
        "cases": cases,
        "ours": "cargo bench --bench prompts -> prompts/resolve+render/mustache (not run here)",
    }
    with open(os.path.join(HERE, "results.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
        f.write("\n")

    print(f"Python {platform.python_version()}, " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    print(f"{'case':<48} {'median µs':>10} {'min µs':>8} {'cpu µs':>8}")
    for name, r in cases.items():
        print(f"{name:<48} {r['median_us']:>10.2f} {r['min_us']:>8.2f} {r['cpu_mean_us']:>8.2f}")


if __name__ == "__main__":
    LOAD = list(os.getloadavg())
    sys.exit(main())
