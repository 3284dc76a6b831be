"""The LiteLLM Proxy entry point: name ``aiml_integrations.litellm.proxy.handler`` in config.yaml.

Why a module of its own: the Proxy assigns ``litellm.custom_provider_map`` from its config and
never calls :func:`aiml_integrations.litellm.register`, so the catalog's model info (context
windows, capabilities, prices) would be missing there — no ``max_input_tokens`` for
``enable_pre_call_checks``, nothing in ``/model/info``. Importing this module registers that
model info (once per process, about 0.1 s); the plain ``aiml_integrations.litellm`` import stays
free of the side effect.

::

    litellm_settings:
      custom_provider_map:
        - {provider: aimlapi, custom_handler: aiml_integrations.litellm.proxy.handler}
"""

from __future__ import annotations

from aiml_integrations.litellm._registry import handler, register_models

__all__ = ["handler"]

register_models()
