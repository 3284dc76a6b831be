"""The media tools keep the error contract: the same classes, retry and fallback as chat.

Real HTTP to the mock; the request log shows how often each route was hit. Jobs that fail on
a 200 poll, jobs that outlive their budget, cancelled waits, wrong-kind models caught before
sending, and the tools inside ``create_agent`` with LangChain's own retry middleware.
"""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Callable

import pytest
from langchain.agents import create_agent
from langchain.agents.middleware import ToolRetryMiddleware
from langchain_core.exceptions import (
    ModelAPIError,
    ModelNotFoundError,
    ModelRateLimitError,
    ModelTimeoutError,
)
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from aiml_integrations.langchain import (
    AIMLAPIAuthenticationError,
    AIMLAPIContentPolicyError,
    AIMLAPIImageGenerationTool,
    AIMLAPIJobFailedError,
    AIMLAPIOutOfCreditsError,
    AIMLAPIRateLimitError,
    AIMLAPIRequestTimeoutError,
    AIMLAPISpeechToTextTool,
    AIMLAPITextToSpeechTool,
    AIMLAPIUnknownModelError,
    AIMLAPIVideoGenerationTool,
    ChatAIMLAPI,
)
from aiml_integrations.testing import MockAIMLAPI, presets

from ._support import FAST_POLLS, creds, tool_call

pytestmark = pytest.mark.usefixtures("fast_retries")

IMAGES = "/v1/images/generations"


def _video(mock: MockAIMLAPI, **kwargs: object) -> AIMLAPIVideoGenerationTool:
    return AIMLAPIVideoGenerationTool(model="google/veo3", **FAST_POLLS, **creds(mock, **kwargs))


# --- HTTP errors: the chat classification table ---------------------------------------------


def test_with_retry_retries_a_429_once(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.RATE_LIMITED, times=1, path=IMAGES)
    tool = AIMLAPIImageGenerationTool(model="flux/schnell", max_retries=0, **creds(aimlapi_mock))
    retrying = tool.with_retry(
        retry_if_exception_type=(ModelRateLimitError,), wait_exponential_jitter=False
    )
    assert retrying.invoke({"prompt": "a cat"}).startswith("Generated 1 image")
    assert [r.status for r in aimlapi_mock.requests] == [429, 200]


async def test_async_tool_retries_a_429_by_itself(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.RATE_LIMITED, times=2, path="/v1/tts")
    tool = AIMLAPITextToSpeechTool(model="openai/tts-1", **creds(aimlapi_mock))  # max_retries=2
    assert "Speech audio" in await tool.ainvoke({"text": "hi"})
    assert [r.status for r in aimlapi_mock.requests] == [429, 429, 200]


def test_fallback_on_out_of_credits_is_not_retried(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.OUT_OF_CREDITS, model="flux/schnell")
    primary = AIMLAPIImageGenerationTool(model="flux/schnell", **creds(aimlapi_mock))
    backup = AIMLAPIImageGenerationTool(model="flux/dev", **creds(aimlapi_mock))
    out = primary.with_fallbacks([backup]).invoke({"prompt": "a cat"})
    assert out.startswith("Generated 1 image with flux/dev")
    assert [(r.model, r.status) for r in aimlapi_mock.requests] == [
        ("flux/schnell", 403),
        ("flux/dev", 200),
    ]
    with pytest.raises(AIMLAPIOutOfCreditsError) as caught:
        primary.invoke({"prompt": "a cat"})
    assert caught.value.is_retryable is False


def test_errors_never_show_the_key(aimlapi_mock: MockAIMLAPI) -> None:
    tool = AIMLAPITextToSpeechTool(
        model="openai/tts-1", base_url=aimlapi_mock.base_url, api_key="sk-not-this-one-123"
    )
    assert "sk-not-this-one-123" not in repr(tool)
    with pytest.raises(AIMLAPIAuthenticationError) as caught:
        tool.invoke({"text": "hi"})
    assert "sk-not-this-one-123" not in str(caught.value) + repr(caught.value)
    assert aimlapi_mock.requests[0].status == 401


def test_a_5xx_on_a_poll_is_retried_and_the_job_goes_on(aimlapi_mock: MockAIMLAPI) -> None:
    speak = AIMLAPITextToSpeechTool(model="openai/tts-1", **creds(aimlapi_mock))
    url = speak.invoke(tool_call(speak.name, {"text": "steady"})).artifact["url"]
    aimlapi_mock.inject(presets.SERVICE_UNAVAILABLE, times=1, path="/v1/stt/create")
    listen = AIMLAPISpeechToTextTool(model="nova-3", **FAST_POLLS, **creds(aimlapi_mock))
    assert listen.invoke({"url": url}) == "steady"
    assert [r.status for r in aimlapi_mock.requests_for(path="/v1/stt")] == [503, 200, 200, 200]


# --- jobs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_job_ending_in_status_error_is_a_typed_retryable_error(
    aimlapi_mock: MockAIMLAPI, mode: str
) -> None:
    aimlapi_mock.inject(presets.JOB_FAILED, times=1, model="google/veo3")
    tool = _video(aimlapi_mock)
    with pytest.raises(AIMLAPIJobFailedError) as caught:
        if mode == "async":
            asyncio.run(tool.ainvoke({"prompt": "a boat"}))
        else:
            tool.invoke({"prompt": "a boat"})
    error = caught.value
    assert isinstance(error, ModelAPIError) and error.is_retryable
    assert error.status_code == 200 and error.error_name == "GenerationError"
    assert error.job_id == error.request_id and error.job_id in str(error)
    assert error.job_id == aimlapi_mock.requests_for(method="GET")[0].query["generation_id"]
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is AIMLAPIJobFailedError
    assert (copy.job_id, copy.error_name) == (error.job_id, "GenerationError")
    polls = aimlapi_mock.requests_for(method="GET")
    assert len(polls) == 2 and len(aimlapi_mock.requests_for(method="POST")) == 1


def test_with_retry_starts_a_new_job_after_a_failed_one(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.JOB_FAILED, times=1, model="google/veo3")
    retrying = _video(aimlapi_mock).with_retry(
        retry_if_exception_type=(ModelAPIError,), wait_exponential_jitter=False
    )
    assert retrying.invoke({"prompt": "a boat"}).startswith("Video ready")
    creates = aimlapi_mock.requests_for(method="POST")
    assert len(creates) == 2 and creates[0].fault == "JOB_FAILED" and creates[1].fault is None


def test_job_failed_for_safety_is_a_content_policy_error(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.JOB_CONTENT_POLICY, times=1, model="google/veo3")
    with pytest.raises(AIMLAPIContentPolicyError) as caught:
        _video(aimlapi_mock).invoke({"prompt": "a boat"})
    assert caught.value.is_retryable is False and "safety system" in str(caught.value)


def test_stt_job_failure_is_typed_too(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.JOB_FAILED, times=1, model="nova-3")
    listen = AIMLAPISpeechToTextTool(model="nova-3", **FAST_POLLS, **creds(aimlapi_mock))
    with pytest.raises(AIMLAPIJobFailedError):
        listen.invoke({"url": "https://example.com/a.mp3"})


def test_a_job_past_its_budget_is_a_model_timeout_naming_the_job(
    aimlapi_mock_factory: Callable[..., MockAIMLAPI],
) -> None:
    aimlapi_mock = aimlapi_mock_factory(video_polls_to_complete=10_000)
    tool = _video(aimlapi_mock, max_wait=0.05)
    with pytest.raises(AIMLAPIRequestTimeoutError) as caught:
        tool.invoke({"prompt": "a long film"})
    assert isinstance(caught.value, ModelTimeoutError) and caught.value.is_retryable
    polls = aimlapi_mock.requests_for(method="GET")
    assert 1 <= len(polls) < 100 and len(aimlapi_mock.requests_for(method="POST")) == 1
    assert polls[0].query["generation_id"] in str(caught.value)


async def test_cancelling_the_task_stops_polling(
    aimlapi_mock_factory: Callable[..., MockAIMLAPI],
) -> None:
    aimlapi_mock = aimlapi_mock_factory(video_polls_to_complete=10_000)
    tool = AIMLAPIVideoGenerationTool(
        model="google/veo3",
        poll_interval=0.01,
        max_poll_interval=0.01,
        **creds(aimlapi_mock),
    )
    task = asyncio.create_task(tool.ainvoke({"prompt": "forever"}))
    for _ in range(500):
        if len(aimlapi_mock.requests_for(method="GET")) >= 2:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    seen = len(aimlapi_mock.requests_for(method="GET"))
    await asyncio.sleep(0.2)
    assert seen >= 2 and len(aimlapi_mock.requests_for(method="GET")) == seen


async def test_progress_reaches_astream_events(aimlapi_mock: MockAIMLAPI) -> None:
    tool = _video(aimlapi_mock)
    events = [
        event
        async for event in tool.astream_events({"prompt": "a boat"}, version="v2")
        if event["event"] == "on_custom_event"
    ]
    assert [e["name"] for e in events] == ["aimlapi_job_progress"] * 2
    assert [e["data"]["status"] for e in events] == ["generating", "completed"]


# --- catalog ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tool_cls", "model", "kind"),
    [
        (AIMLAPIVideoGenerationTool, "openai/gpt-4o", "video"),
        (AIMLAPIImageGenerationTool, "text-embedding-3-small", "image"),
        (AIMLAPITextToSpeechTool, "#g1_whisper-large", "text-to-speech"),
        (AIMLAPISpeechToTextTool, "openai/tts-1", "speech-to-text"),
    ],
)
def test_a_model_of_the_wrong_kind_is_refused_before_sending(
    aimlapi_mock: MockAIMLAPI, tool_cls: type, model: str, kind: str
) -> None:
    tool = tool_cls(model=model, **creds(aimlapi_mock))
    args = {"url": "https://x.test/a.mp3"} if kind == "speech-to-text" else {"prompt": "x"}
    if kind == "text-to-speech":
        args = {"text": "x"}
    with pytest.raises(AIMLAPIUnknownModelError) as caught:
        tool.invoke(args)
    assert isinstance(caught.value, ModelNotFoundError) and caught.value.status_code is None
    assert f"not a {kind} model" in str(caught.value) and caught.value.details
    assert aimlapi_mock.requests == []


def test_close_matches_are_of_the_right_kind(aimlapi_mock: MockAIMLAPI) -> None:
    tool = AIMLAPIVideoGenerationTool(model="google/veo-3.1-t2v-preview", **creds(aimlapi_mock))
    with pytest.raises(AIMLAPIUnknownModelError):  # unknown to the server, after sending
        tool.invoke({"prompt": "x"})
    wrong = AIMLAPIVideoGenerationTool(model="google/gemini-2.5-flash", **creds(aimlapi_mock))
    with pytest.raises(AIMLAPIUnknownModelError) as caught:
        wrong.invoke({"prompt": "x"})
    assert "did you mean: google/veo" in "; ".join(caught.value.details)
    assert len(aimlapi_mock.requests) == 1


def test_preflight_off_sends_and_the_server_says_the_same(aimlapi_mock: MockAIMLAPI) -> None:
    tool = AIMLAPIVideoGenerationTool(model="openai/gpt-4o", preflight=False, **creds(aimlapi_mock))
    with pytest.raises(AIMLAPIUnknownModelError) as caught:
        tool.invoke({"prompt": "x"})
    assert caught.value.status_code == 400
    assert [r.status for r in aimlapi_mock.requests] == [400]


# --- agents -------------------------------------------------------------------------------------


def _agent_tools(mock: MockAIMLAPI) -> AIMLAPIImageGenerationTool:
    return AIMLAPIImageGenerationTool(model="flux/schnell", max_retries=0, **creds(mock))


def _ask() -> dict[str, object]:
    return {"messages": [HumanMessage("Please call aimlapi_generate_image for a red kite.")]}


def test_agent_calls_the_tool_and_gets_the_artifact(aimlapi_mock: MockAIMLAPI) -> None:
    chat = ChatAIMLAPI(model="openai/gpt-4o", max_retries=0, **creds(aimlapi_mock))
    agent = create_agent(chat, tools=[_agent_tools(aimlapi_mock)])
    result = agent.invoke(_ask())
    tool_messages = [m for m in result["messages"] if isinstance(m, ToolMessage)]
    assert len(tool_messages) == 1
    assert tool_messages[0].artifact["urls"][0] in tool_messages[0].content
    assert isinstance(result["messages"][-1], AIMessage)
    assert result["messages"][-1].content.startswith("aimlapi_generate_image returned:")
    assert [r.path for r in aimlapi_mock.requests] == [
        "/v1/chat/completions",
        IMAGES,
        "/v1/chat/completions",
    ]


async def test_agent_tool_retry_middleware_retries_a_429_async(aimlapi_mock: MockAIMLAPI) -> None:
    aimlapi_mock.inject(presets.RATE_LIMITED, times=1, path=IMAGES)
    chat = ChatAIMLAPI(model="openai/gpt-4o", max_retries=0, **creds(aimlapi_mock))
    retry = ToolRetryMiddleware(max_retries=2, initial_delay=0.001, on_failure="error")
    agent = create_agent(chat, tools=[_agent_tools(aimlapi_mock)], middleware=[retry])
    result = await agent.ainvoke(_ask())
    assert result["messages"][-1].content.startswith("aimlapi_generate_image returned:")
    assert [r.status for r in aimlapi_mock.requests_for(path=IMAGES)] == [429, 200]


def test_agent_tool_retry_middleware_does_not_retry_out_of_credits(
    aimlapi_mock: MockAIMLAPI,
) -> None:
    aimlapi_mock.inject(presets.OUT_OF_CREDITS, path=IMAGES)
    chat = ChatAIMLAPI(model="openai/gpt-4o", max_retries=0, **creds(aimlapi_mock))
    retry = ToolRetryMiddleware(max_retries=2, initial_delay=0.001, on_failure="error")
    agent = create_agent(chat, tools=[_agent_tools(aimlapi_mock)], middleware=[retry])
    with pytest.raises(AIMLAPIOutOfCreditsError):
        agent.invoke(_ask())
    assert [r.status for r in aimlapi_mock.requests_for(path=IMAGES)] == [403]


def test_a_rate_limit_is_the_chat_class_and_max_retries_0_sends_once(
    aimlapi_mock: MockAIMLAPI,
) -> None:
    aimlapi_mock.inject(presets.RATE_LIMITED, path=IMAGES)
    with pytest.raises(AIMLAPIRateLimitError) as caught:
        _agent_tools(aimlapi_mock).invoke({"prompt": "x"})
    assert caught.value.is_retryable and caught.value.status_code == 429
    assert [r.status for r in aimlapi_mock.requests] == [429]
