"""LangGraph: one prompt in, an illustration and a spoken narration out.

A three-node graph: a chat model writes a one-sentence narration, the image tool illustrates
the prompt, the text-to-speech tool reads the narration aloud. Each tool returns its URLs to
the graph and its cost and request id in the tool artifact; a failed step raises the same
typed errors as chat (here: a 429 on the image route, retried by LangChain's ``with_retry``).

Run: ``python examples/langgraph_media.py "a lighthouse in a storm"`` (offline on the mock
unless a key is set).
"""

from __future__ import annotations

import sys
from typing import Any, TypedDict

from _backend import backend
from langchain_core.exceptions import ModelRateLimitError
from langgraph.graph import END, START, StateGraph

from aiml_integrations.langchain import (
    AIMLAPIImageGenerationTool,
    AIMLAPITextToSpeechTool,
    ChatAIMLAPI,
)


class Story(TypedDict, total=False):
    prompt: str
    narration: str
    image_url: str
    audio_url: str
    costs: dict[str, float]


def _artifact(tool: Any, args: dict[str, Any]) -> dict[str, Any]:
    """Invoke a tool the way an agent does (a tool call) and return its artifact."""
    message = tool.invoke({"type": "tool_call", "id": tool.name, "name": tool.name, "args": args})
    artifact: dict[str, Any] = message.artifact
    return artifact


def build(base_url: str, api_key: str) -> Any:
    creds = {"base_url": base_url, "api_key": api_key}
    writer = ChatAIMLAPI(model="gpt-4o-mini", max_tokens=60, **creds)
    painter = AIMLAPIImageGenerationTool(model="flux/schnell", max_retries=0, **creds)
    speaker = AIMLAPITextToSpeechTool(model="openai/tts-1", voice="nova", **creds)
    # A 429 on the image route is retried by LangChain, keyed on langchain-core's type.
    paint = painter.with_retry(
        retry_if_exception_type=(ModelRateLimitError,), wait_exponential_jitter=False
    )

    def narrate(state: Story) -> Story:
        message = writer.invoke(f"Narrate in one sentence: {state['prompt']}")
        cost = float(message.response_metadata.get("usd_spent") or 0.0)
        return {"narration": str(message.content), "costs": {"narration text": cost}}

    def illustrate(state: Story) -> Story:
        call = {"type": "tool_call", "id": "paint", "name": painter.name}
        message = paint.invoke({**call, "args": {"prompt": state["prompt"], "size": "1024x768"}})
        artifact = message.artifact
        costs = {**state.get("costs", {}), "image": float(artifact["usd_spent"] or 0.0)}
        print(f"image request id: {artifact['request_id']}")
        return {"image_url": artifact["urls"][0], "costs": costs}

    def speak(state: Story) -> Story:
        artifact = _artifact(speaker, {"text": state["narration"]})
        costs = {**state.get("costs", {}), "speech": float(artifact["usd_spent"] or 0.0)}
        print(f"speech request id: {artifact['request_id']}")
        return {"audio_url": artifact["url"], "costs": costs}

    graph = StateGraph(Story)
    graph.add_node("narrate", narrate)
    graph.add_node("illustrate", illustrate)
    graph.add_node("speak", speak)
    graph.add_edge(START, "narrate")
    graph.add_edge("narrate", "illustrate")
    graph.add_edge("illustrate", "speak")
    graph.add_edge("speak", END)
    return graph.compile()


def main(prompt: str) -> None:
    with backend() as be:
        if be.mock is not None:  # offline: the first image request gets a 429, to show the retry
            from aiml_integrations.testing import presets

            be.mock.inject(presets.RATE_LIMITED, times=1, path="/v1/images/generations")
        story = build(be.base_url, be.api_key).invoke({"prompt": prompt})
        costs = story["costs"]
        print(f"narration: {story['narration']}")
        print(f"image: {story['image_url']}")
        print(f"narration audio: {story['audio_url']}")
        parts = ", ".join(f"{name} {usd:.6f}" for name, usd in costs.items())
        print(f"billed USD: {sum(costs.values()):.6f} ({parts})")
        if be.mock is not None:
            print("image route:", [r.status for r in be.mock.requests_for(path="/v1/images")])


if __name__ == "__main__":
    main(" ".join(sys.argv[1:]) or "a lighthouse in a storm")
