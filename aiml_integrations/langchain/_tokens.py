"""Token counts that work offline: ``get_num_tokens`` / ``get_num_tokens_from_messages``.

Why not langchain-core's default: it tokenizes with GPT-2 through ``transformers``, which is an
optional dependency and downloads the tokenizer on first use, so ``trim_messages(
token_counter=model)`` or a token-based ``SummarizationMiddleware`` trigger fail offline with
``ImportError``. And no single tokenizer is exact here anyway: AI/ML API serves OpenAI, Claude,
Gemini, Llama ... models, each with its own vocabulary.

So the counts are langchain-core's *approximate* counter (``count_tokens_approximately``: about
four characters per token, 3.3 for Claude models as LangChain's own Anthropic tuning, fixed
costs per message and image, tool schemas counted), scaled by the real ``usage_metadata`` of
the latest answer in the history when there is one. Pass ``custom_get_token_ids=`` to the
model for exact counts with a tokenizer of your choice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.messages import BaseMessage, get_buffer_string
from langchain_core.messages.utils import count_tokens_approximately

__all__ = ["ApproximateTokenCounts"]

_CHARS_PER_TOKEN = 4.0
_CHARS_PER_TOKEN_CLAUDE = 3.3


class ApproximateTokenCounts:
    """Mixin for ``ChatAIMLAPI``: offline token counts (see the module docstring)."""

    if TYPE_CHECKING:
        model: str
        custom_get_token_ids: Callable[[str], list[int]] | None

    def _chars_per_token(self) -> float:
        return _CHARS_PER_TOKEN_CLAUDE if "claude" in self.model.lower() else _CHARS_PER_TOKEN

    def get_num_tokens(self, text: str) -> int:
        """Approximate tokens in ``text`` (exact with ``custom_get_token_ids``)."""
        if self.custom_get_token_ids is not None:
            return len(self.custom_get_token_ids(text))
        return math.ceil(len(text) / self._chars_per_token())

    def get_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None = None
    ) -> int:
        """Approximate tokens in a prompt: messages, roles, tool calls, images and ``tools``.

        Works offline and without ``transformers``. With ``custom_get_token_ids`` each
        message's text is counted with it instead (tool schemas then are not counted).
        """
        if self.custom_get_token_ids is not None:
            count = self.custom_get_token_ids
            return sum(len(count(get_buffer_string([m]))) for m in messages)
        return count_tokens_approximately(
            messages,
            chars_per_token=self._chars_per_token(),
            use_usage_metadata_scaling=True,
            tools=list(tools) if tools else None,
        )
