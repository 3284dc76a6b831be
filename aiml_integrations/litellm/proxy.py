"""The LiteLLM Proxy entry point: name ``aiml_integrations.litellm.proxy.handler`` in config.yaml.

Why a module of its own: the Proxy assigns ``litellm.custom_provider_map`` from its config
after importing the handler, so the config must name the handler itself. The catalog's model
info (context windows for ``enable_pre_call_checks``, capabilities and prices in
``/model/info``) is registered by ``import aiml_integrations.litellm``; the call below only
makes that explicit here (it is idempotent).

::

    litellm_settings:
      custom_provider_map:
        - {provider: aimlapi, custom_handler: aiml_integrations.litellm.proxy.handler}
"""

from __future__ import annotations

from aiml_integrations.litellm._registry import handler, register_models

__all__ = ["handler"]

register_models()
