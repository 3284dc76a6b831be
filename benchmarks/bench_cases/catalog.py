"""6. The cost of the full catalog: ``register()`` into LiteLLM, and import + first call.

Why measured: the catalog grew from ~70 to ~800 models; registration runs at import of a
user's LiteLLM setup and on the Proxy's start, so it must stay cheap (target: under 50 ms).
Each figure is the median of fresh interpreters, so nothing is warm from an earlier case.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys

from bench_cases._common import KEY, MESSAGES, MODEL
from bench_cases._report import Report, fmt
from bench_cases._settings import Settings

# ``import aiml_integrations.litellm`` already registers the bundled catalog, so a second
# ``register()`` of that catalog is the no-op check. The first registration is measured on a
# copy of the catalog (a new ``Catalog`` object, never registered), which does the full work.
_PROBE = """
import time, sys
t0 = time.perf_counter()
import litellm
t1 = time.perf_counter()
import aiml_integrations.litellm
from aiml_integrations.catalog import Catalog, default_catalog
from aiml_integrations.litellm import register
t2 = time.perf_counter()
catalog = default_catalog()
copy = Catalog(list(catalog))
t3 = time.perf_counter()
register(catalog=copy)
t4 = time.perf_counter()
register(catalog=copy)
t5 = time.perf_counter()
litellm.completion(model="aimlapi/{model}", messages={messages!r}, api_key="{key}",
                   api_base="{url}", num_retries=0)
t6 = time.perf_counter()
print(len(catalog), (t2 - t1) * 1e3, (t3 - t2) * 1e3, (t4 - t3) * 1e3, (t5 - t4) * 1e3,
      (t6 - t0) * 1e3)
"""


def _sample(url: str) -> list[float] | None:
    code = _PROBE.format(model=MODEL, messages=MESSAGES, key=KEY, url=url)
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"},
        check=False,
    )
    if out.returncode != 0:
        return None
    return [float(v) for v in out.stdout.split()[-6:]]


def run(url: str, settings: Settings, report: Report) -> None:
    samples = [s for s in (_sample(url) for _ in range(1 if settings.quick else 5)) if s]
    if not samples:
        report.table("Catalog cost (fresh interpreter, median ms)", ["measure", "ms"], [])
        return
    models = int(samples[0][0])
    adapter, copy, first, again, total = (
        statistics.median(s[i] for s in samples) for i in range(1, 6)
    )
    report.table(
        f"Catalog cost: {models} models (fresh interpreter, median ms)",
        ["measure", "ms"],
        [
            ["import aiml_integrations.litellm (registers the bundled catalog)", fmt(adapter, 1)],
            ["load bundled catalog (default_catalog) + copy", fmt(copy, 1)],
            ["register() of a catalog not yet registered", fmt(first, 1)],
            ["register() again (no-op check)", fmt(again, 2)],
            ["import litellm + catalog + register + first completion", fmt(total)],
        ],
    )
    report.target("register() with the full catalog < 50 ms", first < 50, f"{first:.1f} ms")
