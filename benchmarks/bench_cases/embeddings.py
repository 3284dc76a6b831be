"""6. Bulk embeddings: ``embed_documents`` of many texts in one request, against the peer.

What dominates here is reading the answer, not the client overhead: 1,000 vectors of 1,536
floats are about 30 MB of JSON floats, or 8 MB of base64 float32. ``AIMLAPIEmbeddings`` asks for
base64 and decodes it with the standard library; ``OpenAIEmbeddings`` (the openai SDK) asks for
base64 too and decodes with numpy when it is installed. The float row shows what asking for JSON
floats costs. Rounds are interleaved so drift hits every subject alike.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from bench_cases._common import KEY, have
from bench_cases._report import Report, fmt
from bench_cases._settings import Settings

OURS = "AIMLAPIEmbeddings.embed_documents"
OURS_FLOATS = "AIMLAPIEmbeddings (encoding_format=float)"
PEER = "OpenAIEmbeddings.embed_documents"
_MODEL = "text-embedding-3-small"


def embedding_subjects(url: str) -> tuple[dict[str, Callable[[list[str]], Any]], list[str]]:
    from aiml_integrations.langchain import AIMLAPIEmbeddings

    ours = AIMLAPIEmbeddings(model=_MODEL, api_key=KEY, base_url=url)
    floats = AIMLAPIEmbeddings(
        model=_MODEL, api_key=KEY, base_url=url, model_kwargs={"encoding_format": "float"}
    )
    subjects: dict[str, Callable[[list[str]], Any]] = {
        OURS: ours.embed_documents,
        OURS_FLOATS: floats.embed_documents,
    }
    skipped: list[str] = []
    if have("langchain_openai"):
        from langchain_openai import OpenAIEmbeddings

        # check_embedding_ctx_length=False: send the texts as strings, as we do (the default
        # tokenizes with tiktoken first, which needs its encodings downloaded).
        peer = OpenAIEmbeddings(
            model=_MODEL,
            api_key=KEY,  # type: ignore[arg-type]
            base_url=f"{url}/v1",
            check_embedding_ctx_length=False,
        )
        subjects[PEER] = peer.embed_documents
    else:
        skipped.append(PEER)
    return subjects, skipped


def run(url: str, settings: Settings, report: Report) -> None:
    texts = [
        f"document {i}: a short paragraph about nothing in particular"
        for i in range(settings.embed_texts)
    ]
    subjects, skipped = embedding_subjects(url)
    times: dict[str, list[float]] = {name: [] for name in subjects}
    for embed in subjects.values():
        embed(texts)  # warm-up: connection, and the server builds its answer once
    for _ in range(settings.embed_rounds):
        for name, embed in subjects.items():
            start = time.perf_counter()
            vectors = embed(texts)
            times[name].append((time.perf_counter() - start) * 1000)
            if len(vectors) != len(texts) or len(vectors[0]) != 1536:
                raise RuntimeError(f"{name} returned the wrong shape")
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    peer = medians.get(PEER)
    rows = [
        [name, fmt(ms, 1), f"{ms / peer:.2f}x" if peer else "-"] for name, ms in medians.items()
    ]
    rows += [[name, "skipped", "-"] for name in skipped]
    report.table(
        f"Embeddings, {settings.embed_texts} texts x 1,536 dims in one request (median ms)",
        ["path", "ms", "x OpenAIEmbeddings"],
        rows,
    )
    label = "AIMLAPIEmbeddings no slower than OpenAIEmbeddings (bulk)"
    if peer is None:
        report.target(label, None, "peer not installed")
    else:
        ratio = medians[OURS] / peer
        report.target(label, ratio <= 1.0, f"{ratio:.2f}x ({fmt(medians[OURS], 1)} ms)")
