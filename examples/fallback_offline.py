"""Test a LiteLLM fallback config offline: the primary key is out of credits.

Run: ``python examples/fallback_offline.py`` — no key, no network.
"""

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no cost-map download

from litellm import Router

import aiml_integrations.litellm
from aiml_integrations.testing import MockAIMLAPI, presets

aiml_integrations.litellm.register()

with MockAIMLAPI(keys=["key-primary", "key-backup"]) as mock:
    # The primary key is out of credits: 403 with AI/ML API's real message, on every call.
    mock.inject(presets.OUT_OF_CREDITS, key="key-primary")

    router = Router(
        model_list=[
            {
                "model_name": "primary",
                "litellm_params": {
                    "model": "aimlapi/openai/gpt-4o",
                    "api_base": mock.base_url,
                    "api_key": "key-primary",
                },
            },
            {
                "model_name": "backup",
                "litellm_params": {
                    "model": "aimlapi/anthropic/claude-sonnet-4.5",
                    "api_base": mock.base_url,
                    "api_key": "key-backup",
                },
            },
        ],
        fallbacks=[{"primary": ["backup"]}],
        num_retries=2,
    )
    response = router.completion(model="primary", messages=[{"role": "user", "content": "ping"}])
    print(response.choices[0].message.content)
    print([(r.api_key, r.status) for r in mock.requests])
    # [('key-primary', 403), ('key-backup', 200)]: not retried; the backup answered
