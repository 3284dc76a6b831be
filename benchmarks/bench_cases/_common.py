"""What every benchmark case shares: the subjects' settings, the server, and the subjects.

The server is ``benchmarks/_server.py`` in its own process, so the numbers are the client's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = "openai/gpt-4o-mini"
KEY = "sk-bench-0000"
MESSAGES = [{"role": "user", "content": "Hello"}]


def have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


# -- the server ------------------------------------------------------------------------------


@contextmanager
def bench_server(chunks: int) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "_server.py"), "--chunks", str(chunks)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"benchmark server did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def noop_model_class() -> Any:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    class NoOpChat(BaseChatModel):
        """LangChain's own floor: ``invoke`` machinery around a ``_generate`` that does nothing."""

        @property
        def _llm_type(self) -> str:
            return "noop"

        def _generate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> ChatResult:
            message = AIMessage(content="Hello! How can I help you today?")
            return ChatResult(generations=[ChatGeneration(message=message)])

    return NoOpChat


def raw_in_langchain_class(post: Callable[[], Any]) -> Any:
    """The no-op model whose ``_generate`` also does the raw httpx POST: LangChain + httpx with
    no adapter at all. Why a separate floor: the no-op model alone runs with hot CPU caches;
    after a blocking socket read the same LangChain code runs ~100 µs slower on this kind of
    machine, so "raw httpx + no-op" understates what any LangChain HTTP model can reach."""
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    class RawHttpxChat(noop_model_class()):  # type: ignore[misc]
        def _generate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> ChatResult:
            post()
            message = AIMessage(content="Hello! How can I help you today?")
            return ChatResult(generations=[ChatGeneration(message=message)])

    return RawHttpxChat


def litellm_module() -> Any:
    import litellm

    litellm.suppress_debug_info = True
    litellm.telemetry = False
    from aiml_integrations.litellm import register

    register()
    if not any(p.get("provider") == "benchnoop" for p in litellm.custom_provider_map):
        from litellm import CustomLLM
        from litellm.types.utils import ModelResponse

        class NoOpLLM(CustomLLM):  # type: ignore[misc]
            """LiteLLM's own floor: its ``completion`` machinery around a handler doing nothing."""

            def _answer(self, model_response: ModelResponse) -> ModelResponse:
                model_response.choices[0].message.content = "Hello! How can I help you today?"
                return model_response

            def completion(self, *args: Any, **kwargs: Any) -> ModelResponse:
                return self._answer(kwargs["model_response"])

            async def acompletion(self, *args: Any, **kwargs: Any) -> ModelResponse:
                return self._answer(kwargs["model_response"])

        litellm.custom_provider_map.append({"provider": "benchnoop", "custom_handler": NoOpLLM()})
        litellm.utils.custom_llm_setup()
    return litellm


def chat_aimlapi(url: str) -> Any:
    from aiml_integrations.langchain import ChatAIMLAPI

    settings: dict[str, Any] = {"model": MODEL, "api_key": KEY, "base_url": url}
    return ChatAIMLAPI(**settings)
