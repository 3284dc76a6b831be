"""First use: after ``import aiml_integrations.litellm`` alone, ``aimlapi/`` works.

Why a subprocess: the point is what a *fresh* interpreter gets from the import, without anyone
calling ``register()`` (the test session has registered long ago).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

_PROBE = """
import json, litellm
from litellm import CustomLLM

other = CustomLLM()
litellm.custom_provider_map = [{"provider": "someone-else", "custom_handler": other}]

import aiml_integrations.litellm as ours
from aiml_integrations.testing import MockAIMLAPI

with MockAIMLAPI() as mock:
    answer = litellm.completion(
        model="aimlapi/openai/gpt-4o",
        messages=[{"role": "user", "content": "hi"}],
        api_key=mock.api_key,
        api_base=mock.base_url,
    )
    embedded = litellm.embedding(
        model="aimlapi/text-embedding-3-small", input=["a"], dimensions=4,
        api_key=mock.api_key, api_base=mock.base_url,
    )
    sent = [(r.path, r.status) for r in mock.requests]
ours.register()
ours.register()
print(json.dumps({
    "content": answer.choices[0].message.content,
    "dimensions": len(embedded.data[0]["embedding"]),
    "sent": sent,
    "providers": [e["provider"] for e in litellm.custom_provider_map],
    "other_kept": litellm.custom_provider_map[0]["custom_handler"] is other,
    "max_input_tokens": litellm.get_model_info("aimlapi/openai/gpt-4o")["max_input_tokens"],
}))
"""


def test_the_import_alone_makes_aimlapi_usable() -> None:
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["content"]
    assert result["dimensions"] == 4
    assert result["sent"] == [["/v1/chat/completions", 200], ["/v1/embeddings", 200]]
    assert result["providers"] == ["someone-else", "aimlapi"]  # appended once, other kept
    assert result["other_kept"] is True
    assert result["max_input_tokens"] == 128000  # the catalog's model info too
