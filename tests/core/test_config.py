"""Credentials, base URL and timeouts: precedence, normalisation, and a missing key that
fails locally without sending anything."""

from __future__ import annotations

import pickle

import pytest
from pydantic import SecretStr

from aiml_integrations import AIMLAPIClient
from aiml_integrations._core.config import (
    API_KEY_ENV_VARS,
    DEFAULT_BASE_URL,
    AIMLAPIConfig,
    Timeouts,
    normalize_base_url,
)
from aiml_integrations.errors import AuthenticationError, ErrorCategory

from ._support import API_KEY, LocalServer

# -- API key precedence --------------------------------------------------------------------

KEY_CASES = [
    ("argument-wins", "arg-key", {"AIMLAPI_API_KEY": "a", "AIML_API_KEY": "b"}, "arg-key"),
    ("aimlapi-env-over-aiml-env", None, {"AIMLAPI_API_KEY": "a", "AIML_API_KEY": "b"}, "a"),
    ("aiml-env-alone", None, {"AIML_API_KEY": "b"}, "b"),
    ("blank-aimlapi-env-skipped", None, {"AIMLAPI_API_KEY": "  ", "AIML_API_KEY": "b"}, "b"),
    ("env-value-stripped", None, {"AIMLAPI_API_KEY": "  a \n"}, "a"),
    ("secretstr-argument", SecretStr("s-key"), {"AIMLAPI_API_KEY": "a"}, "s-key"),
    ("openai-key-never-used", None, {"OPENAI_API_KEY": "sk-openai"}, None),
    ("aimlapi-key-alias-not-used", None, {"AIMLAPI_KEY": "x", "AIML_API_BASE_KEY": "y"}, None),
    ("nothing", None, {}, None),
]


@pytest.mark.parametrize(
    ("arg", "env", "want"), [c[1:] for c in KEY_CASES], ids=[c[0] for c in KEY_CASES]
)
def test_key_precedence(arg: str | SecretStr | None, env: dict[str, str], want: str | None) -> None:
    config = AIMLAPIConfig.resolve(api_key=arg, env=env)
    got = config.api_key.get_secret_value() if config.api_key is not None else None
    assert got == want


def test_key_read_from_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*API_KEY_ENV_VARS, "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    assert AIMLAPIConfig.resolve().api_key is None
    monkeypatch.setenv("AIML_API_KEY", "from-aiml")
    assert AIMLAPIConfig.resolve().require_key() == "from-aiml"
    monkeypatch.setenv("AIMLAPI_API_KEY", "from-aimlapi")
    assert AIMLAPIConfig.resolve().require_key() == "from-aimlapi"


# -- base URL precedence and normalisation ----------------------------------------------------

URL_CASES = [
    ("default", None, {}, "https://api.aimlapi.com"),
    (
        "argument-wins",
        "https://arg.example",
        {"AIMLAPI_BASE_URL": "https://e1.example"},
        "https://arg.example",
    ),
    (
        "aimlapi-base-url-over-aiml-api-base",
        None,
        {"AIMLAPI_BASE_URL": "https://e1.example", "AIML_API_BASE": "https://e2.example"},
        "https://e1.example",
    ),
    ("aiml-api-base-alone", None, {"AIML_API_BASE": "https://e2.example/v1"}, "https://e2.example"),
    (
        "blank-env-skipped",
        None,
        {"AIMLAPI_BASE_URL": " ", "AIML_API_BASE": "http://e2"},
        "http://e2",
    ),
    (
        "openai-base-never-used",
        None,
        {"OPENAI_BASE_URL": "https://openai.example"},
        "https://api.aimlapi.com",
    ),
]


@pytest.mark.parametrize(
    ("arg", "env", "want"), [c[1:] for c in URL_CASES], ids=[c[0] for c in URL_CASES]
)
def test_base_url_precedence(arg: str | None, env: dict[str, str], want: str) -> None:
    config = AIMLAPIConfig.resolve(api_key="k", base_url=arg, env=env)
    assert config.base_url == want
    assert config.api_base == want + "/v1"


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("https://api.aimlapi.com", "https://api.aimlapi.com"),
        ("https://api.aimlapi.com/", "https://api.aimlapi.com"),
        ("https://api.aimlapi.com/v1", "https://api.aimlapi.com"),
        ("https://api.aimlapi.com/v1/", "https://api.aimlapi.com"),
        ("https://api.aimlapi.com/v2", "https://api.aimlapi.com"),
        ("  https://api.aimlapi.com/v1//  ", "https://api.aimlapi.com"),
        ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080"),
        ("https://proxy.example/aimlapi/v1", "https://proxy.example/aimlapi"),
        ("https://proxy.example/v10", "https://proxy.example/v10"),
        ("https://proxy.example/v1beta", "https://proxy.example/v1beta"),
    ],
)
def test_normalize_base_url(raw: str, want: str) -> None:
    assert normalize_base_url(raw) == want


@pytest.mark.parametrize("bad", ["api.aimlapi.com", "ftp://api.aimlapi.com", "", "/v1"])
def test_base_url_must_be_http(bad: str) -> None:
    with pytest.raises(ValueError, match="http"):
        normalize_base_url(bad)


def test_default_base_url_constant_normalises_to_root() -> None:
    assert normalize_base_url(DEFAULT_BASE_URL) == "https://api.aimlapi.com"


def test_with_overrides_normalises_and_wraps_key() -> None:
    config = AIMLAPIConfig.resolve(api_key="k", env={})
    changed = config.with_overrides(api_key="other", base_url="http://h:1/v1/")
    assert isinstance(changed.api_key, SecretStr)
    assert changed.require_key() == "other"
    assert changed.base_url == "http://h:1"
    assert config.require_key() == "k"  # the original is unchanged (frozen)


# -- missing key: local AuthenticationError, nothing sent ------------------------------------


def _assert_missing_key_error(exc: AuthenticationError) -> None:
    text = str(exc)
    assert "AIMLAPI_API_KEY" in text and "AIML_API_KEY" in text
    assert exc.category is ErrorCategory.AUTHENTICATION
    assert exc.status_code is None
    assert exc.is_retryable is False


def test_require_key_names_both_env_vars() -> None:
    with pytest.raises(AuthenticationError) as caught:
        AIMLAPIConfig.resolve(env={"OPENAI_API_KEY": "sk-openai"}).require_key()
    _assert_missing_key_error(caught.value)


def test_empty_secretstr_counts_as_missing() -> None:
    config = AIMLAPIConfig.resolve(api_key=SecretStr(""), env={})
    with pytest.raises(AuthenticationError):
        config.require_key()


def test_missing_key_sends_nothing(server: LocalServer) -> None:
    client = AIMLAPIClient(base_url=server.url, env={"OPENAI_API_KEY": "sk-openai"})
    payload = {"model": "gpt-4o", "messages": []}
    with pytest.raises(AuthenticationError) as caught:
        client.post("/v1/chat/completions", payload)
    _assert_missing_key_error(caught.value)
    with pytest.raises(AuthenticationError):
        client.stream("/v1/chat/completions", payload)
    with pytest.raises(AuthenticationError):
        client.astream("/v1/chat/completions", payload)
    client.close()
    assert server.requests == []
    assert server.connections == 0


async def test_missing_key_sends_nothing_async(server: LocalServer) -> None:
    client = AIMLAPIClient(base_url=server.url, env={})
    with pytest.raises(AuthenticationError) as caught:
        await client.apost("/v1/chat/completions", {"model": "m"})
    _assert_missing_key_error(caught.value)
    await client.aclose()
    assert server.requests == []
    assert server.connections == 0


# -- the key never shows ------------------------------------------------------------------


def test_key_not_in_repr_or_str() -> None:
    config = AIMLAPIConfig.resolve(api_key=API_KEY, env={})
    client = AIMLAPIClient(config)
    for shown in (repr(config), str(config), repr(client), str(client), repr(config.api_key)):
        assert API_KEY not in shown
    assert config.secrets() == (API_KEY,)
    assert AIMLAPIConfig.resolve(env={}).secrets() == ()


def test_key_not_in_local_auth_error_or_its_pickle() -> None:
    config = AIMLAPIConfig.resolve(env={})
    with pytest.raises(AuthenticationError) as caught:
        config.require_key()
    clone = pickle.loads(pickle.dumps(caught.value))
    assert type(clone) is AuthenticationError
    assert str(clone) == str(caught.value)


# -- client_request_id ----------------------------------------------------------------------


@pytest.mark.parametrize("good", ["a", "A-b_c.d:9", "x" * 128, "trace:2025-01-01T00:00:00.1"])
def test_client_request_id_accepted(good: str) -> None:
    assert (
        AIMLAPIConfig.resolve(api_key="k", client_request_id=good, env={}).client_request_id == good
    )


@pytest.mark.parametrize("bad", ["", "x" * 129, "has space", "slash/no", "ünicode", "new\nline"])
def test_client_request_id_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="client_request_id"):
        AIMLAPIConfig.resolve(api_key="k", client_request_id=bad, env={})


def test_client_request_id_and_default_headers_sent(server: LocalServer) -> None:
    client = AIMLAPIClient(
        api_key=API_KEY,
        base_url=server.url,
        client_request_id="trace-1",
        default_headers={"X-Title": "tests"},
        env={},
    )
    client.post("/v1/chat/completions", {})
    client.close()
    seen = server.requests[0].headers
    assert seen["x-client-request-id"] == "trace-1"
    assert seen["x-title"] == "tests"


# -- Timeouts.coerce ------------------------------------------------------------------------


def test_timeouts_defaults() -> None:
    t = Timeouts()
    assert (t.connect, t.read, t.total) == (10.0, 600.0, None)


def test_timeouts_coerce_instance_is_kept() -> None:
    t = Timeouts(connect=1, read=2, total=3)
    assert Timeouts.coerce(t) is t
    assert Timeouts.coerce(t, base=Timeouts(connect=9)) is t


def test_timeouts_coerce_none_is_base() -> None:
    base = Timeouts(connect=2, read=3, total=4)
    assert Timeouts.coerce(None, base) is base
    assert Timeouts.coerce(None) == Timeouts()


@pytest.mark.parametrize(
    ("value", "base", "want"),
    [
        (30, None, Timeouts(connect=10.0, read=30.0, total=30.0)),
        (2.5, None, Timeouts(connect=2.5, read=2.5, total=2.5)),
        (5, Timeouts(connect=None, read=1), Timeouts(connect=5.0, read=5.0, total=5.0)),
        (120, Timeouts(connect=3, read=1), Timeouts(connect=3.0, read=120.0, total=120.0)),
    ],
)
def test_timeouts_coerce_number_bounds_the_whole_call(
    value: float, base: Timeouts | None, want: Timeouts
) -> None:
    assert Timeouts.coerce(value, base) == want


def test_resolve_coerces_timeout() -> None:
    assert AIMLAPIConfig.resolve(api_key="k", timeout=7, env={}).timeouts.total == 7.0
    assert AIMLAPIConfig.resolve(api_key="k", env={}).timeouts == Timeouts()


@pytest.mark.parametrize("bad", [0, -1, -0.5, float("nan"), float("inf")])
def test_timeouts_refuse_non_positive_or_non_finite_limits(bad: float) -> None:
    with pytest.raises(ValueError, match="positive number of seconds"):
        Timeouts.coerce(bad)
    with pytest.raises(ValueError, match="positive number of seconds"):
        Timeouts(read=bad)


def test_empty_secretstr_key_falls_back_to_env_like_an_empty_string() -> None:
    env = {"AIML_API_KEY": "key-from-env-123"}
    for given in ("", "   ", SecretStr(""), None):
        config = AIMLAPIConfig.resolve(given, env=env)
        assert config.api_key is not None
        assert config.api_key.get_secret_value() == "key-from-env-123"
