"""1. Per call, sequential, non-streaming: medians over many calls, interleaved in rounds so
drift hits every subject alike; "over httpx" is the client cost on top of a raw httpx POST."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench_cases._common import (
    KEY,
    MESSAGES,
    MODEL,
    chat_aimlapi,
    have,
    litellm_module,
    noop_model_class,
    raw_in_langchain_class,
)
from bench_cases._report import Report, fmt
from bench_cases._settings import Settings


@dataclass
class Sync:
    name: str
    call: Callable[[], Any]


def sync_subjects(url: str) -> tuple[list[Sync], list[str]]:
    import httpx

    subjects: list[Sync] = []
    skipped: list[str] = []
    client = httpx.Client(headers={"Authorization": f"Bearer {KEY}"})
    body = {"model": MODEL, "messages": MESSAGES}
    chat_url = f"{url}/v1/chat/completions"

    def raw() -> Any:
        response = client.post(
            chat_url,
            content=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        return json.loads(response.content)

    subjects.append(Sync("raw httpx POST + json", raw))
    noop = noop_model_class()()
    subjects.append(Sync("no-op LangChain chat model", lambda: noop.invoke("Hello")))
    raw_lc = raw_in_langchain_class(raw)()
    subjects.append(
        Sync("raw httpx inside a no-op LangChain model", lambda: raw_lc.invoke("Hello"))
    )

    ours = chat_aimlapi(url)
    subjects.append(Sync("ChatAIMLAPI.invoke", lambda: ours.invoke("Hello")))
    if have("langchain_openai"):
        from langchain_openai import ChatOpenAI

        peer = ChatOpenAI(model=MODEL, api_key=KEY, base_url=f"{url}/v1")  # type: ignore[arg-type]
        subjects.append(Sync("ChatOpenAI(base_url).invoke", lambda: peer.invoke("Hello")))
    else:
        skipped.append("ChatOpenAI(base_url).invoke")
    if have("litellm"):
        litellm = litellm_module()

        def ours_litellm() -> Any:
            return litellm.completion(
                model=f"aimlapi/{MODEL}", messages=MESSAGES, api_key=KEY, api_base=url
            )

        def peer_litellm() -> Any:
            return litellm.completion(
                model=f"openai/{MODEL}", messages=MESSAGES, api_key=KEY, api_base=f"{url}/v1"
            )

        def noop_litellm() -> Any:
            return litellm.completion(model=f"benchnoop/{MODEL}", messages=MESSAGES)

        subjects.append(Sync("no-op LiteLLM CustomLLM", noop_litellm))
        subjects.append(Sync("litellm.completion aimlapi/", ours_litellm))
        subjects.append(Sync("litellm.completion openai/ + api_base", peer_litellm))
    else:
        skipped += [
            "no-op LiteLLM CustomLLM",
            "litellm.completion aimlapi/",
            "litellm.completion openai/ + api_base",
        ]
    return subjects, skipped


def measure_sync(
    subjects: list[Sync], rounds: int, per_round: int, warmup: int
) -> dict[str, float]:
    """Median µs per call; subjects interleaved in rounds."""
    for subject in subjects:
        for _ in range(warmup):
            subject.call()
    times: dict[str, list[float]] = {s.name: [] for s in subjects}
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for subject in subjects:
            call = subject.call
            bucket = times[subject.name]
            for _ in range(per_round):
                start = clock()
                call()
                bucket.append((clock() - start) / 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def measure_preflight(n: int) -> float:
    """Median µs of one ``preflight()`` call on a typical body (no HTTP)."""
    from aiml_integrations.catalog import preflight

    payload = {"model": MODEL, "messages": MESSAGES, "temperature": 0.2}
    for _ in range(200):
        preflight(payload)
    clock = time.perf_counter_ns
    samples = []
    for _ in range(n):
        start = clock()
        preflight(payload)
        samples.append((clock() - start) / 1000)
    return statistics.median(samples)


def run(url: str, settings: Settings, report: Report) -> None:
    subjects, skipped = sync_subjects(url)
    medians = measure_sync(subjects, settings.rounds, settings.per_round, settings.warmup)
    raw = medians["raw httpx POST + json"]
    noop = medians["no-op LangChain chat model"]
    openai_lc = medians.get("ChatOpenAI(base_url).invoke")
    litellm_openai = medians.get("litellm.completion openai/ + api_base")
    rows = []
    for name, median in medians.items():
        over = "-" if name.startswith(("raw", "no-op")) else fmt(median - raw)
        if name == "litellm.completion aimlapi/" and "no-op LiteLLM CustomLLM" in medians:
            floor = medians["no-op LiteLLM CustomLLM"]
            over += f" (floor+httpx {raw + floor:,.0f})"
        vs_peer = "-"
        if name == "ChatAIMLAPI.invoke" and openai_lc:
            vs_peer = f"{median / openai_lc:.2f}x ChatOpenAI"
        if name == "litellm.completion aimlapi/" and litellm_openai:
            vs_peer = f"{median / litellm_openai:.2f}x openai/"
        rows.append([name, fmt(median), f"{median / raw:.2f}x", over, vs_peer])
    rows += [[name, "skipped", "-", "-", "-"] for name in skipped]
    pre = measure_preflight(200 if settings.quick else 20_000)
    rows.append(["preflight() alone (no HTTP)", fmt(pre, 2), "-", "-", "-"])
    report.table(
        "Per call, sequential, non-streaming (median µs)",
        ["path", "median µs", "x raw httpx", "client µs over httpx", "vs peer"],
        rows,
    )
    ours = medians["ChatAIMLAPI.invoke"]
    if openai_lc:
        report.target(
            "ChatAIMLAPI <= 0.6x ChatOpenAI per call",
            ours <= 0.6 * openai_lc,
            f"{ours / openai_lc:.2f}x",
        )
    else:
        report.target("ChatAIMLAPI <= 0.6x ChatOpenAI per call", None, "peer not installed")
    budget = raw + noop + 60
    report.target(
        "ChatAIMLAPI within 60 µs of raw httpx + no-op chat model",
        ours <= budget,
        f"{ours:.0f} µs vs {raw:.0f} + {noop:.0f} = {raw + noop:.0f} µs "
        f"({ours - raw - noop:+.0f} µs)",
    )
    floor = medians["raw httpx inside a no-op LangChain model"]
    report.target(
        "(measured floor) ChatAIMLAPI within 60 µs of raw httpx inside a no-op LangChain model",
        ours <= floor + 60,
        f"{ours:.0f} µs vs {floor:.0f} µs ({ours - floor:+.0f} µs)",
    )
    if litellm_openai:
        ours_ll = medians["litellm.completion aimlapi/"]
        report.target(
            "aimlapi/ <= 0.9x litellm openai/ path",
            ours_ll <= 0.9 * litellm_openai,
            f"{ours_ll / litellm_openai:.2f}x",
        )
    else:
        report.target("aimlapi/ <= 0.9x litellm openai/ path", None, "litellm not installed")
