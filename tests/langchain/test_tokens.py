"""Token counts work offline, without ``transformers``: the model's own counters, LangChain's
``trim_messages(token_counter=model)`` and a token-based ``SummarizationMiddleware`` trigger
that counts with the model.

``transformers`` is made unimportable in every test (``sys.modules`` entry ``None``), which is
exactly the state in which langchain-core's default GPT-2 counter raises ``ImportError``; the
first test shows that failure on a bare ``BaseChatModel`` so the others cannot pass by luck.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain.agents.middleware import SummarizationMiddleware
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.messages.utils import trim_messages

from aiml_integrations.langchain import ChatAIMLAPI
from aiml_integrations.testing import MockAIMLAPI

from ._support import make_chat


@pytest.fixture(autouse=True)
def _no_transformers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)


def _offline(model: str = "openai/gpt-4o", **kwargs: Any) -> ChatAIMLAPI:
    return ChatAIMLAPI(model=model, api_key="unused", **kwargs)


def _history(turns: int, words: int = 100) -> list[BaseMessage]:
    history: list[BaseMessage] = [SystemMessage("You are terse.")]
    for i in range(turns):
        history += [HumanMessage(f"question {i} " + "word " * words), AIMessage(f"answer {i}")]
    return history


@pytest.mark.filterwarnings("ignore:Using fallback GPT-2 tokenizer")
def test_langchain_default_needs_transformers() -> None:
    """The failure this module fixes, on a model that keeps langchain-core's counter."""
    with pytest.raises(ImportError):
        FakeListChatModel(responses=["x"]).get_num_tokens_from_messages([HumanMessage("hi")])


def test_counts_are_approximate_and_grow_with_the_prompt() -> None:
    model = _offline()
    short = model.get_num_tokens_from_messages([HumanMessage("hi")])
    long = model.get_num_tokens_from_messages([HumanMessage("hi " * 400)])
    assert 0 < short < 20
    assert 250 < long < 350  # 1,200 characters at about four per token
    assert model.get_num_tokens("x" * 400) == 100


def test_tools_and_claude_vocabulary_are_counted() -> None:
    messages: list[BaseMessage] = [HumanMessage("what is the weather " * 20)]
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the weather for a city, in degrees and words.",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    model = _offline()
    assert model.get_num_tokens_from_messages(
        messages, tools=[tool]
    ) > model.get_num_tokens_from_messages(messages)
    claude = _offline("anthropic/claude-sonnet-4.5")
    assert claude.get_num_tokens_from_messages(messages) > model.get_num_tokens_from_messages(
        messages
    )


def test_custom_token_ids_give_exact_counts() -> None:
    model = _offline(custom_get_token_ids=lambda text: list(range(len(text.split()))))
    assert model.get_num_tokens("one two three") == 3
    assert model.get_num_tokens_from_messages([HumanMessage("one two"), AIMessage("three")]) == 5


def test_trim_messages_with_the_model_as_counter() -> None:
    model = _offline()
    history = _history(10)
    trimmed = trim_messages(
        history, max_tokens=200, token_counter=model, strategy="last", include_system=True
    )
    assert 2 <= len(trimmed) < len(history)
    assert isinstance(trimmed[0], SystemMessage) and trimmed[-1] is history[-1]
    assert model.get_num_tokens_from_messages(trimmed) <= 200


def test_token_trigger_counting_with_the_model_summarizes(aimlapi_mock: MockAIMLAPI) -> None:
    model = make_chat(aimlapi_mock, max_retries=0)
    summarizer = SummarizationMiddleware(
        model=make_chat(aimlapi_mock, max_retries=0),
        trigger=("tokens", 1000),
        keep=("messages", 2),
        token_counter=model.get_num_tokens_from_messages,
    )
    agent = create_agent(model=model, tools=[], middleware=[summarizer])
    history = [*_history(8, words=200)[1:], HumanMessage("and now?")]
    assert model.get_num_tokens_from_messages(history) > 1000

    result = agent.invoke({"messages": history})

    assert result["messages"][-1].content
    chats = aimlapi_mock.requests_for(path="/v1/chat/completions")
    assert len(chats) == 2  # one summary, one answer
    summary_call, main_call = chats
    assert summary_call.status == main_call.status == 200
    assert len(main_call.json["messages"]) < len(history)


def test_short_history_is_not_summarized(aimlapi_mock: MockAIMLAPI) -> None:
    model = make_chat(aimlapi_mock, max_retries=0)
    summarizer = SummarizationMiddleware(
        model=model, trigger=("tokens", 1000), token_counter=model.get_num_tokens_from_messages
    )
    agent = create_agent(model=model, tools=[], middleware=[summarizer])
    agent.invoke({"messages": [HumanMessage("hello")]})
    (only,) = aimlapi_mock.requests_for(path="/v1/chat/completions")
    assert only.json["messages"] == [{"role": "user", "content": "hello"}]
