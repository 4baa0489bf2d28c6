"""LiteLLM as a library, in-process, against the stand-in upstream (case c of README.md).

Compares, in one asyncio process, each request with a unique prompt (cache misses):
- `sdk_bare`: `openai.AsyncOpenAI(base_url=upstream).chat.completions.create(...)`;
- `httpx_bare`: a bare `httpx.AsyncClient.post` of the same JSON body;
- `litellm_router`: `litellm.Router(...).acompletion(...)` with the features comparable to
  llmops' layers: a fallback group, in-memory response cache (misses), a provider budget
  (in-memory), `litellm.max_budget`, cost tracking (response_cost on every response).

Sequential (concurrency 1), then concurrency C; the cases alternate in rounds. Prints JSON:
latency percentiles, requests/s, and CPU µs per request of this process (all its threads:
LiteLLM's logging runs partly in background tasks and threads after a call returns) and,
with --upstream-pid, of the upstream.

    python bench_library.py --upstream http://127.0.0.1:8011/v1 [--n 2000] [--warmup 200] [--upstream-pid PID]
"""

import argparse
import asyncio
import itertools
import json
import os
import time

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_LOG", "ERROR")

import httpx  # noqa: E402
import litellm  # noqa: E402
import openai  # noqa: E402

SYSTEM = "You are a helpful assistant."
MODEL = "gpt-4o-mini"
_counter = itertools.count()


def messages():
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Hello! (library request {next(_counter)})"},
    ]


def percentile(sorted_ns, q):
    if not sorted_ns:
        return 0.0
    rank = min(max(int(-(-q * len(sorted_ns) // 1)), 1), len(sorted_ns))
    return sorted_ns[rank - 1] / 1000.0


def summary(lat, wall):
    lat = sorted(lat)
    r = lambda x: round(x, 1)  # noqa: E731
    return {
        "n": len(lat),
        "p50_us": r(percentile(lat, 0.50)),
        "p90_us": r(percentile(lat, 0.90)),
        "p99_us": r(percentile(lat, 0.99)),
        "mean_us": r(sum(lat) / max(len(lat), 1) / 1000.0),
        "rps": r(len(lat) / wall),
    }


def minus(a, b):
    keys = ("p50_us", "p90_us", "p99_us", "mean_us", "cpu_us_per_request_client")
    return {k: round(a[k] - b[k], 1) for k in keys if k in a and k in b}


def cpu_ns(pid):
    """CPU time (every thread) of process `pid` so far, from /proc (Linux), else None."""
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
    except OSError:
        return None
    return total


async def run(call, n, concurrency):
    lat = []
    it = iter(range(n))

    async def worker():
        for _ in it:
            t = time.perf_counter_ns()
            await call()
            lat.append(time.perf_counter_ns() - t)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return lat, time.perf_counter() - start


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", default="http://127.0.0.1:8011/v1")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--upstream-pid", default=None)
    args = ap.parse_args()
    up = args.upstream.rstrip("/")

    sdk = openai.AsyncOpenAI(base_url=up, api_key="sk-upstream", max_retries=0)
    hx = httpx.AsyncClient(base_url=up, headers={"authorization": "Bearer sk-upstream"})

    async def sdk_bare():
        r = await sdk.chat.completions.create(
            model=MODEL, messages=messages(), temperature=0, max_tokens=256
        )
        assert r.choices[0].message.content

    async def httpx_bare():
        r = await hx.post(
            "/chat/completions",
            json={"model": MODEL, "messages": messages(), "temperature": 0, "max_tokens": 256},
        )
        r.raise_for_status()
        assert r.json()["choices"][0]["message"]["content"]

    litellm.suppress_debug_info = True
    # the SDK's global budget; see README.md: its counter does not move for chat completions
    litellm.max_budget = 1_000_000.0
    params = {"api_base": up, "api_key": "sk-upstream"}
    router = litellm.Router(
        model_list=[
            {"model_name": "chat", "litellm_params": {"model": f"openai/{MODEL}", **params}},
            {"model_name": "fallback", "litellm_params": {"model": "openai/gpt-4o", **params}},
        ],
        fallbacks=[{"chat": ["fallback"]}],
        num_retries=2,
        cache_responses=True,  # litellm.cache = Cache(type="local"): in-memory
        provider_budget_config={"openai": {"budget_limit": 1_000_000, "time_period": "1d"}},
    )
    costs = {"known": 0, "unknown": 0, "total": 0.0, "cache_hits": 0}

    async def litellm_router():
        r = await router.acompletion(
            model="chat", messages=messages(), temperature=0, max_tokens=256
        )
        assert r.choices[0].message.content
        cost = r._hidden_params.get("response_cost")
        if cost is None:
            costs["unknown"] += 1
        else:
            costs["known"] += 1
            costs["total"] += cost
        if r._hidden_params.get("cache_hit"):
            costs["cache_hits"] += 1

    cases = {"sdk_bare": sdk_bare, "httpx_bare": httpx_bare, "litellm_router": litellm_router}
    for call in cases.values():
        await run(call, args.warmup, 1)
    out = {}
    for c in (1, args.concurrency):
        per_round = -(-args.n // args.rounds)
        lat = {k: [] for k in cases}
        wall = dict.fromkeys(cases, 0.0)
        cpu = {k: [0, 0] for k in cases}  # this process (every thread), the upstream
        for _ in range(args.rounds):
            for name, call in cases.items():
                before = (time.process_time_ns(), cpu_ns(args.upstream_pid))
                ls, w = await run(call, per_round, c)
                after = (time.process_time_ns(), cpu_ns(args.upstream_pid))
                lat[name] += ls
                wall[name] += w
                cpu[name][0] += after[0] - before[0]
                if before[1] is not None and after[1] is not None:
                    cpu[name][1] += after[1] - before[1]
        figs = {}
        for k in cases:
            figs[k] = summary(lat[k], wall[k])
            n = max(len(lat[k]), 1)
            figs[k]["cpu_us_per_request_client"] = round(cpu[k][0] / n / 1000, 1)
            if args.upstream_pid:
                figs[k]["cpu_us_per_request_upstream"] = round(cpu[k][1] / n / 1000, 1)
        figs["added"] = {
            "litellm_router_minus_sdk_bare": minus(figs["litellm_router"], figs["sdk_bare"]),
            "litellm_router_minus_httpx_bare": minus(figs["litellm_router"], figs["httpx_bare"]),
        }
        out[f"concurrency_{c}"] = figs
    await asyncio.sleep(1)  # let LiteLLM's background logging finish before reading counters
    cache = getattr(litellm.cache, "cache", None)
    out["layers_check"] = {
        "responses_with_cost": costs["known"],
        "responses_without_cost": costs["unknown"],
        "cost_usd_sum": round(costs["total"], 6),
        "cache_hits": costs["cache_hits"],
        "cache_entries": len(getattr(cache, "cache_dict", {}) or {}),
        "sdk_max_budget_counter": litellm._current_cost,
    }
    out["options"] = vars(args)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
