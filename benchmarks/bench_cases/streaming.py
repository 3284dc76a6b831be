"""2. Streaming: time to first content chunk and total, for a long SSE stream."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

from bench_cases._common import KEY, MESSAGES, MODEL, chat_aimlapi, have
from bench_cases._report import Report, fmt
from bench_cases._settings import Settings


def stream_subjects(url: str) -> tuple[dict[str, Callable[[], Iterator[Any]]], list[str]]:
    import httpx

    client = httpx.Client(headers={"Authorization": f"Bearer {KEY}"})
    body = json.dumps({"model": MODEL, "messages": MESSAGES, "stream": True}).encode()

    def raw() -> Iterator[Any]:
        with client.stream(
            "POST",
            f"{url}/v1/chat/completions",
            content=body,
            headers={"Content-Type": "application/json"},
        ) as response:
            for line in response.iter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data == "[DONE]":
                        return
                    event = json.loads(data)
                    for choice in event.get("choices") or ():
                        if (choice.get("delta") or {}).get("content"):
                            yield event

    subjects: dict[str, Callable[[], Iterator[Any]]] = {"raw httpx SSE + json": raw}
    skipped: list[str] = []

    ours = chat_aimlapi(url)
    subjects["ChatAIMLAPI.stream"] = lambda: ours.stream("Hello")
    if have("langchain_openai"):
        from langchain_openai import ChatOpenAI

        peer = ChatOpenAI(model=MODEL, api_key=KEY, base_url=f"{url}/v1")  # type: ignore[arg-type]
        subjects["ChatOpenAI(base_url).stream"] = lambda: peer.stream("Hello")
    else:
        skipped.append("ChatOpenAI(base_url).stream")
    return subjects, skipped


def measure_streams(
    subjects: dict[str, Callable[[], Iterator[Any]]], rounds: int, warmup: int
) -> dict[str, tuple[float, float, int]]:
    """Median (µs to first content chunk, µs total, chunks seen) per subject."""
    results: dict[str, tuple[list[float], list[float], int]] = {n: ([], [], 0) for n in subjects}
    for make in subjects.values():
        for _ in range(warmup):
            for _chunk in make():
                pass
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for name, make in subjects.items():
            start = clock()
            first = None
            count = 0
            for _chunk in make():
                if first is None:
                    first = clock()
                count += 1
            end = clock()
            ttft, total, _ = results[name]
            ttft.append(((first or end) - start) / 1000)
            total.append((end - start) / 1000)
            results[name] = (ttft, total, count)
    return {n: (statistics.median(a), statistics.median(b), c) for n, (a, b, c) in results.items()}


def run(url: str, settings: Settings, report: Report) -> None:
    chunks = settings.chunks
    streams, skipped = stream_subjects(url)
    stream_medians = measure_streams(streams, settings.stream_rounds, settings.stream_warmup)
    raw_ttft, raw_total, _ = stream_medians["raw httpx SSE + json"]
    rows = [
        [
            name,
            fmt(ttft),
            f"{ttft / raw_ttft:.2f}x",
            fmt(total),
            f"{total / raw_total:.2f}x",
            str(count),
        ]
        for name, (ttft, total, count) in stream_medians.items()
    ]
    rows += [[name, "skipped", "-", "-", "-", "-"] for name in skipped]
    report.table(
        f"Streaming, {chunks} chunks (median µs)",
        ["path", "first token µs", "x raw", "total µs", "x raw", "chunks"],
        rows,
    )
