"""Positional calls into the provider: each argument gets the name LiteLLM's own ``CustomLLM``
method gives it (the handler reads LiteLLM's signatures instead of keeping copies)."""

from __future__ import annotations

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from aiml_integrations.litellm._handler import _named, _positional


def test_positional_arguments_are_named_like_litellm_names_them() -> None:
    named = _named("image_edit", ("gpt-image-1", ["street.png"], "night"), {"timeout": 5})
    assert named == {
        "model": "gpt-image-1",
        "image": ["street.png"],
        "prompt": "night",
        "timeout": 5,
    }


def test_sync_and_async_image_generation_keep_litellm_s_different_orders() -> None:
    assert _positional("image_generation")[:4] == ("model", "prompt", "api_key", "api_base")
    assert _positional("aimage_generation")[:4] == ("model", "prompt", "model_response", "api_key")


def test_keyword_calls_pass_through_unchanged() -> None:
    kwargs = {"model": "gpt-4o", "messages": []}
    assert _named("completion", (), kwargs) is kwargs
