"""LiteLLM with the ``aimlapi/`` provider: a completion, a stream, and a typed error.

Run: ``python examples/litellm_quickstart.py`` (offline on the mock unless a key is set).
"""

from __future__ import annotations

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import litellm
from _backend import backend

from aiml_integrations.litellm import register

litellm.suppress_debug_info = True
register()

with backend() as be:
    messages = [{"role": "user", "content": "Say hello in five words."}]
    response = litellm.completion(
        model="aimlapi/gpt-4o-mini",
        messages=messages,
        api_base=be.base_url,
        api_key=be.api_key,
    )
    print("answer:", response.choices[0].message.content)
    print("billed USD:", response._hidden_params.get("response_cost"))

    stream = litellm.completion(
        model="aimlapi/gpt-4o-mini",
        messages=messages,
        stream=True,
        api_base=be.base_url,
        api_key=be.api_key,
    )
    print("streamed:", "".join(c.choices[0].delta.content or "" for c in stream))

    try:
        litellm.completion(
            model="aimlapi/no-such-model",
            messages=messages,
            api_base=be.base_url,
            api_key=be.api_key,
        )
    except litellm.NotFoundError as exc:
        print("unknown model ->", type(exc).__name__, "| request id:", exc.request_id)
