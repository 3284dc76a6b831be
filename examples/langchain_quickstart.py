"""LangChain with ``ChatAIMLAPI``: invoke, stream, tools, and a typed error.

Run: ``python examples/langchain_quickstart.py`` (offline on the mock unless a key is set).
"""

from __future__ import annotations

from _backend import backend
from langchain_core.exceptions import ModelNotFoundError
from langchain_core.tools import tool

from aiml_integrations.langchain import ChatAIMLAPI


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


with backend() as be:
    model = ChatAIMLAPI(model="gpt-4o-mini", base_url=be.base_url, api_key=be.api_key)
    msg = model.invoke("Say hello in five words.")
    print("answer:", msg.content)
    print("usage:", msg.usage_metadata, "| billed USD:", msg.response_metadata.get("usd_spent"))
    print("streamed:", "".join(str(c.content) for c in model.stream("Count to three.")))
    call = model.bind_tools([get_weather], tool_choice="any").invoke("Weather in Paris?")
    print("tool calls:", call.tool_calls)
    try:
        ChatAIMLAPI(model="no-such-model", base_url=be.base_url, api_key=be.api_key).invoke("hi")
    except ModelNotFoundError as exc:
        print("unknown model ->", type(exc).__name__, "| retryable:", exc.is_retryable)
