"""The HTTP client a LangChain model owns: built on first use, reused, closable.

Why a mixin: ``ChatAIMLAPI`` and ``AIMLAPIEmbeddings`` both keep one pooled
:class:`~aiml_integrations.transport.AIMLAPIClient` per instance (never one per call) and both
need a way to give its connections back — a long-lived process that drops models, or a test
that counts sockets, must not wait for garbage collection. Clients the caller passes in
(``http_client`` / ``http_async_client``) are borrowed: used, never closed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from aiml_integrations.config import AIMLAPIConfig
from aiml_integrations.transport import AIMLAPIClient

__all__ = ["ClientOwner"]


class ClientOwner:
    """Mixin for pydantic models that declare ``_client: AIMLAPIClient | None = PrivateAttr()``."""

    _client: AIMLAPIClient | None
    if TYPE_CHECKING:
        http_client: httpx.Client | None
        http_async_client: httpx.AsyncClient | None

    def _client_config(self) -> AIMLAPIConfig:
        raise NotImplementedError

    def _get_client(self) -> AIMLAPIClient:
        client = self._client
        if client is None:
            client = self._client = AIMLAPIClient(
                self._client_config(),
                http_client=self.http_client,
                http_async_client=self.http_async_client,
            )
        return client

    def close(self) -> None:
        """Close this model's HTTP connections. The model stays usable: a later call reconnects.

        A caller's ``http_client`` / ``http_async_client`` is left open for its owner."""
        client, self._client = self._client, None
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        """Async :meth:`close`: also closes the connections opened on the running event loop."""
        client, self._client = self._client, None
        if client is not None:
            client.close()
            await client.aclose()
