"""``register()``: plug the ``aimlapi`` provider and the catalog's model facts into LiteLLM.

Why both: the handler makes ``aimlapi/<id>`` callable; the model map makes LiteLLM *know*
those models — ``get_model_info``, ``supports_function_calling``/``supports_vision``, the
Router's pre-call context-window checks (``max_input_tokens``), and cost when prices are known.
Registration is derived from :class:`~aiml_integrations.catalog.ModelInfo` only, so extending
the catalog extends LiteLLM's view without touching this module.

LiteLLM 1.110.2 has no entry-point discovery, and the Proxy *assigns*
``litellm.custom_provider_map`` from its config — so on the Proxy the provider is registered
by the config (``custom_handler: aiml_integrations.litellm.proxy.handler``), and in Python by
:func:`register`, which appends without clobbering other providers.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import litellm

from aiml_integrations.catalog import Capability, Catalog, ModelInfo, default_catalog
from aiml_integrations.litellm._errors import PROVIDER
from aiml_integrations.litellm._handler import AIMLAPIProvider
from aiml_integrations.litellm._params import install as install_params

__all__ = ["handler", "model_cost_entries", "model_cost_entry", "register"]

handler = AIMLAPIProvider()
"""The one handler instance (the Proxy config's ``custom_handler`` points here)."""

_MODES = {"chat": "chat", "embedding": "embedding", "image": "image_generation"}
_CAPABILITIES: Mapping[Capability, tuple[str, ...]] = {
    "tools": ("supports_function_calling", "supports_tool_choice"),
    "parallel_tool_calls": ("supports_parallel_function_calling",),
    "vision": ("supports_vision",),
    "structured_output": ("supports_response_schema",),
    "reasoning": ("supports_reasoning",),
    "system_role": ("supports_system_messages",),
    "streaming": ("supports_native_streaming",),
}
_lock = threading.Lock()
# Catalog -> the model-map keys registered for it. Weak keys: a catalog that is garbage
# collected drops out, so a new catalog that happens to reuse its ``id()`` is registered too.
_registered: weakref.WeakKeyDictionary[Catalog, tuple[str, ...]] = weakref.WeakKeyDictionary()


def _prices(info: ModelInfo) -> dict[str, float]:
    """LiteLLM's per-token price fields from the catalog's token rates (USD per 1M tokens).

    The catalog keeps AI/ML API's own ``/v1/models`` pricing block; only fixed token rates map
    onto LiteLLM's fields. Anything else (per image, variants) is left out rather than guessed.
    """
    prices: dict[str, float] = {}
    if info.input_price_per_mtok is not None:
        prices["input_cost_per_token"] = info.input_price_per_mtok / 1_000_000
    if info.output_price_per_mtok is not None:
        prices["output_cost_per_token"] = info.output_price_per_mtok / 1_000_000
    return prices


def model_cost_entry(info: ModelInfo) -> dict[str, Any] | None:
    """LiteLLM's model-map entry for one catalog model (``None`` for kinds we do not serve).

    Deprecated ids get no entry: LiteLLM must not route to them, and a call that names one
    anyway is stopped by preflight with a "deprecated" error. A model without a known price
    gets no cost fields at all (never 0), so cost-based routing and budgets treat it as
    unpriced rather than free.
    """
    mode = _MODES.get(info.kind)
    if mode is None or info.deprecated:
        return None
    entry: dict[str, Any] = {"litellm_provider": PROVIDER, "mode": mode}
    if info.context_length is not None:
        entry["max_input_tokens"] = info.context_length
        entry["max_tokens"] = info.context_length
    if info.max_output is not None:
        entry["max_output_tokens"] = info.max_output
        entry["max_tokens"] = info.max_output
    if info.dimensions is not None:
        entry["output_vector_size"] = info.dimensions
    for capability, fields in _CAPABILITIES.items():
        known = info.supports(capability)
        if known is not None:
            for field in fields:
                entry[field] = known
    entry.update(_prices(info))
    return entry


def model_cost_entries(models: Iterable[ModelInfo]) -> dict[str, dict[str, Any]]:
    """``{"aimlapi/<id or alias>": entry}`` for every servable model."""
    entries: dict[str, dict[str, Any]] = {}
    for info in models:
        entry = model_cost_entry(info)
        if entry is None:
            continue
        for name in info.names:
            entries.setdefault(f"{PROVIDER}/{name}", dict(entry))
    return entries


@contextlib.contextmanager
def _quiet_litellm_logger() -> Iterator[None]:
    """Mute LiteLLM's logger while we register the catalog.

    ``register_model`` warns, once per priced model, that cache-read/-write prices default to 0.
    The catalog states only the token rates AI/ML API publishes; we do not guess cache prices,
    so the warning is noise our own call causes (dozens of lines on every ``register()``).
    """
    logger = logging.getLogger("LiteLLM")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _make_slug_known() -> None:
    """What ``litellm.utils.custom_llm_setup`` does on every call, done now.

    Without it, ``register_model`` and ``supports_*("aimlapi/...")`` cannot resolve the
    ``aimlapi/`` prefix until the first completion (and print LiteLLM's provider list for
    every model registered) — the situation on the Proxy, whose config sets the provider map
    only after importing the handler.
    """
    if PROVIDER not in litellm.provider_list:
        litellm.provider_list.append(PROVIDER)
    if PROVIDER not in litellm._custom_providers:
        litellm._custom_providers.append(PROVIDER)


def _register_provider() -> None:
    current = litellm.custom_provider_map
    entries = list(current) if isinstance(current, list) else []
    if any(isinstance(e, dict) and e.get("provider") == PROVIDER for e in entries):
        return
    entries.append({"provider": PROVIDER, "custom_handler": handler})
    litellm.custom_provider_map = entries


def register(*, catalog: Catalog | None = None, models: bool = True) -> AIMLAPIProvider:
    """Make ``aimlapi/<model id>`` work in LiteLLM; safe to call any number of times.

    Appends ``{"provider": "aimlapi", "custom_handler": handler}`` to
    ``litellm.custom_provider_map`` unless an ``aimlapi`` entry is already there (other
    providers' entries are kept), declares the OpenAI parameters AI/ML API takes
    (:mod:`._params`), and registers the catalog's chat, embedding and image models with
    ``litellm.register_model`` under ``aimlapi/<id>`` and ``aimlapi/<alias>``.
    ``import aiml_integrations.litellm`` already does this once; call it again after replacing
    ``litellm.custom_provider_map`` or to register another catalog. Returns the handler.
    """
    install_params()
    with _lock:
        _make_slug_known()
        _register_provider()
    if models:
        register_models(catalog)
    return handler


def register_models(catalog: Catalog | None = None) -> None:
    """Register the catalog's model info with LiteLLM only.

    Idempotent and cheap: a catalog is registered again only when some of its entries are
    no longer in ``litellm.model_cost`` (something replaced the map) — so calling it per
    request costs one presence check. Separate from :func:`register` for the Proxy, which
    sets ``custom_provider_map`` itself from its config; see :mod:`aiml_integrations.litellm.proxy`.
    """
    with _lock:
        _make_slug_known()
        chosen = catalog if catalog is not None else default_catalog()
        keys = _registered.get(chosen)
        if keys is not None and _still_registered(keys):
            return
        entries = model_cost_entries(chosen)
        _write_entries(entries)
        _registered[chosen] = tuple(entries)


def _write_entries(entries: Mapping[str, dict[str, Any]]) -> None:
    """Put the entries into ``litellm.model_cost`` as they are, in one pass.

    Why not ``litellm.register_model``: it rebuilds LiteLLM's case-insensitive index once per
    key (seconds for the full catalog) and merges in the built-in entry of a same-named model
    (``aimlapi/gpt-4o`` would inherit OpenAI's own fields). Our entries state only what the
    catalog knows, so they are written verbatim and the index is invalidated once.
    """
    current = litellm.model_cost
    for key, entry in entries.items():
        current[key] = dict(entry)
    invalidate = getattr(litellm.utils, "_invalidate_model_cost_lowercase_map", None)
    if callable(invalidate):
        invalidate()
    add_known = getattr(litellm, "add_known_models", None)
    if callable(add_known):
        with _quiet_litellm_logger():
            add_known(entries)


def _still_registered(keys: tuple[str, ...]) -> bool:
    current = litellm.model_cost
    return all(key in current for key in keys)
