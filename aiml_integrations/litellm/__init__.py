"""AI/ML API as a LiteLLM provider: ``aimlapi/<model id>``, with LiteLLM-native exceptions.

Python::

    import litellm
    import aiml_integrations.litellm  # registers the provider and the catalog's models

    litellm.completion(model="aimlapi/openai/gpt-4o", messages=[...])

The import calls :func:`register` once (idempotent, appends to ``litellm.custom_provider_map``
keeping other providers); call it again after replacing ``litellm.custom_provider_map``.

LiteLLM Proxy (``config.yaml``)::

    litellm_settings:
      custom_provider_map:
        - {provider: aimlapi, custom_handler: aiml_integrations.litellm.proxy.handler}

Every error is a LiteLLM exception class that also inherits the matching
``aiml_integrations.errors`` class (see ``docs/litellm.md`` for the table), so the Router's
retries, fallbacks and cooldowns behave as for a built-in provider.
"""

from __future__ import annotations

from aiml_integrations.litellm._clients import aclear_clients, clear_clients
from aiml_integrations.litellm._errors import (
    PROVIDER,
    AIMLAPIAPIConnectionError,
    AIMLAPIAuthenticationError,
    AIMLAPIBadGatewayError,
    AIMLAPIBadRequestError,
    AIMLAPIContentPolicyViolationError,
    AIMLAPIContextWindowExceededError,
    AIMLAPIInternalError,
    AIMLAPIInternalServerError,
    AIMLAPILiteLLMError,
    AIMLAPINotFoundError,
    AIMLAPIPaymentRequiredError,
    AIMLAPIPermissionDeniedError,
    AIMLAPIRateLimitError,
    AIMLAPIServiceUnavailableError,
    AIMLAPITimeout,
    AIMLAPIUnknownModelError,
    AIMLAPIUnprocessableEntityError,
    AIMLAPIUnsupportedParamsError,
)
from aiml_integrations.litellm._handler import AIMLAPIProvider
from aiml_integrations.litellm._registry import (
    model_cost_entries,
    model_cost_entry,
    register,
    register_models,
)
from aiml_integrations.litellm._router_view import set_out_of_credits_cooldown

__all__ = [
    "PROVIDER",
    "AIMLAPIAPIConnectionError",
    "AIMLAPIAuthenticationError",
    "AIMLAPIBadGatewayError",
    "AIMLAPIBadRequestError",
    "AIMLAPIContentPolicyViolationError",
    "AIMLAPIContextWindowExceededError",
    "AIMLAPIInternalError",
    "AIMLAPIInternalServerError",
    "AIMLAPILiteLLMError",
    "AIMLAPINotFoundError",
    "AIMLAPIPaymentRequiredError",
    "AIMLAPIPermissionDeniedError",
    "AIMLAPIProvider",
    "AIMLAPIRateLimitError",
    "AIMLAPIServiceUnavailableError",
    "AIMLAPITimeout",
    "AIMLAPIUnknownModelError",
    "AIMLAPIUnprocessableEntityError",
    "AIMLAPIUnsupportedParamsError",
    "aclear_clients",
    "clear_clients",
    "model_cost_entries",
    "model_cost_entry",
    "register",
    "register_models",
    "set_out_of_credits_cooldown",
]

register()
