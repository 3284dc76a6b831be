"""``aiml_integrations.litellm.proxy``: what a LiteLLM Proxy config names as the handler.

Why a subprocess: the point is what a *fresh* process gets from importing the module the way
the Proxy does (``importlib`` by dotted path), without anyone calling ``register()``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

_PROBE = """
import importlib, json, litellm
module = importlib.import_module("aiml_integrations.litellm.proxy")
import aiml_integrations.litellm._registry as plain
info = litellm.get_model_info("aimlapi/openai/gpt-4o")
alias = litellm.get_model_info("aimlapi/gpt-4o")
print(json.dumps({
    "same_handler": module.handler is plain.handler,
    "max_input_tokens": info.get("max_input_tokens"),
    "alias_max_input_tokens": alias.get("max_input_tokens"),
    "tools": litellm.supports_function_calling("aimlapi/openai/gpt-4o"),
    "provider_map": [e.get("provider") for e in litellm.custom_provider_map],
}))
"""


def _probe(code: str) -> dict[str, object]:
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_importing_the_proxy_module_registers_catalog_model_info() -> None:
    result = _probe(_PROBE)
    assert result["same_handler"] is True
    assert result["max_input_tokens"] == 128000
    assert result["alias_max_input_tokens"] == 128000
    assert result["tools"] is True
    # The import registers the provider once (the Proxy then assigns its config's map).
    assert result["provider_map"] == ["aimlapi"]
