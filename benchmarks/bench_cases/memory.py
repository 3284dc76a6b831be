"""5. Memory: RSS growth over many calls, each subject in a fresh process."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench_cases._common import HERE, KEY, MESSAGES, MODEL, chat_aimlapi, have, litellm_module
from bench_cases._report import Report, fmt
from bench_cases._settings import Settings


def _rss_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory_worker(subject: str, url: str, calls: int) -> None:
    """Runs in a fresh process: RSS before/after ``calls`` calls, printed as JSON."""
    if subject == "ChatAIMLAPI":
        model = chat_aimlapi(url)

        def call() -> Any:
            return model.invoke("Hello")
    elif subject == "ChatOpenAI":
        from langchain_openai import ChatOpenAI

        peer = ChatOpenAI(model=MODEL, api_key=KEY, base_url=f"{url}/v1")  # type: ignore[arg-type]

        def call() -> Any:
            return peer.invoke("Hello")
    else:
        litellm = litellm_module()

        def call() -> Any:
            return litellm.completion(
                model=f"aimlapi/{MODEL}", messages=MESSAGES, api_key=KEY, api_base=url
            )

    for _ in range(min(500, calls)):
        call()
    gc.collect()
    before = _rss_kib()
    for _ in range(calls):
        call()
    gc.collect()
    after = _rss_kib()
    print(json.dumps({"before_kib": before, "after_kib": after}))


def measure_memory(subject: str, url: str, calls: int) -> float | None:
    out = subprocess.run(
        [
            sys.executable,
            os.path.join(HERE, "bench.py"),
            "--memory-worker",
            subject,
            "--url",
            url,
            "--calls",
            str(calls),
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-2000:])
        return None
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return float(data["after_kib"] - data["before_kib"]) / 1024


def run(url: str, settings: Settings, report: Report) -> None:
    quick = settings.quick
    mem_calls = settings.mem_calls
    rows = []
    mem_subjects = [
        subject
        for subject, needs in (
            ("ChatAIMLAPI", None),
            ("litellm aimlapi/", "litellm"),
            ("ChatOpenAI", "langchain_openai"),
        )
        if needs is None or have(needs)
    ]
    with ThreadPoolExecutor(max_workers=len(mem_subjects) if quick else 1) as pool:
        growths = list(pool.map(lambda s: measure_memory(s, url, mem_calls), mem_subjects))
    for subject in ("ChatAIMLAPI", "litellm aimlapi/", "ChatOpenAI"):
        if subject not in mem_subjects:
            rows.append([subject, "skipped"])
            continue
        growth = growths[mem_subjects.index(subject)]
        rows.append([subject, fmt(growth, 2)])
        if subject != "ChatOpenAI" and growth is not None:
            report.target(
                f"{subject} RSS growth over {mem_calls} calls < 10 MB",
                growth < 10,
                f"{growth:.2f} MB",
            )
    report.table(f"RSS growth over {mem_calls} calls (MB, after warm-up)", ["path", "MB"], rows)
