"""Catch, before sending, what the catalog already knows AI/ML API would reject.

Why: AI/ML API validates every request per model (Zod enums on ``model`` and message roles),
so a wrong model id, a system message to ``o1-mini``, or ``tools`` to a model without tool
calling cost a round trip and come back as a 400 that neither LiteLLM nor LangChain can read.
The catalog knows these limits, so both adapters call :func:`preflight` on their hot path:

0. an id the documentation lists as deprecated (no longer served):
   :class:`~aiml_integrations.errors.UnknownModelError` saying so, with the replacement when
   the docs name one — whether or not the catalog is fresh, since it is a documented fact;
1. models whose ``system_role`` capability is ``False``: system/developer messages are folded
   into the first user message (:func:`fold_system_messages`; logged at DEBUG); models whose
   spec accepts ``system`` but not ``developer`` get developer messages sent as system;
2. an unknown model id, *only* when the catalog is fresh (a recent ``aimlapi models sync``):
   :class:`~aiml_integrations.errors.UnknownModelError` with close matches. The bundled
   snapshot is never fresh, so without a sync unknown ids are sent as they are;
3. parameters the model cannot take (``tools`` to a model without tool calling, a
   ``json_schema`` ``response_format`` without structured output, ``reasoning_effort`` to a
   non-reasoning model): dropped when ``drop_params`` is true (DEBUG log), otherwise
   :class:`~aiml_integrations.errors.InvalidRequestError` naming them.

Cost: one dict lookup for the model and one for its cached plan; a model with no restrictions
costs a shallow copy of the payload. Errors carry an ``ErrorInfo`` with ``status_code=None``
and say that nothing was sent. Capabilities the catalog does not know (``None``) never
trigger anything: preflight only acts on facts.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiml_integrations._core.api import OFF_WORDS as _OFF
from aiml_integrations.catalog._cache import current_catalog
from aiml_integrations.catalog._catalog import DEFAULT_MAX_AGE, Catalog
from aiml_integrations.catalog._model import Capability, ModelInfo
from aiml_integrations.errors import (
    ErrorCategory,
    ErrorInfo,
    InvalidRequestError,
    UnknownModelError,
)

__all__ = ["PREFLIGHT_ENV", "fold_system_messages", "preflight", "unsupported_params"]

logger = logging.getLogger("aiml_integrations.catalog")

#: ``AIMLAPI_PREFLIGHT=0`` switches preflight off process-wide (when ``enabled`` is not given).
PREFLIGHT_ENV = "AIMLAPI_PREFLIGHT"
_SYSTEM_ROLES = frozenset({"system", "developer"})

# capability -> (parameters it governs, predicate on the value: does this value need it?)
_Needs = Callable[[Any], bool]


def _present(value: Any) -> bool:
    return value is not None


def _truthy(value: Any) -> bool:
    return bool(value)


def _json_schema(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("type") == "json_schema"


_GOVERNED: Mapping[Capability, tuple[tuple[str, _Needs], ...]] = {
    "tools": (
        ("tools", _truthy),
        ("tool_choice", _present),
        ("functions", _truthy),
        ("function_call", _present),
        ("parallel_tool_calls", _truthy),
    ),
    "parallel_tool_calls": (("parallel_tool_calls", _truthy),),
    "structured_output": (("response_format", _json_schema),),
    "reasoning": (("reasoning_effort", _present), ("reasoning", _present), ("thinking", _present)),
}


@dataclass(frozen=True)
class _Plan:
    """What preflight must do for one model; computed once per model and catalog."""

    fold_system: bool
    governed: tuple[tuple[str, Capability, _Needs], ...]  # (param, capability, needs)
    developer_as_system: bool = False

    @property
    def empty(self) -> bool:
        return not self.fold_system and not self.governed and not self.developer_as_system


_NOTHING = _Plan(False, ())


def _plan_for(model: ModelInfo) -> _Plan:
    governed: list[tuple[str, Capability, _Needs]] = []
    seen: set[str] = set()
    for capability, params in _GOVERNED.items():
        if model.supports(capability) is not False:
            continue
        for param, needs in params:
            if param not in seen:
                seen.add(param)
                governed.append((param, capability, needs))
    fold = model.supports("system_role") is False
    roles = model.roles
    rename = not fold and roles is not None and "system" in roles and "developer" not in roles
    if fold or governed or rename:
        return _Plan(fold, tuple(governed), rename)
    return _NOTHING


def _cached_plan(catalog: Catalog, name: str, model: ModelInfo) -> _Plan:
    plans: dict[str, Any] = catalog._plans
    plan = plans.get(name)
    if plan is None:
        plan = plans[name] = _plan_for(model)
    return plan  # type: ignore[no-any-return]


# -- 1. system messages ---------------------------------------------------------------------


def _text_of(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        parts = []
        for part in content:
            if isinstance(part, Mapping) and part.get("type") == "text":
                parts.append(str(part.get("text", "")))
            elif isinstance(part, str):
                parts.append(part)
        return "\n".join(p for p in parts if p)
    return str(content)


def fold_system_messages(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """System/developer messages folded into the first user message, for models without a
    system role; returns new message dicts (the input is not modified).

    The instructions are joined with blank lines and put before the user's own text (as a
    leading ``text`` part when the content is a list of parts). With no user message, the
    instructions become one. Nothing changes when there is no system/developer message.
    """
    system_texts = [_text_of(m.get("content")) for m in messages if m.get("role") in _SYSTEM_ROLES]
    if not system_texts:
        return [dict(m) for m in messages]
    instructions = "\n\n".join(t for t in system_texts if t)
    rest = [dict(m) for m in messages if m.get("role") not in _SYSTEM_ROLES]
    for message in rest:
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, list):
            message["content"] = [{"type": "text", "text": instructions}, *content]
        else:
            own = _text_of(content)
            message["content"] = f"{instructions}\n\n{own}" if own else instructions
        break
    else:
        rest.insert(0, {"role": "user", "content": instructions})
    return rest


# -- 3. unsupported parameters ----------------------------------------------------------------


def unsupported_params(model: ModelInfo, payload: Mapping[str, Any]) -> dict[str, str]:
    """``{param: capability}`` for the parameters in ``payload`` that ``model`` cannot take."""
    plan = _plan_for(model)
    return {
        param: capability
        for param, capability, needs in plan.governed
        if param in payload and needs(payload[param])
    }


def _local_info(category: ErrorCategory, message: str, details: tuple[str, ...]) -> ErrorInfo:
    return ErrorInfo(
        category=category,
        message=message,
        status_code=None,
        details=details,
        retryable=False,
        model_issue=category is ErrorCategory.UNKNOWN_MODEL,
    )


def _unknown_model(name: str, catalog: Catalog) -> UnknownModelError:
    matches = catalog.close_matches(name)
    hint = f"; did you mean {' or '.join(matches)}?" if matches else ""
    synced = catalog.fetched_at.isoformat(timespec="seconds") if catalog.fetched_at else "never"
    message = (
        f"model {name!r} is not in the AI/ML API model list (synced {synced}){hint} "
        "Caught locally by preflight: nothing was sent. Run `aimlapi models sync` if the "
        "model is new, or turn preflight off."
    )
    return UnknownModelError(
        _local_info(
            ErrorCategory.UNKNOWN_MODEL, message, tuple(f"did you mean: {m}" for m in matches)
        )
    )


def _deprecated(name: str, model: ModelInfo) -> UnknownModelError:
    instead = f"; use {model.replacement!r} instead" if model.replacement else ""
    message = (
        f"model {name!r} is deprecated: AI/ML API no longer serves it{instead}. Caught locally "
        "by preflight: nothing was sent. Run `aimlapi models sync` if you believe it is "
        "served again, or turn preflight off."
    )
    details = (f"replacement: {model.replacement}",) if model.replacement else ()
    return UnknownModelError(_local_info(ErrorCategory.UNKNOWN_MODEL, message, details))


def _developer_as_system(messages: list[Any]) -> list[Any]:
    return [
        {**m, "role": "system"} if isinstance(m, Mapping) and m.get("role") == "developer" else m
        for m in messages
    ]


def _rejected(name: str, found: Mapping[str, str]) -> InvalidRequestError:
    listed = ", ".join(found)
    details = tuple(f"{p}: {name} does not support {c}" for p, c in found.items())
    message = (
        f"model {name!r} cannot take {listed} (catalog: "
        + ", ".join(sorted({f"{c}=false" for c in found.values()}))
        + "). Caught locally by preflight: nothing was sent. Remove them, or pass "
        "drop_params=True to drop them."
    )
    return InvalidRequestError(_local_info(ErrorCategory.INVALID_REQUEST, message, details))


# -- the entry point ----------------------------------------------------------------------------


def _has_system(messages: Any) -> bool:
    return isinstance(messages, list) and any(
        isinstance(m, Mapping) and m.get("role") in _SYSTEM_ROLES for m in messages
    )


def _enabled_by_env() -> bool:
    return os.environ.get(PREFLIGHT_ENV, "").strip().lower() not in _OFF


def preflight(
    payload: Mapping[str, Any],
    *,
    catalog: Catalog | None = None,
    drop_params: bool = False,
    enabled: bool | None = None,
    max_age: timedelta | float = DEFAULT_MAX_AGE,
) -> dict[str, Any]:
    """Check and adjust an OpenAI-style request body for ``payload["model"]``.

    Returns a new dict (never the caller's object, never mutated); nested objects are shared
    unless changed. ``catalog`` defaults to :func:`~aiml_integrations.catalog.current_catalog`
    (bundled snapshot plus the synced cache). ``enabled=None`` follows ``$AIMLAPI_PREFLIGHT``
    (on unless ``0``/``false``/``off``); ``False`` returns a plain copy.

    Raises :class:`~aiml_integrations.errors.UnknownModelError` for an id the *fresh* catalog
    does not list, and :class:`~aiml_integrations.errors.InvalidRequestError` for unsupported
    parameters when ``drop_params`` is false. Both have ``status_code is None``.
    """
    out = dict(payload)
    if enabled is False or (enabled is None and not _enabled_by_env()):
        return out
    name = out.get("model")
    if not isinstance(name, str) or not name:
        return out
    catalog = catalog if catalog is not None else current_catalog()
    model = catalog.get(name)
    if model is None:
        if catalog.is_fresh(max_age):
            raise _unknown_model(name, catalog)
        return out
    if model.deprecated:
        raise _deprecated(name, model)
    plan = _cached_plan(catalog, name, model)
    if plan.empty:
        return out
    found = {
        param: capability
        for param, capability, needs in plan.governed
        if param in out and needs(out[param])
    }
    if found:
        if not drop_params:
            raise _rejected(name, found)
        for param in found:
            del out[param]
        logger.debug("preflight: dropped %s for %s (unsupported)", ", ".join(found), name)
    messages: Any = out.get("messages")
    if plan.fold_system and _has_system(messages):
        out["messages"] = fold_system_messages(messages)
        logger.debug(
            "preflight: %s takes no system role; folded system/developer messages into "
            "the first user message",
            name,
        )
    elif plan.developer_as_system and isinstance(messages, list):
        out["messages"] = _developer_as_system(messages)
    return out
