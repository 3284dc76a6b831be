"""Which OpenAI parameters LiteLLM hands the ``aimlapi`` provider: declared here, once.

Why this exists: LiteLLM decides per provider which OpenAI parameters reach a handler. Built-in
providers declare theirs in a config class (``get_supported_openai_params``), but every custom
provider gets the same generic table: chat keeps the plain OpenAI set and rejects (or, with
``drop_params``, silently drops) ``reasoning_effort`` and ``thinking``; embeddings accept *no*
parameter at all, so ``dimensions`` and ``encoding_format`` raise ``UnsupportedParamsError`` —
and the openai SDK sends ``encoding_format="base64"`` on every embeddings call, so through the
Proxy every such call failed with HTTP 400. LiteLLM 1.110 has no registration point for a
custom provider's parameters, so :func:`install` wraps the two functions ``litellm.main`` calls
to compute them and, for ``aimlapi`` only, lets the declared parameters through; every other
provider's call goes to LiteLLM's function unchanged.

What a model can actually take is still checked before sending, per model, by the catalog
preflight (``aiml_integrations.catalog.preflight``), with ``drop_params`` honoured there.
"""

from __future__ import annotations

import functools
import importlib
import threading
from collections.abc import Callable
from typing import Any

from aiml_integrations.litellm._errors import PROVIDER

__all__ = ["CHAT_EXTRA_PARAMS", "EMBEDDING_PARAMS", "install"]

#: Chat parameters AI/ML API takes that LiteLLM's generic custom-provider table filters out.
CHAT_EXTRA_PARAMS = ("reasoning_effort", "thinking")
#: Embedding parameters AI/ML API takes (``user`` is metadata: accepted and not sent).
EMBEDDING_PARAMS = ("dimensions", "encoding_format")
_EMBEDDING_IGNORED = ("user",)

_lock = threading.Lock()
_MARK = "__aimlapi_params__"


def _ours(kwargs: dict[str, Any]) -> bool:
    return kwargs.get("custom_llm_provider") == PROVIDER


def _chat(original: Callable[..., Any]) -> Callable[..., Any]:
    """``get_optional_params`` that treats :data:`CHAT_EXTRA_PARAMS` as supported for us.

    LiteLLM's own mechanism for "this provider takes this parameter" is
    ``allowed_openai_params``: the parameter counts as supported and is passed on as is.
    """

    @functools.wraps(original)
    def get_optional_params(*args: Any, **kwargs: Any) -> Any:
        if _ours(kwargs):
            allowed = list(kwargs.get("allowed_openai_params") or ())
            extra = [n for n in CHAT_EXTRA_PARAMS if kwargs.get(n) is not None and n not in allowed]
            if extra:
                kwargs["allowed_openai_params"] = [*allowed, *extra]
        return original(*args, **kwargs)

    setattr(get_optional_params, _MARK, True)
    return get_optional_params


def _embeddings(original: Callable[..., Any]) -> Callable[..., Any]:
    """``get_optional_params_embeddings`` that keeps :data:`EMBEDDING_PARAMS` for us.

    The declared parameters are taken out before LiteLLM's check (which refuses any parameter
    for a custom provider) and put back into its result; anything else is still LiteLLM's call.
    """

    @functools.wraps(original)
    def get_optional_params_embeddings(*args: Any, **kwargs: Any) -> Any:
        if not _ours(kwargs):
            return original(*args, **kwargs)
        declared = {n: kwargs.pop(n) for n in EMBEDDING_PARAMS if kwargs.get(n) is not None}
        for name in _EMBEDDING_IGNORED:
            kwargs.pop(name, None)
        result = original(*args, **kwargs)
        if isinstance(result, dict):
            result.update(declared)
        return result

    setattr(get_optional_params_embeddings, _MARK, True)
    return get_optional_params_embeddings


_WRAPPERS: tuple[tuple[str, Callable[[Callable[..., Any]], Callable[..., Any]]], ...] = (
    ("get_optional_params", _chat),
    ("get_optional_params_embeddings", _embeddings),
)


def install() -> None:
    """Wrap LiteLLM's parameter functions once (idempotent, thread-safe)."""
    main = importlib.import_module("litellm.main")
    with _lock:
        for name, wrap in _WRAPPERS:
            current = getattr(main, name, None)
            if current is None or getattr(current, _MARK, False):
                continue
            setattr(main, name, wrap(current))
