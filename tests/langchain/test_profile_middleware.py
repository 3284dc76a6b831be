"""``ChatAIMLAPI.profile`` (from the catalog) is what LangChain's middleware needs.

Why: ``SummarizationMiddleware(trigger=("fraction", ...))`` refuses a model without
``profile["max_input_tokens"]``, and then measures the history against it. With the catalog's
context window, an agent whose history crosses the fraction gets it summarized before the
main call, instead of learning the limit from a failed request.
"""

from __future__ import annotations

import pytest
from langchain.agents import create_agent
from langchain.agents.middleware import SummarizationMiddleware
from langchain_core.messages import AIMessage, HumanMessage

from aiml_integrations.langchain import ChatAIMLAPI
from aiml_integrations.testing import MockAIMLAPI

SMALL = "mistralai/mistral-small-24b-instruct-2501"  # 32,768-token window in the catalog


def _model(mock: MockAIMLAPI, model: str = SMALL) -> ChatAIMLAPI:
    return ChatAIMLAPI(model=model, base_url=mock.base_url, api_key=mock.api_key, max_retries=0)


def test_fraction_trigger_needs_and_uses_the_catalog_profile(aimlapi_mock: MockAIMLAPI) -> None:
    model = _model(aimlapi_mock)
    assert model.profile is not None and model.profile["max_input_tokens"] == 32768
    summarizer = SummarizationMiddleware(
        model=_model(aimlapi_mock), trigger=("fraction", 0.5), keep=("messages", 2)
    )
    agent = create_agent(model=model, tools=[], middleware=[summarizer])

    # ~20k tokens by LangChain's approximate counter: over half of 32k, under all of it.
    history: list[HumanMessage | AIMessage] = []
    for i in range(10):
        history += [HumanMessage(f"turn {i} " + "word " * 1600), AIMessage(f"answer {i}")]
    history.append(HumanMessage("and now?"))
    result = agent.invoke({"messages": history})

    assert result["messages"][-1].content  # the agent answered
    chats = aimlapi_mock.requests_for(path="/v1/chat/completions")
    assert len(chats) == 2, [len(str(r.json)) for r in chats]  # one summary, one answer
    summary_call, main_call = chats
    sent_history = sum(len(str(m.get("content", ""))) for m in main_call.json["messages"])
    full_history = sum(len(m.content) for m in history)  # type: ignore[misc, arg-type]
    assert sent_history < full_history / 4  # the main call got the summary, not the history
    assert summary_call.status == 200 and main_call.status == 200


def test_a_model_without_a_profile_cannot_use_fraction_triggers(aimlapi_mock: MockAIMLAPI) -> None:
    unknown = _model(aimlapi_mock, "acme/not-in-the-catalog")
    assert unknown.profile is None
    with pytest.raises(ValueError, match="profile"):
        SummarizationMiddleware(model=unknown, trigger=("fraction", 0.5))
