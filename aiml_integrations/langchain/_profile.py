"""``ChatAIMLAPI.profile``: LangChain's ``ModelProfile`` read from the model catalog.

Why from the catalog: agent middleware (summarisation triggers, ``trim_messages``, structured
output strategy) reads ``max_input_tokens`` and the capability flags from the profile; the
catalog already knows them for every AI/ML API id, so nothing is hard-coded per model.
A capability the catalog does not know is left out of the profile (unknown, not ``False``).
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import ModelProfile

from aiml_integrations.catalog import Capability, current_catalog

__all__ = ["model_profile"]

#: LangChain profile key -> the catalog capability that answers it.
_PROFILE_KEYS: tuple[tuple[str, Capability], ...] = (
    ("tool_calling", "tools"),
    ("tool_choice", "tools"),
    ("structured_output", "structured_output"),
    ("image_inputs", "vision"),
    ("image_url_inputs", "vision"),
    ("reasoning_output", "reasoning"),
)


def model_profile(model_id: str) -> ModelProfile | None:
    """The profile of ``model_id``, ``None`` for an id the catalog does not list."""
    info = current_catalog().get(model_id)
    if info is None:
        return None
    profile: dict[str, Any] = {"text_inputs": True, "text_outputs": True}
    if info.context_length is not None:
        profile["max_input_tokens"] = info.context_length
    if info.max_output is not None:
        profile["max_output_tokens"] = info.max_output
    for key, capability in _PROFILE_KEYS:
        value = info.supports(capability)
        if value is not None:
            profile[key] = value
    return profile  # type: ignore[return-value]
