"""``AIMLAPIEmbeddings``: AI/ML API ``/v1/embeddings`` as a LangChain ``Embeddings``.

Why its own class: one request per text is slow, and dropping empty texts would make vectors
no longer line up with inputs; ``OpenAIEmbeddings`` tokenizes with tiktoken and
sends token arrays unless told not to, and raises unclassified openai errors. Here: one batched
request per ``chunk_size`` texts, vectors put back in input order by ``index``, the same typed
errors and bounded retries as :class:`~aiml_integrations.langchain.ChatAIMLAPI`.

Vectors are asked for as base64 float32 (``encoding_format="base64"``) unless the caller chose
a format in ``model_kwargs``: a quarter of the bytes of JSON floats and several times faster to
read (:mod:`aiml_integrations._core.embedding_codec`, standard library only). A model that answers
floats anyway is read just the same.
"""

from __future__ import annotations

from typing import Any

import httpx
from langchain_core.embeddings import Embeddings
from langchain_core.utils import secret_from_env
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr

from aiml_integrations._core.answer_errors import malformed_answer
from aiml_integrations._core.config import API_KEY_ENV_VARS, AIMLAPIConfig
from aiml_integrations._core.embedding_codec import decode_vector
from aiml_integrations._core.transport import APIResponse
from aiml_integrations.langchain._client import ClientOwner, ClientSlot
from aiml_integrations.langchain._errors import raise_native
from aiml_integrations.langchain._retry import acall_with_retries, call_with_retries

__all__ = ["AIMLAPIEmbeddings"]

_PATH = "/v1/embeddings"


class AIMLAPIEmbeddings(ClientOwner, BaseModel, Embeddings):
    """Embedding model served by AI/ML API.

    Example:
        .. code-block:: python

            from aiml_integrations.langchain import AIMLAPIEmbeddings

            embeddings = AIMLAPIEmbeddings(model="text-embedding-3-small")
            vectors = embeddings.embed_documents(["hello", "world"])
    """

    model: str = Field(alias="model_name")
    api_key: SecretStr | None = Field(
        default_factory=secret_from_env(list(API_KEY_ENV_VARS), default=None)
    )
    """Defaults to ``AIMLAPI_API_KEY`` then ``AIML_API_KEY``. Missing → error at call time."""
    base_url: str | None = None
    chunk_size: int = Field(default=1000, gt=0)
    """Texts per request."""
    dimensions: int | None = None
    """Output size, for models that can shorten their vectors (text-embedding-3-*)."""
    timeout: float | None = Field(default=None, alias="request_timeout", gt=0)
    max_retries: int = Field(default=2, ge=0)
    default_headers: dict[str, str] | None = None
    http_client: httpx.Client | None = Field(default=None, exclude=True)
    """An ``httpx.Client`` you own (proxy, mTLS, custom transport, a pool shared by many
    models): used for sync calls instead of our own pool, never closed by this model."""
    http_async_client: httpx.AsyncClient | None = Field(default=None, exclude=True)
    """An ``httpx.AsyncClient`` you own, for async calls; never closed by this model."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra request-body fields, sent as-is. ``{"encoding_format": "float"}`` asks for JSON
    floats instead of the default base64 (the vectors returned are the same)."""

    model_config = ConfigDict(
        populate_by_name=True,
        extra="forbid",
        protected_namespaces=(),
        arbitrary_types_allowed=True,
    )

    _slot: ClientSlot = PrivateAttr(default_factory=ClientSlot)

    def _client_config(self) -> AIMLAPIConfig:
        return AIMLAPIConfig.resolve(
            self.api_key, self.base_url, timeout=self.timeout, default_headers=self.default_headers
        )

    def _payload(self, texts: list[str]) -> dict[str, Any]:
        payload: dict[str, Any] = {"model": self.model, "input": texts, "encoding_format": "base64"}
        if self.dimensions is not None:
            payload["dimensions"] = self.dimensions
        if self.model_kwargs:
            payload.update(self.model_kwargs)
        return payload

    def _vectors(self, response: APIResponse, expected: int) -> list[list[float]]:
        data = response.data.get("data") if isinstance(response.data, dict) else None
        if not isinstance(data, list) or len(data) != expected:
            got = len(data) if isinstance(data, list) else "no"
            raise_native(
                malformed_answer(
                    f"{got} embeddings for {expected} inputs",
                    status_code=response.status_code,
                    request_id=response.request_id,
                    path=_PATH,
                )
            )
        vectors: list[list[float]] = []
        try:
            for item in sorted(data, key=lambda item: item.get("index", 0)):
                vector = decode_vector(item["embedding"])
                if vector is None:
                    raise ValueError("an embedding that is neither floats nor base64 float32")
                vectors.append(vector)
        except (AttributeError, TypeError, KeyError, ValueError) as exc:
            raise_native(
                malformed_answer(
                    f"embeddings this client cannot read ({type(exc).__name__}: {exc})",
                    status_code=response.status_code,
                    request_id=response.request_id,
                    path=_PATH,
                )
            )
        return vectors

    def _chunks(self, texts: list[str]) -> list[list[str]]:
        size = self.chunk_size
        return [texts[i : i + size] for i in range(0, len(texts), size)]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One request per ``chunk_size`` texts; an empty list sends nothing."""
        if not texts:
            return []
        client = self._get_client()
        vectors: list[list[float]] = []
        for chunk in self._chunks(list(texts)):
            payload = self._payload(chunk)
            response = call_with_retries(
                lambda payload=payload: client.post(_PATH, payload),  # type: ignore[misc]
                self.max_retries,
            )
            vectors.extend(self._vectors(response, len(chunk)))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Async :meth:`embed_documents` (chunks sent one after another)."""
        if not texts:
            return []
        client = self._get_client()
        vectors: list[list[float]] = []
        for chunk in self._chunks(list(texts)):
            payload = self._payload(chunk)
            response = await acall_with_retries(
                lambda payload=payload: client.apost(_PATH, payload),  # type: ignore[misc]
                self.max_retries,
            )
            vectors.extend(self._vectors(response, len(chunk)))
        return vectors

    async def aembed_query(self, text: str) -> list[float]:
        return (await self.aembed_documents([text]))[0]
