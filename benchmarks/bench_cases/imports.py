"""4. Import time in a fresh interpreter (median of several), and whether litellm / openai get
loaded: the LangChain path must load neither."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from bench_cases._report import Report, fmt
from bench_cases._settings import Settings

IMPORTS = [
    ("import aiml_integrations", "import aiml_integrations"),
    ("import aiml_integrations.langchain", "import aiml_integrations.langchain"),
    (
        "from aiml_integrations.langchain import ChatAIMLAPI",
        "from aiml_integrations.langchain import ChatAIMLAPI",
    ),
    ("import aiml_integrations.litellm", "import aiml_integrations.litellm"),
    (
        "floor: from langchain_core.language_models import BaseChatModel",
        "from langchain_core.language_models import BaseChatModel",
    ),
    ("import langchain_openai", "import langchain_openai"),
    ("import litellm", "import litellm"),
]

_IMPORT_PROBE = (
    "import time, sys\n"
    "t = time.perf_counter()\n"
    "{stmt}\n"
    "d = time.perf_counter() - t\n"
    "print(d, 'litellm' in sys.modules, 'openai' in sys.modules)\n"
)


def measure_import(stmt: str, repeats: int) -> tuple[float, bool, bool] | None:
    samples = []
    flags = (False, False)
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT_PROBE.format(stmt=stmt)],
            capture_output=True,
            text=True,
            env={**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"},
        )
        if out.returncode != 0:
            return None
        seconds, has_litellm, has_openai = out.stdout.split()
        samples.append(float(seconds) * 1000)
        flags = (has_litellm == "True", has_openai == "True")
    return statistics.median(samples), flags[0], flags[1]


def run(url: str, settings: Settings, report: Report) -> None:
    quick = settings.quick
    import_repeats = settings.import_repeats
    rows = []
    times: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=len(IMPORTS) if quick else 1) as pool:
        results = list(pool.map(lambda item: measure_import(item[1], import_repeats), IMPORTS))
    for (label, _stmt), result in zip(IMPORTS, results, strict=True):
        if result is None:
            rows.append([label, "skipped", "-", "-"])
            continue
        ms, has_litellm, has_openai = result
        times[label] = ms
        rows.append([label, fmt(ms), "yes" if has_litellm else "no", "yes" if has_openai else "no"])
    peer_import = times.get("import langchain_openai")
    if peer_import:
        rows = [[*r, f"{times[r[0]] / peer_import:.2f}x" if r[0] in times else "-"] for r in rows]
    else:
        rows = [[*r, "-"] for r in rows]
    report.table(
        "Import time, fresh interpreter (median ms)",
        ["statement", "ms", "litellm loaded", "openai loaded", "x import langchain_openai"],
        rows,
    )
    lc = times.get("import aiml_integrations.langchain")
    if peer_import and lc is not None:
        report.target(
            "import aiml_integrations.langchain <= 0.25x import langchain_openai",
            lc <= 0.25 * peer_import,
            f"{lc / peer_import:.2f}x",
        )
        full = times.get("from aiml_integrations.langchain import ChatAIMLAPI")
        if full is not None:
            report.target(
                "(for reference) from aiml_integrations.langchain import ChatAIMLAPI "
                "<= 0.25x import langchain_openai",
                full <= 0.25 * peer_import,
                f"{full / peer_import:.2f}x",
            )
