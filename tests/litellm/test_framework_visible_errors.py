"""Our LiteLLM exceptions look like LiteLLM's to agent frameworks, and still behave as ours.

CrewAI (and application code written like it) decides "do not retry this task" with
``type(e).__module__.startswith("litellm")``. These tests take errors from real calls to the
mock and check that this test holds while ``isinstance`` (LiteLLM and core classes), the class
name the Router reads, and a pickle round trip are unchanged. The CrewAI crew itself is run in
``tests/frameworks/crewai``.
"""

from __future__ import annotations

import pickle
from typing import Any

import litellm
import pytest

import aiml_integrations.errors as core
import aiml_integrations.litellm as adapter
from aiml_integrations.testing import MockAIMLAPI, presets

MESSAGES = [{"role": "user", "content": "hi"}]


def _every_exported_class() -> list[type[BaseException]]:
    found = [getattr(adapter, name) for name in adapter.__all__]
    return [c for c in found if isinstance(c, type) and issubclass(c, adapter.AIMLAPILiteLLMError)]


def test_every_exported_error_class_reports_a_litellm_module() -> None:
    classes = _every_exported_class()
    assert len(classes) >= 16
    for cls in classes:
        assert cls.__module__.startswith("litellm"), cls
        assert getattr(adapter, cls.__name__) is cls  # still importable where documented


@pytest.mark.parametrize(
    ("fault", "litellm_class", "core_class"),
    [
        (presets.OUT_OF_CREDITS, litellm.PaymentRequiredError, core.OutOfCreditsError),
        (presets.RATE_LIMITED, litellm.RateLimitError, core.RateLimitError),
        (presets.INTERNAL_ERROR, litellm.InternalServerError, core.ServerError),
    ],
    ids=["out_of_credits", "rate_limited", "server_error"],
)
def test_errors_from_a_real_call_pass_the_framework_check_and_pickle(
    aimlapi_mock: MockAIMLAPI,
    creds: dict[str, Any],
    fault: Any,
    litellm_class: type,
    core_class: type,
) -> None:
    aimlapi_mock.inject(fault, times=1)
    with pytest.raises(litellm_class) as caught:
        litellm.completion(model="aimlapi/openai/gpt-4o", messages=MESSAGES, **creds)
    exc = caught.value
    assert type(exc).__module__.startswith("litellm")
    assert isinstance(exc, core_class)
    assert isinstance(exc, adapter.AIMLAPILiteLLMError)
    assert [r.status for r in aimlapi_mock.requests] == [fault.status]

    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is type(exc)
    assert again.status_code == exc.status_code
    assert again.info.category is exc.info.category
    assert str(again) == str(exc)
