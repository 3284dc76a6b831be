"""3. Async concurrency: calls per second with many workers on one event loop."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench_cases._common import KEY, MESSAGES, MODEL, chat_aimlapi, have, litellm_module
from bench_cases._report import Report, fmt
from bench_cases._settings import Settings


def async_subjects(url: str) -> tuple[dict[str, Callable[[], Any]], list[str]]:
    """name -> factory returning (call, cleanup) inside the running loop."""
    skipped: list[str] = []

    def raw_factory() -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]:
        import httpx

        client = httpx.AsyncClient(
            headers={"Authorization": f"Bearer {KEY}"},
            limits=httpx.Limits(max_connections=1000, max_keepalive_connections=1000),
        )
        body = {"model": MODEL, "messages": MESSAGES}

        async def call() -> Any:
            response = await client.post(
                f"{url}/v1/chat/completions",
                content=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )
            return json.loads(response.content)

        return call, client.aclose

    def ours_factory() -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]:

        model = chat_aimlapi(url)

        async def cleanup() -> None:
            await model._get_client().aclose()

        return (lambda: model.ainvoke("Hello")), cleanup

    factories: dict[str, Callable[[], Any]] = {
        "raw httpx.AsyncClient": raw_factory,
        "ChatAIMLAPI.ainvoke": ours_factory,
    }
    if have("langchain_openai"):

        def peer_factory() -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]:
            from langchain_openai import ChatOpenAI

            model = ChatOpenAI(model=MODEL, api_key=KEY, base_url=f"{url}/v1")  # type: ignore[arg-type]

            async def cleanup() -> None:
                return None

            return (lambda: model.ainvoke("Hello")), cleanup

        factories["ChatOpenAI(base_url).ainvoke"] = peer_factory
    else:
        skipped.append("ChatOpenAI(base_url).ainvoke")
    if have("litellm"):
        litellm = litellm_module()

        def litellm_factory(
            prefix: str, base: str
        ) -> Callable[[], tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]]:
            def factory() -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]:
                async def cleanup() -> None:
                    return None

                return (
                    lambda: litellm.acompletion(
                        model=f"{prefix}/{MODEL}", messages=MESSAGES, api_key=KEY, api_base=base
                    )
                ), cleanup

            return factory

        factories["no-op LiteLLM CustomLLM (acompletion floor)"] = litellm_factory("benchnoop", url)
        factories["litellm.acompletion aimlapi/"] = litellm_factory("aimlapi", url)
        factories["litellm.acompletion openai/ + api_base"] = litellm_factory("openai", f"{url}/v1")
    else:
        skipped += [
            "no-op LiteLLM CustomLLM (acompletion floor)",
            "litellm.acompletion aimlapi/",
            "litellm.acompletion openai/ + api_base",
        ]
    return factories, skipped


def measure_async(factory: Callable[[], Any], concurrency: int, total: int) -> float:
    """Calls per second with ``concurrency`` workers sharing ``total`` calls."""

    async def run() -> float:
        call, cleanup = factory()

        async def worker(count: int) -> None:
            for _ in range(count):
                await call()

        # warm-up: open the connections
        await asyncio.gather(*(worker(1) for _ in range(concurrency)))
        each = max(1, total // concurrency)
        start = time.perf_counter()
        await asyncio.gather(*(worker(each) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
        await cleanup()
        return each * concurrency / elapsed

    return asyncio.run(run())


def run(url: str, settings: Settings, report: Report) -> None:
    concurrency = settings.concurrency
    async_total = settings.async_total
    factories, skipped = async_subjects(url)
    throughput = {name: measure_async(f, concurrency, async_total) for name, f in factories.items()}
    raw_rate = throughput["raw httpx.AsyncClient"]
    rows = [[name, fmt(rate), f"{rate / raw_rate:.2f}x"] for name, rate in throughput.items()]
    rows += [[name, "skipped", "-"] for name in skipped]
    report.table(
        f"Async, {concurrency}-way concurrency (calls/s)",
        ["path", "calls/s", "x raw httpx"],
        rows,
    )
    for name in ("ChatAIMLAPI.ainvoke", "litellm.acompletion aimlapi/"):
        if name in throughput:
            rate = throughput[name]
            report.target(
                f"{name} throughput >= 0.8x raw httpx",
                rate >= 0.8 * raw_rate,
                f"{rate / raw_rate:.2f}x",
            )
