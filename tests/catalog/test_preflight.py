"""Preflight: system folding, unknown-model fast fail, drop vs raise of unsupported params."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest

from aiml_integrations import AIMLAPIClient, AIMLAPIConfig
from aiml_integrations.catalog import (
    Catalog,
    ModelInfo,
    current_catalog,
    default_catalog,
    fold_system_messages,
    preflight,
)
from aiml_integrations.catalog._sync import sync_catalog
from aiml_integrations.errors import InvalidRequestError, UnknownModelError
from aiml_integrations.testing import MockAIMLAPI

MISTRAL = "google/gemma-3-4b-it"


def _chat(model: str, **extra: Any) -> dict[str, Any]:
    return {
        "model": model,
        "messages": [
            {"role": "system", "content": "Answer in French."},
            {"role": "user", "content": "Hello"},
        ],
        **extra,
    }


def _fresh(catalog: Catalog) -> Catalog:
    return Catalog(catalog, fetched_at=dt.datetime.now(dt.timezone.utc))


def test_fold_system_messages_shapes() -> None:
    folded = fold_system_messages(
        [
            {"role": "developer", "content": [{"type": "text", "text": "A"}]},
            {"role": "system", "content": "B"},
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "u"}}]},
        ]
    )
    assert folded == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "A\n\nB"},
                {"type": "image_url", "image_url": {"url": "u"}},
            ],
        }
    ]
    assert fold_system_messages([{"role": "system", "content": "S"}]) == [
        {"role": "user", "content": "S"}
    ]


def test_folded_payload_is_accepted_by_the_mock(
    mock: MockAIMLAPI, config: AIMLAPIConfig, caplog: pytest.LogCaptureFixture
) -> None:
    payload = _chat(MISTRAL)
    http = AIMLAPIClient(config)
    try:
        with pytest.raises(InvalidRequestError):
            http.post("/v1/chat/completions", payload)  # the real API answers 400 too
        with caplog.at_level(logging.DEBUG, logger="aiml_integrations.catalog"):
            fixed = preflight(payload, catalog=default_catalog())
        assert payload["messages"][0]["role"] == "system"  # caller's payload untouched
        assert fixed["messages"] == [{"role": "user", "content": "Answer in French.\n\nHello"}]
        assert any("folded" in r.getMessage() for r in caplog.records)
        answer = http.post("/v1/chat/completions", fixed)
        assert answer.status_code == 200
    finally:
        http.close()


def test_models_with_a_system_role_are_untouched() -> None:
    payload = _chat("gpt-4o")
    out = preflight(payload, catalog=default_catalog())
    assert out == payload and out is not payload
    assert out["messages"] is payload["messages"]  # nothing copied needlessly


def test_unknown_model_fails_fast_on_a_fresh_catalog(
    mock: MockAIMLAPI, config: AIMLAPIConfig
) -> None:
    sync_catalog(config)
    before = len(mock.requests)
    with pytest.raises(UnknownModelError) as caught:
        preflight(_chat("gpt-4o-mni"), catalog=current_catalog())
    err = caught.value
    assert err.status_code is None
    assert "did you mean gpt-4o-mini" in str(err)
    assert "nothing was sent" in str(err)
    assert len(mock.requests) == before  # zero requests went out


def test_unknown_model_passes_when_the_catalog_is_not_fresh() -> None:
    payload = _chat("brand-new/model")
    assert preflight(payload, catalog=default_catalog()) == payload
    stale = Catalog(default_catalog(), fetched_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    assert preflight(payload, catalog=stale) == payload


@pytest.mark.parametrize(
    ("model", "extra", "dropped"),
    [
        (
            MISTRAL,
            {"tools": [{"type": "function"}], "tool_choice": "auto"},
            {"tools", "tool_choice"},
        ),
        (
            "google/gemma-3n-e4b-it",
            {"response_format": {"type": "json_schema", "json_schema": {}}},
            {"response_format"},
        ),
        ("gpt-4o", {"reasoning_effort": "high"}, {"reasoning_effort"}),
        ("o3-mini", {"parallel_tool_calls": True}, {"parallel_tool_calls"}),
    ],
)
def test_unsupported_params_drop_or_raise(
    model: str, extra: dict[str, Any], dropped: set[str]
) -> None:
    payload = {"model": model, "messages": [{"role": "user", "content": "hi"}], **extra}
    out = preflight(payload, catalog=default_catalog(), drop_params=True)
    assert not dropped & set(out) and set(extra) <= set(payload)
    with pytest.raises(InvalidRequestError) as caught:
        preflight(payload, catalog=default_catalog(), drop_params=False)
    assert caught.value.status_code is None
    for param in dropped:
        assert param in str(caught.value)


def test_supported_or_harmless_values_pass() -> None:
    catalog = default_catalog()
    json_object = {
        "model": "google/gemma-3n-e4b-it",
        "messages": [],
        "response_format": {"type": "json_object"},
    }
    assert preflight(json_object, catalog=catalog) == json_object
    off = {"model": "o3-mini", "messages": [], "parallel_tool_calls": False}
    assert preflight(off, catalog=catalog) == off
    unknown_caps = Catalog([ModelInfo(id="x/y", kind="chat")])  # unknown never triggers
    payload = {"model": "x/y", "messages": [], "tools": [{}], "reasoning_effort": "low"}
    assert preflight(payload, catalog=unknown_caps) == payload


def test_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = _fresh(default_catalog())
    payload = _chat("no/such-model")
    assert preflight(payload, catalog=fresh, enabled=False) == payload
    monkeypatch.setenv("AIMLAPI_PREFLIGHT", "0")
    assert preflight(payload, catalog=fresh) == payload
    with pytest.raises(UnknownModelError):
        preflight(payload, catalog=fresh, enabled=True)
