"""The benchmark script runs end to end (``--quick``) and prints every table row.

No timing assertions: the numbers of a quick run mean nothing; this only keeps the script
from rotting.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench.py"

ROWS = [
    "raw httpx POST + json",
    "no-op LangChain chat model",
    "raw httpx inside a no-op LangChain model",
    "ChatAIMLAPI.invoke",
    "ChatOpenAI(base_url).invoke",
    "no-op LiteLLM CustomLLM",
    "litellm.completion aimlapi/",
    "litellm.completion openai/ + api_base",
    "preflight() alone (no HTTP)",
    "raw httpx SSE + json",
    "ChatAIMLAPI.stream",
    "ChatOpenAI(base_url).stream",
    "raw httpx.AsyncClient",
    "ChatAIMLAPI.ainvoke",
    "litellm.acompletion aimlapi/",
    "import aiml_integrations.langchain",
    "import aiml_integrations.litellm",
    "import langchain_openai",
    "import litellm",
    "AIMLAPIEmbeddings.embed_documents",
    "AIMLAPIEmbeddings (encoding_format=float)",
    "OpenAIEmbeddings.embed_documents",
    "## Targets",
]


def test_quick_run_prints_every_row() -> None:
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    for row in ROWS:
        assert f"| {row} |" in out.stdout or row in out.stdout, row
    # A missing peer is shown as "skipped", never silently left out.
    if importlib.util.find_spec("langchain_openai") is None:
        assert "| ChatOpenAI(base_url).invoke | skipped |" in out.stdout
    assert "Traceback" not in out.stdout
