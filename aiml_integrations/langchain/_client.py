"""The HTTP client a LangChain model owns: built on first use, reused, closable, copyable.

Why a mixin: ``ChatAIMLAPI`` and ``AIMLAPIEmbeddings`` both keep one pooled
:class:`~aiml_integrations._core.transport.AIMLAPIClient` per instance (never one per call) and both
need a way to give its connections back — a long-lived process that drops models, or a test
that counts sockets, must not wait for garbage collection.

Why a :class:`ClientSlot` rather than the client itself as the private attribute: the slot
holds the lock that makes first use thread-safe (eight threads sharing a fresh model build one
pool), and it copies and pickles as an *empty* slot. Pools, sockets and locks cannot be
copied; a deep copy, a pickled model (LangGraph checkpoints, multiprocessing) or a
``model_copy(update=...)`` with another key must build its own pool from its own settings.

Clients the caller passes in (``http_client`` / ``http_async_client``) are borrowed: the
transport uses them and never closes them (see
:class:`~aiml_integrations._core.transport.AIMLAPIClient`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from aiml_integrations._core.config import AIMLAPIConfig
from aiml_integrations._core.transport import AIMLAPIClient

__all__ = ["ClientOwner", "ClientSlot"]


class ClientSlot:
    """Where a model keeps its :class:`AIMLAPIClient`: created once, under a lock."""

    __slots__ = ("_lock", "client")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.client: AIMLAPIClient | None = None

    def get(self, make: Callable[[], AIMLAPIClient]) -> AIMLAPIClient:
        client = self.client
        if client is None:
            with self._lock:
                client = self.client
                if client is None:
                    client = self.client = make()
        return client

    def take(self) -> AIMLAPIClient | None:
        with self._lock:
            client, self.client = self.client, None
        return client

    # A copy is a new, empty slot: its model builds its own pool on first use.
    def __copy__(self) -> ClientSlot:
        return ClientSlot()

    def __deepcopy__(self, memo: dict[int, Any]) -> ClientSlot:
        return ClientSlot()

    def __reduce__(self) -> tuple[Any, ...]:
        return (ClientSlot, ())


class ClientOwner:
    """Mixin for pydantic models that declare ``_slot: ClientSlot = PrivateAttr(...)``."""

    _slot: ClientSlot
    if TYPE_CHECKING:
        http_client: httpx.Client | None
        http_async_client: httpx.AsyncClient | None

    def _client_config(self) -> AIMLAPIConfig:
        raise NotImplementedError

    def _make_client(self) -> AIMLAPIClient:
        # Classes without the two fields (the media tools) always use their own pool.
        return AIMLAPIClient(
            self._client_config(),
            http_client=getattr(self, "http_client", None),
            http_async_client=getattr(self, "http_async_client", None),
        )

    @property
    def _client(self) -> AIMLAPIClient | None:
        """The pool built so far (``None`` before the first call and after a close)."""
        return self._slot.client

    def _get_client(self) -> AIMLAPIClient:
        return self._slot.get(self._make_client)

    def __copy__(self) -> Any:
        # pydantic's shallow copy shares private attributes; the copy may have other settings
        # (``model_copy(update=...)``), so it gets its own slot.
        duplicate = super().__copy__()  # type: ignore[misc]
        duplicate._slot = ClientSlot()
        return duplicate

    def close(self) -> None:
        """Close this model's HTTP connections. The model stays usable: a later call reconnects.

        A caller's ``http_client`` / ``http_async_client`` is left open for its owner.

        Never raises. Calls running meanwhile finish, fail as a typed connection error, or
        run on a fresh pool (which the next close releases).
        """
        client = self._slot.take()
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        """Async :meth:`close`: also awaits closing the running event loop's connections."""
        client = self._slot.take()
        if client is not None:
            await client.aclose()
