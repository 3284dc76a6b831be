"""DSPy: ``dspy.LM("aimlapi/...")`` under ``Predict`` and a one-tool ``ReAct`` program.

DSPy asks LiteLLM for ``num_retries=3`` by default (``retry_strategy="exponential_backoff_retry"``);
LiteLLM retries only retryable errors, so out of credits and 401 go out once, a 429 is retried.
DSPy 3.4 re-raises provider errors as its own ``LMAuthError`` / ``LMInvalidRequestError`` ...,
with the LiteLLM-native error in the cause chain.
DSPy has no fallback of its own; LiteLLM's ``fallbacks=[...]`` pass through ``dspy.LM``.
Both of DSPy's adapters (``[[ ## field ## ]]`` sections and JSON) parse the fake model's answers.
"""

from __future__ import annotations

import asyncio
from typing import Any

import dspy
import litellm
import pytest
from dspy.utils.exceptions import LMAuthError, LMInvalidRequestError

from aiml_integrations.testing import MockAIMLAPI, presets

from .._support import (
    FALLBACK_MODEL,
    KEY_A,
    KEY_B,
    MODEL,
    TASK,
    TOOL_RESULT,
    chats,
    get_weather,
    sends_tool_result,
    trace,
)


def _lm(mock: MockAIMLAPI, **kwargs: Any) -> dspy.LM:
    return dspy.LM(MODEL, api_base=mock.base_url, api_key=KEY_A, cache=False, **kwargs)


def _react() -> dspy.ReAct:
    return dspy.ReAct("question -> answer", tools=[get_weather], max_iters=4)


@pytest.mark.parametrize("adapter", [dspy.ChatAdapter, dspy.JSONAdapter], ids=["chat", "json"])
def test_react_one_tool_run_reaches_the_final_answer(mock: MockAIMLAPI, adapter: type) -> None:
    with dspy.context(lm=_lm(mock), adapter=adapter()):
        prediction = _react()(question=TASK)
    assert prediction.answer == TOOL_RESULT
    assert prediction.trajectory["tool_name_0"] == "get_weather"
    assert prediction.trajectory["tool_args_0"] == {"city": "Paris"}
    calls = chats(mock)
    # get_weather, finish, then the extraction step: three calls, all answered, none re-parsed.
    assert [r.status for r in calls] == [200, 200, 200]
    assert not sends_tool_result(calls[0]) and sends_tool_result(calls[1])


def test_streamed_predict_streams_from_aimlapi(mock: MockAIMLAPI) -> None:
    program = dspy.streamify(
        dspy.Predict("question -> answer"),
        stream_listeners=[dspy.streaming.StreamListener(signature_field_name="answer")],
    )

    async def run() -> list[Any]:
        with dspy.context(lm=_lm(mock), adapter=dspy.ChatAdapter()):
            return [item async for item in program(question="What is the capital of France?")]

    items = asyncio.run(run())
    final = [i for i in items if isinstance(i, dspy.Prediction)]
    assert final and final[-1].answer == "What is the capital of France?"
    assert [(r.stream, r.status) for r in chats(mock)] == [(True, 200)]


@pytest.mark.parametrize(
    ("fault", "native", "wrapper"),
    [
        (presets.OUT_OF_CREDITS, litellm.PaymentRequiredError, LMInvalidRequestError),
        (presets.INVALID_API_KEY, litellm.AuthenticationError, LMAuthError),
    ],
    ids=["out_of_credits", "401"],
)
def test_non_retryable_errors_reach_aimlapi_once(
    mock: MockAIMLAPI, fault: Any, native: type[Exception], wrapper: type[Exception]
) -> None:
    mock.inject(fault)
    with dspy.context(lm=_lm(mock)), pytest.raises(wrapper) as caught:
        dspy.Predict("question -> answer")(question="hi")
    # DSPy wraps the LiteLLM error in its own type; the native one is in the cause chain.
    assert any(isinstance(e, native) for e in _chain(caught.value))
    assert [r.status for r in chats(mock)] == [fault.status]


def _chain(error: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in found and len(found) < 10:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def test_rate_limit_is_retried_by_dspy_num_retries(mock: MockAIMLAPI) -> None:
    mock.inject(presets.rate_limited(1), times=1)
    with dspy.context(lm=_lm(mock)):
        prediction = dspy.Predict("question -> answer")(question="hi")
    assert prediction.answer == "hi"
    assert [r.status for r in chats(mock)] == [429, 200]


def test_litellm_fallbacks_move_to_a_second_key_and_model(mock: MockAIMLAPI) -> None:
    mock.inject(presets.OUT_OF_CREDITS, key=KEY_A)
    fallback = {"model": FALLBACK_MODEL, "api_key": KEY_B, "api_base": mock.base_url}
    with dspy.context(lm=_lm(mock, fallbacks=[fallback])):
        prediction = dspy.Predict("question -> answer")(question="hi")
    assert prediction.answer == "hi"
    assert trace(mock) == [(KEY_A, "openai/gpt-4o", 403), (KEY_B, "gpt-4o-mini", 200)]
