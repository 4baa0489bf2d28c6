"""A stand-in OpenAI-compatible upstream: answers POST /v1/chat/completions at once with a
fixed recorded body (llmops-core/tests/fixtures/openai/chat_response.json), keep-alive on.

Both sides of the comparison (LiteLLM and llmops) call this same server, so its cost is the
same on both sides and cancels out of every "added" figure.

    python upstream.py [--port 8011] [--body PATH]
"""

import argparse
import asyncio
import pathlib

from aiohttp import web

ROOT = pathlib.Path(__file__).resolve().parents[3]
DEFAULT_BODY = ROOT / "llmops-core/tests/fixtures/openai/chat_response.json"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8011)
    ap.add_argument("--body", default=str(DEFAULT_BODY))
    args = ap.parse_args()
    body = pathlib.Path(args.body).read_bytes()

    async def chat(request: web.Request) -> web.Response:
        await request.read()  # drain the request body, as a real server would
        return web.Response(body=body, content_type="application/json")

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    try:
        import uvloop  # installed with litellm[proxy]; the proxy's uvicorn runs on it too

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    app = web.Application()
    app.router.add_post("/v1/chat/completions", chat)
    app.router.add_get("/health", health)
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
