"""The public surface, pinned: each public module's ``__all__`` exactly, and one import path per
public name (docs/architecture.md, "Layers").

Why: users import these paths; a name that quietly moves, disappears or becomes reachable from
two modules is a breaking change or a future one. Everything not listed here is private (a
leading underscore on the module or its package).
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import aiml_integrations

PUBLIC: dict[str, set[str]] = {
    "aiml_integrations": {
        "AIMLAPIClient",
        "AIMLAPIConfig",
        "APIResponse",
        "Timeouts",
        "__version__",
    },
    "aiml_integrations.errors": {
        "AIMLAPIError",
        "APIConnectionError",
        "AuthenticationError",
        "BadGatewayError",
        "ContentPolicyError",
        "ContextOverflowError",
        "ErrorCategory",
        "ErrorInfo",
        "InternalError",
        "InvalidRequestError",
        "NotFoundError",
        "OutOfCreditsError",
        "PermissionDeniedError",
        "RateLimitError",
        "RequestTimeoutError",
        "ServerError",
        "ServiceUnavailableError",
        "UnknownModelError",
        "error_class_for",
    },
    "aiml_integrations.catalog": {
        "CACHE_DIR_ENV",
        "CAPABILITY_NAMES",
        "DEFAULT_MAX_AGE",
        "KINDS",
        "PREFLIGHT_ENV",
        "Capability",
        "Catalog",
        "ModelInfo",
        "cache_dir",
        "cache_path",
        "catalog_from_models_response",
        "current_catalog",
        "default_catalog",
        "fold_system_messages",
        "load_cache",
        "preflight",
        "unsupported_params",
        "with_fetched_at",
    },
    "aiml_integrations.cli": {"build_parser", "main"},
    "aiml_integrations.cli.demo": {"configure", "run"},
    "aiml_integrations.litellm": {
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
    },
    "aiml_integrations.litellm.proxy": {"handler"},
    "aiml_integrations.langchain": {
        "AIMLAPIAPIConnectionError",
        "AIMLAPIAuthenticationError",
        "AIMLAPIBadGatewayError",
        "AIMLAPIContentPolicyError",
        "AIMLAPIContextOverflowError",
        "AIMLAPIEmbeddings",
        "AIMLAPIImageEditTool",
        "AIMLAPIImageGenerationTool",
        "AIMLAPIInternalError",
        "AIMLAPIInvalidRequestError",
        "AIMLAPIJobFailedError",
        "AIMLAPINotFoundError",
        "AIMLAPIOutOfCreditsError",
        "AIMLAPIPermissionDeniedError",
        "AIMLAPIRateLimitError",
        "AIMLAPIRequestTimeoutError",
        "AIMLAPIServerError",
        "AIMLAPIServiceUnavailableError",
        "AIMLAPISpeechToTextTool",
        "AIMLAPITextToSpeechTool",
        "AIMLAPIUnknownModelError",
        "AIMLAPIVideoGenerationTool",
        "ChatAIMLAPI",
    },
    "aiml_integrations.testing": {"Fault", "MockAIMLAPI", "RecordedRequest", "presets"},
    "aiml_integrations.testing.pytest_plugin": {
        "aimlapi_mock",
        "aimlapi_mock_factory",
        "aimlapi_mock_session",
    },
}

#: Public modules whose ``__all__`` is a data vocabulary rather than API: the preset constants
#: (one per documented AI/ML API error) and their helpers. They count for "one path per name".
VOCABULARY = ("aiml_integrations.testing.presets",)

#: LangChain's serialization convention: ``dumpd`` records ``ChatAIMLAPI`` under the namespace
#: ``aiml_integrations.langchain.chat_models`` and ``load`` imports it from there, so these
#: modules stay importable (as partner packages keep ``chat_models`` / ``embeddings``). Their
#: classes are exported from ``aiml_integrations.langchain``; the modules are the one allowed
#: second path, for the serializer only.
SERIALIZATION_PATHS = {
    "aiml_integrations.langchain.chat_models": {"ChatAIMLAPI"},
    "aiml_integrations.langchain.embeddings": {"AIMLAPIEmbeddings"},
}

#: Former public paths that are private now (their names moved to one of the modules above).
GONE = ("aiml_integrations.config", "aiml_integrations.transport", "aiml_integrations.preflight")


def _public_module_names() -> list[str]:
    """Every importable module of the package with no underscore-led part in its name."""
    names = ["aiml_integrations"]
    for info in pkgutil.walk_packages(aiml_integrations.__path__, "aiml_integrations."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def test_the_public_modules_are_exactly_the_listed_ones() -> None:
    assert _public_module_names() == sorted([*PUBLIC, *VOCABULARY, *SERIALIZATION_PATHS])


@pytest.mark.parametrize("module_name", sorted({**PUBLIC, **SERIALIZATION_PATHS}))
def test_all_is_pinned_and_every_name_imports(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert set(module.__all__) == {**PUBLIC, **SERIALIZATION_PATHS}[module_name]
    assert len(module.__all__) == len(set(module.__all__)), "a name listed twice in __all__"
    for name in module.__all__:
        assert getattr(module, name) is not None


@pytest.mark.parametrize("module_name", GONE)
def test_former_public_paths_are_gone(module_name: str) -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(module_name)


def test_each_public_object_has_one_public_path() -> None:
    """An object defined once (class, function, instance, table) is exported by exactly one
    public module. Strings and numbers are skipped: equal literals may share identity."""
    paths: dict[int, list[str]] = {}
    for module_name in sorted([*PUBLIC, *VOCABULARY]):
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, (bool, int, float, str, type(None))):
                continue  # interned literals share identity by accident, not by export
            paths.setdefault(id(value), []).append(f"{module_name}.{name}")
    repeated = sorted(where for where in paths.values() if len(where) > 1)
    assert repeated == [], repeated
