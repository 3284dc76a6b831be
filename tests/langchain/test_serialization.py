"""The serialization recipe of docs/langchain.md, as written there: ``dumpd`` / ``load`` with
an explicit ``allowed_objects=[...]`` list, for a model and for a chain, without the key in
the serialized form; the loaded objects answer from the mock like the originals did."""

from __future__ import annotations

import json

import pytest
from langchain_core.load import dumpd, dumps, load
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import (
    ChatPromptTemplate,
    HumanMessagePromptTemplate,
    PromptTemplate,
    SystemMessagePromptTemplate,
)
from langchain_core.runnables import RunnableSequence

from aiml_integrations.langchain import ChatAIMLAPI
from aiml_integrations.testing import MockAIMLAPI

pytestmark = pytest.mark.filterwarnings("ignore:The function `load` is in beta")

CHAIN_CLASSES = [
    RunnableSequence,
    ChatPromptTemplate,
    SystemMessagePromptTemplate,
    HumanMessagePromptTemplate,
    PromptTemplate,
    ChatAIMLAPI,
    StrOutputParser,
]


def _model(mock: MockAIMLAPI) -> ChatAIMLAPI:
    return ChatAIMLAPI(
        model="openai/gpt-4o", base_url=mock.base_url, api_key=mock.api_key, temperature=0
    )


def test_model_round_trip(aimlapi_mock: MockAIMLAPI) -> None:
    model = _model(aimlapi_mock)
    data = dumpd(model)
    assert aimlapi_mock.api_key not in json.dumps(data)
    loaded = load(
        data,
        allowed_objects=[ChatAIMLAPI],
        valid_namespaces=["aiml_integrations"],
        secrets_map={"AIMLAPI_API_KEY": aimlapi_mock.api_key},
    )
    assert isinstance(loaded, ChatAIMLAPI) and loaded is not model
    assert (loaded.model, loaded.temperature) == ("openai/gpt-4o", 0)
    assert loaded.base_url == model.base_url
    assert loaded.invoke("hello").content == "hello"
    assert [r.api_key for r in aimlapi_mock.requests] == [aimlapi_mock.api_key]


def test_chain_round_trip(aimlapi_mock: MockAIMLAPI) -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "Be {tone}."), ("human", "{question}")])
    chain = prompt | _model(aimlapi_mock) | StrOutputParser()
    text = dumps(chain)
    assert aimlapi_mock.api_key not in text
    loaded = load(
        json.loads(text),
        allowed_objects=CHAIN_CLASSES,
        valid_namespaces=["aiml_integrations"],
        secrets_map={"AIMLAPI_API_KEY": aimlapi_mock.api_key},
    )
    assert isinstance(loaded, RunnableSequence)
    inputs = {"tone": "brief", "question": "what is up"}
    assert loaded.invoke(inputs) == chain.invoke(inputs) == "what is up"
    first, second = (r.json["messages"] for r in aimlapi_mock.requests)
    assert (
        first
        == second
        == [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "what is up"},
        ]
    )


@pytest.mark.parametrize("allowed", ["all", "core", [RunnableSequence, ChatPromptTemplate]])
def test_without_the_explicit_list_load_refuses(allowed: object) -> None:
    """Why the recipe spells the list: langchain-core refuses third-party classes otherwise."""
    chain = ChatPromptTemplate.from_template("{q}") | ChatAIMLAPI(model="openai/gpt-4o")
    with pytest.raises(ValueError, match="not allowed"):
        load(
            dumpd(chain),
            allowed_objects=allowed,  # type: ignore[arg-type]
            valid_namespaces=["aiml_integrations"],
            secrets_map={"AIMLAPI_API_KEY": "k"},
        )
