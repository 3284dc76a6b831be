"""``ChatAIMLAPI``: AI/ML API as a native LangChain chat model.

Why not a ``ChatOpenAI`` subclass: that path imports the openai SDK (~0.5 s), stacks the SDK's
hidden retries under LangChain's, turns AI/ML API's non-OpenAI error bodies into generic or
unclassified errors, drops ``reasoning_content`` and billing, and disables stream usage for
custom base URLs. This class talks to the core transport directly: one pooled client per model
instance, errors classified once by the core and raised as LangChain's ``ModelError`` family
(see :mod:`aiml_integrations.langchain._errors`), one bounded retry layer (``max_retries``).

Retries and fallbacks: ``max_retries`` (default 2) retries retryable errors (429, 5xx,
timeouts, connection failures) honouring ``Retry-After``; streams are retried only before their
first chunk. Put ``max_retries=0`` on models behind ``with_fallbacks`` /
``ModelFallbackMiddleware`` so the fallback happens at once.
"""

from __future__ import annotations

import warnings
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Generator,
    Iterator,
    Sequence,
)
from contextlib import aclosing
from functools import cache
from typing import Any

import httpx
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import (
    BaseChatModel,
    LangSmithParams,
    LanguageModelInput,
    ModelProfile,
)
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils import get_pydantic_field_names, secret_from_env
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict, Field, PrivateAttr, SecretStr, model_validator

from aiml_integrations._core.api import CHAT_PATH as _PATH
from aiml_integrations._core.config import API_KEY_ENV_VARS, AIMLAPIConfig
from aiml_integrations.catalog import preflight as _preflight
from aiml_integrations.errors import AIMLAPIError
from aiml_integrations.langchain._answers import (
    PROVIDER,
    StreamState,
    chat_result,
    drop_none,
    event_chunk,
)
from aiml_integrations.langchain._client import ClientOwner, ClientSlot
from aiml_integrations.langchain._errors import raise_native
from aiml_integrations.langchain._messages import messages_to_dicts
from aiml_integrations.langchain._profile import model_profile
from aiml_integrations.langchain._retry import (
    acall_with_retries,
    astream_with_retries,
    call_with_retries,
    stream_with_retries,
)
from aiml_integrations.langchain._structured import (
    StructuredMethod,
    format_tool_choice,
    format_tools,
    response_format_for,
    structured_parser,
    with_raw,
)
from aiml_integrations.langchain._tokens import ApproximateTokenCounts

__all__ = ["ChatAIMLAPI"]


@cache
def _field_names(cls: type[BaseChatModel]) -> frozenset[str]:
    return frozenset(get_pydantic_field_names(cls))


class ChatAIMLAPI(ClientOwner, ApproximateTokenCounts, BaseChatModel):
    """Chat model served by AI/ML API (aimlapi.com), OpenAI-compatible chat completions.

    Setup: ``pip install aiml-integrations`` and set ``AIMLAPI_API_KEY`` (or ``AIML_API_KEY``).

    Example:
        .. code-block:: python

            from aiml_integrations.langchain import ChatAIMLAPI

            model = ChatAIMLAPI(model="openai/gpt-4o", temperature=0, max_retries=2)
            model.invoke("Hello").content

    Errors are LangChain's ``ModelError`` types *and* this package's
    ``aiml_integrations.errors`` types (e.g. ``AIMLAPIRateLimitError`` is both a
    ``ModelRateLimitError`` and a ``RateLimitError``), with ``is_retryable`` set correctly.

    The client (connection pool) is created on first use and reused by every call of this
    instance; settings changed after the first call are not picked up by the pool.

    Token counts (``get_num_tokens_from_messages``, ``trim_messages(token_counter=model)``)
    are approximate and work offline (:mod:`aiml_integrations.langchain._tokens`).
    """

    model: str = Field(alias="model_name")
    """AI/ML API model id, e.g. ``"openai/gpt-4o"`` or ``"gpt-4o"``."""
    api_key: SecretStr | None = Field(
        default_factory=secret_from_env(list(API_KEY_ENV_VARS), default=None)
    )
    """Defaults to ``AIMLAPI_API_KEY`` then ``AIML_API_KEY``. Missing → error at call time."""
    base_url: str | None = Field(default=None, alias="base_url")
    """Defaults to ``AIMLAPI_BASE_URL`` / ``AIML_API_BASE``, then ``https://api.aimlapi.com/v1``."""
    temperature: float | None = None
    max_tokens: int | None = Field(default=None, alias="max_completion_tokens")
    top_p: float | None = None
    n: int | None = None
    seed: int | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    reasoning_effort: str | None = None
    """For reasoning models: ``"low"`` / ``"medium"`` / ``"high"`` (model dependent)."""
    stop: list[str] | None = Field(default=None, alias="stop_sequences")
    timeout: float | None = Field(default=None, alias="request_timeout", gt=0)
    """Seconds for the whole call (streams included). ``None``: 10 s connect, 600 s read."""
    max_retries: int = Field(default=2, ge=0)
    """Retries of retryable errors (429, 5xx, timeout, connection). 0 disables."""
    streaming: bool = False
    """Use the streaming endpoint for ``invoke`` too."""
    stream_usage: bool = True
    """Attach token usage to the last streamed chunk (AI/ML API always reports it)."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra request-body fields (e.g. ``{"provider": "openai"}``), sent as-is."""
    default_headers: dict[str, str] | None = None
    client_request_id: str | None = None
    """Sent as ``X-Client-Request-Id`` so calls can be traced in AI/ML API's logs."""
    http_client: httpx.Client | None = Field(default=None, exclude=True)
    """An ``httpx.Client`` you own (proxy, mTLS, custom transport, a pool shared by many
    models): used for sync calls instead of our own pool, never closed by this model."""
    http_async_client: httpx.AsyncClient | None = Field(default=None, exclude=True)
    """An ``httpx.AsyncClient`` you own, for async calls; never closed by this model."""
    preflight: bool = True
    """Check each request against the model catalog before sending
    (:func:`aiml_integrations.catalog.preflight`): fold system messages for models without a
    system role, fail fast on an unknown model id (only with a fresh ``aimlapi models sync``),
    reject or drop parameters the model cannot take. ``$AIMLAPI_PREFLIGHT=0`` turns it off
    process-wide; ``False`` turns it off for this model."""
    drop_params: bool = False
    """With preflight: drop parameters the catalog says the model cannot take (``tools``,
    ``json_schema`` ``response_format``, ``reasoning_effort`` ...) instead of raising
    ``AIMLAPIInvalidRequestError``."""

    model_config = ConfigDict(populate_by_name=True)

    _slot: ClientSlot = PrivateAttr(default_factory=ClientSlot)

    @model_validator(mode="before")
    @classmethod
    def _extra_to_model_kwargs(cls, values: Any) -> Any:
        """Unknown constructor arguments become request-body fields, with a warning.

        Why: AI/ML API models take many provider-specific fields (``provider``,
        ``enable_thinking``, ``thinking`` ...); silently dropping them (pydantic's default)
        would send a different request than the user wrote.
        """
        if not isinstance(values, dict):
            return values
        known = _field_names(cls)
        extra = [k for k in values if k not in known]
        if not extra:
            return values
        values = dict(values)
        model_kwargs = dict(values.get("model_kwargs") or {})
        for name in extra:
            if name in model_kwargs:
                raise ValueError(f"{name} supplied twice (directly and in model_kwargs)")
            warnings.warn(
                f"{name} is not a ChatAIMLAPI parameter; it is sent in the request body "
                "(pass it in model_kwargs to silence this warning)",
                stacklevel=2,
            )
            model_kwargs[name] = values.pop(name)
        values["model_kwargs"] = model_kwargs
        return values

    # -- LangChain metadata -----------------------------------------------------------------

    @property
    def _llm_type(self) -> str:
        return "aimlapi-chat"

    @classmethod
    def is_lc_serializable(cls) -> bool:
        return True

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        return ["aiml_integrations", "langchain", "chat_models"]

    @property
    def lc_secrets(self) -> dict[str, str]:
        return {"api_key": "AIMLAPI_API_KEY"}

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model": self.model, **self._default_params()}

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = super()._get_ls_params(stop=stop, **kwargs)
        params["ls_provider"] = PROVIDER
        stops = stop if stop is not None else self.stop
        if stops:
            params["ls_stop"] = stops
        return params

    def _resolve_model_profile(self) -> ModelProfile | None:
        return model_profile(self.model)

    # -- request building -------------------------------------------------------------------

    def _default_params(self) -> dict[str, Any]:
        return drop_none(
            {
                "temperature": self.temperature,
                "max_tokens": self.max_tokens,
                "top_p": self.top_p,
                "n": self.n,
                "seed": self.seed,
                "frequency_penalty": self.frequency_penalty,
                "presence_penalty": self.presence_penalty,
                "reasoning_effort": self.reasoning_effort,
            }
        )

    def _payload(
        self,
        messages: Sequence[BaseMessage],
        stop: list[str] | None,
        stream: bool,
        kwargs: dict[str, Any],
    ) -> dict[str, Any]:
        kwargs.pop("ls_structured_output_format", None)
        stream_usage = kwargs.pop("stream_usage", self.stream_usage)
        payload: dict[str, Any] = {"model": self.model, "messages": messages_to_dicts(messages)}
        payload.update(self._default_params())
        stops = stop if stop is not None else self.stop
        if stops:
            payload["stop"] = stops
        if self.model_kwargs:
            payload.update(self.model_kwargs)
        payload.update(kwargs)
        if stream:
            payload["stream"] = True
            if stream_usage:
                payload["stream_options"] = {"include_usage": True}
        try:
            return _preflight(
                payload, drop_params=self.drop_params, enabled=None if self.preflight else False
            )
        except AIMLAPIError as exc:
            raise_native(exc)

    def _client_config(self) -> AIMLAPIConfig:
        return AIMLAPIConfig.resolve(
            self.api_key,
            self.base_url,
            timeout=self.timeout,
            default_headers=self.default_headers,
            client_request_id=self.client_request_id,
        )

    # -- sync --------------------------------------------------------------------------------

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        payload = self._payload(messages, stop, False, kwargs)
        client = self._get_client()
        response = call_with_retries(lambda: client.post(_PATH, payload), self.max_retries)
        return chat_result(response, payload["model"])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        include_usage = kwargs.get("stream_usage", self.stream_usage)
        payload = self._payload(messages, stop, True, kwargs)
        client = self._get_client()

        def attempt() -> Generator[ChatGenerationChunk, None, None]:
            state = StreamState()
            with client.stream(_PATH, payload) as events:
                for event in events:
                    chunk = event_chunk(event, state)
                    if chunk is not None:
                        yield chunk
                request_id = events.request_id
            yield state.closing_chunk(request_id, include_usage, payload["model"])

        yield from stream_with_retries(attempt, self.max_retries)

    # -- async -------------------------------------------------------------------------------

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        payload = self._payload(messages, stop, False, kwargs)
        client = self._get_client()
        response = await acall_with_retries(lambda: client.apost(_PATH, payload), self.max_retries)
        return chat_result(response, payload["model"])

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        include_usage = kwargs.get("stream_usage", self.stream_usage)
        payload = self._payload(messages, stop, True, kwargs)
        client = self._get_client()

        async def attempt() -> AsyncGenerator[ChatGenerationChunk, None]:
            state = StreamState()
            async with client.astream(_PATH, payload) as events:
                async for event in events:
                    chunk = event_chunk(event, state)
                    if chunk is not None:
                        yield chunk
                request_id = events.request_id
            yield state.closing_chunk(request_id, include_usage, payload["model"])

        async with aclosing(astream_with_retries(attempt, self.max_retries)) as chunks:
            async for chunk in chunks:
                yield chunk

    # -- tools and structured output ---------------------------------------------------------

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: dict[str, Any] | str | bool | None = None,
        strict: bool | None = None,
        parallel_tool_calls: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (functions, pydantic models, ``BaseTool``, OpenAI dicts).

        ``tool_choice``: ``"auto"``, ``"none"``, ``"any"`` / ``"required"`` (force some tool),
        a tool name (force that tool), ``True`` or an OpenAI ``tool_choice`` dict.
        """
        formatted = format_tools(tools, strict=strict)
        choice = format_tool_choice(tool_choice, formatted)
        if choice is not None:
            kwargs["tool_choice"] = choice
        if parallel_tool_calls is not None:
            kwargs["parallel_tool_calls"] = parallel_tool_calls
        return super().bind(tools=formatted, **kwargs)

    def with_structured_output(
        self,
        schema: dict[str, Any] | type,
        *,
        method: StructuredMethod = "function_calling",
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | Any]:
        """Answers parsed into ``schema`` (pydantic class, TypedDict or JSON schema).

        ``method``: ``"function_calling"`` (default: the most widely supported across the
        upstream models AI/ML API serves), ``"json_schema"`` (``response_format`` with the
        schema; needs a model with native structured output) or ``"json_mode"``
        (``{"type": "json_object"}``; the prompt must describe the keys). A refusal raises
        ``ModelRefusalError`` (returned as ``parsing_error`` with ``include_raw=True``).
        """
        if kwargs:
            raise ValueError(f"Received unsupported arguments {kwargs}")
        ls_format = {"kwargs": {"method": method, "strict": strict}, "schema": schema}
        llm: Runnable[Any, Any]
        if method == "function_calling":
            tool_name = convert_to_openai_tool(schema)["function"]["name"]
            llm = self.bind_tools(
                [schema],
                tool_choice=tool_name,
                strict=strict,
                ls_structured_output_format=ls_format,
            )
        elif method == "json_schema":
            llm = self.bind(
                response_format=response_format_for(schema, strict),
                ls_structured_output_format=ls_format,
            )
        elif method == "json_mode":
            llm = self.bind(
                response_format={"type": "json_object"}, ls_structured_output_format=ls_format
            )
        else:
            raise ValueError(
                f"method must be 'function_calling', 'json_schema' or 'json_mode', not {method!r}"
            )
        parser = structured_parser(schema, method)
        if include_raw:
            return with_raw(llm, parser)
        return llm | parser
