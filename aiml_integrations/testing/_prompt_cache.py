"""Prompt caching as Claude models do it behind AI/ML API: ``cache_control`` breakpoints.

Why the mock models it: a client that flattens content blocks to strings drops
``cache_control`` and caching silently never happens; the only visible difference is in
``usage``. So the mock answers like the upstream: the first request whose prompt prefix up to a
breakpoint is long enough *writes* that prefix (``cache_creation_input_tokens``), a later
request with the same prefix (same key and model) *reads* it (``cache_read_input_tokens`` and
``prompt_tokens_details.cached_tokens``). A prompt with no breakpoint never touches the cache.

Simplifications, on purpose: prefixes are compared as whole messages (a breakpoint is a message
with at least one ``cache_control`` block), entries never expire (``reset()`` clears them), and
token counts are the fake model's estimate. Prefixes shorter than
:data:`MIN_CACHEABLE_TOKENS` are not cached, as upstream.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiml_integrations.testing._fake_model import estimate_prompt_tokens

__all__ = ["MIN_CACHEABLE_TOKENS", "CacheUse", "PromptCache"]

MIN_CACHEABLE_TOKENS = 1024
_MAX_ENTRIES = 512


@dataclass(frozen=True)
class CacheUse:
    """What one request did with the cache; ``breakpoints`` is 0 when it asked for nothing."""

    read: int = 0
    written: int = 0
    breakpoints: int = 0


def _has_breakpoint(message: Any) -> bool:
    if not isinstance(message, Mapping):
        return False
    content = message.get("content")
    return isinstance(content, list) and any(
        isinstance(part, Mapping) and part.get("cache_control") for part in content
    )


class PromptCache:
    """Prefixes written so far, per (key, model); thread safe, bounded (oldest dropped)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, int] = OrderedDict()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def use(self, api_key: str | None, model: str, messages: Sequence[Any]) -> CacheUse:
        """Look the request's breakpoints up, longest first, and write what was missing."""
        ends = [i + 1 for i, message in enumerate(messages) if _has_breakpoint(message)]
        if not ends:
            return CacheUse()
        prefixes = []
        for end in ends:
            prefix = list(messages[:end])
            tokens = estimate_prompt_tokens(prefix)
            if tokens >= MIN_CACHEABLE_TOKENS:
                text = json.dumps([api_key, model, prefix], sort_keys=True, default=str)
                prefixes.append((hashlib.sha256(text.encode()).hexdigest(), tokens))
        if not prefixes:
            return CacheUse(breakpoints=len(ends))
        with self._lock:
            read = next((tokens for key, tokens in reversed(prefixes) if key in self._entries), 0)
            longest = prefixes[-1][1]
            for key, tokens in prefixes:
                self._entries[key] = tokens
                self._entries.move_to_end(key)
            while len(self._entries) > _MAX_ENTRIES:
                self._entries.popitem(last=False)
        return CacheUse(read=read, written=longest - read, breakpoints=len(ends))
