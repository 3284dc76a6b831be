"""``AIMLAPIEmbeddings``: AI/ML API ``/v1/embeddings`` as a LangChain ``Embeddings``.

Why not the peers: ``langchain-aimlapi`` sent one request per text and dropped empty texts
(so vectors no longer lined up with inputs); ``OpenAIEmbeddings`` tokenizes with tiktoken and
sends token arrays unless told not to, and raises unclassified openai errors. Here: one batched
request per ``chunk_size`` texts, vectors put back in input order by ``index``, the same typed
errors and bounded retries as :class:`~aiml_integrations.langchain.ChatAIMLAPI`.
"""

from __future__ import annotations

from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_core.utils import secret_from_env
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr

from aiml_integrations._answer_errors import malformed_answer
from aiml_integrations.config import API_KEY_ENV_VARS, AIMLAPIConfig
from aiml_integrations.langchain._client import ClientOwner, ClientSlot
from aiml_integrations.langchain._errors import raise_native
from aiml_integrations.langchain._retry import acall_with_retries, call_with_retries
from aiml_integrations.transport import APIResponse

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
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra request-body fields, sent as-is."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid", protected_namespaces=())

    _slot: ClientSlot = PrivateAttr(default_factory=ClientSlot)

    def _client_config(self) -> AIMLAPIConfig:
        return AIMLAPIConfig.resolve(
            self.api_key, self.base_url, timeout=self.timeout, default_headers=self.default_headers
        )

    def _payload(self, texts: list[str]) -> dict[str, Any]:
        payload: dict[str, Any] = {"model": self.model, "input": texts}
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
        try:
            ordered = sorted(data, key=lambda item: item.get("index", 0))
            return [[float(x) for x in item["embedding"]] for item in ordered]
        except (AttributeError, TypeError, KeyError, ValueError) as exc:
            raise_native(
                malformed_answer(
                    f"embeddings this client cannot read ({type(exc).__name__}: {exc})",
                    status_code=response.status_code,
                    request_id=response.request_id,
                    path=_PATH,
                )
            )

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
