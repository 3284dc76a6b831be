"""The fake model over HTTP: echo, tool calls, structured output, truncation, stop, n."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from aiml_integrations.testing._schema_values import generate


def validate(value: Any, schema: dict[str, Any], root: dict[str, Any] | None = None) -> list[str]:
    """A small JSON-schema checker: type, enum, const, required, properties, items, bounds,
    anyOf and local $ref. Enough to catch a generator that emits schema-invalid values."""
    root = root or schema
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return validate(value, target, root)
    if "anyOf" in schema:
        ok = any(not validate(value, s, root) for s in schema["anyOf"])
        return [] if ok else [f"{value!r} matches no anyOf branch"]
    errors: list[str] = []
    if "const" in schema and value != schema["const"]:
        errors.append(f"{value!r} != const")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{value!r} not in enum")
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if kinds and not any(checks[k](value) for k in kinds):
        return [f"{value!r} is not {kinds}"]
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"missing {name}")
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            errors += [f"extra {k}" for k in value if k not in properties]
        for name, sub in properties.items():
            if name in value:
                errors += validate(value[name], sub, root)
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append("too few items")
        for item in value:
            errors += validate(item, schema.get("items", {}), root)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{value} < minimum")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{value} > maximum")
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        errors.append("too short")
    return errors


def test_validator_catches_errors() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    assert validate({"a": 1}, schema) == []
    assert validate({}, schema) == ["missing a"]
    assert validate({"a": "1"}, schema)


BOOKING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "guest": {"$ref": "#/$defs/Person"},
        "nights": {"type": "integer", "minimum": 1, "maximum": 14},
        "room": {"type": "string", "enum": ["single", "double", "suite"]},
        "breakfast": {"type": "boolean"},
        "extras": {"type": "array", "items": {"type": "string"}, "minItems": 2},
        "notes": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "price": {"type": "number", "minimum": 10.5},
    },
    "required": ["guest", "nights", "room", "breakfast", "extras", "notes", "price"],
    "additionalProperties": False,
    "$defs": {
        "Person": {
            "type": "object",
            "properties": {"name": {"type": "string", "minLength": 3}, "age": {"type": "integer"}},
            "required": ["name", "age"],
            "additionalProperties": False,
        }
    },
}


@pytest.mark.parametrize(
    "prompt",
    ["", "book a suite for name: Ada, nights=30", "Two 'quoted' 'words' and 3 numbers 4 5.5"],
)
def test_generated_values_are_schema_valid(prompt: str) -> None:
    assert validate(generate(BOOKING_SCHEMA, prompt), BOOKING_SCHEMA) == []


def test_generator_takes_values_from_prompt() -> None:
    value = generate(
        BOOKING_SCHEMA, "Book a suite for name: Ada age is 36, nights=3, breakfast: yes"
    )
    assert value["guest"] == {"name": "Ada", "age": 36}
    assert (value["room"], value["nights"], value["breakfast"]) == ("suite", 3, True)


def chat(client: httpx.Client, **body: Any) -> dict[str, Any]:
    body.setdefault("model", "openai/gpt-4o")
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


def tool(name: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "parameters": parameters}}


def test_echoes_last_user_message_including_content_parts(client: httpx.Client) -> None:
    messages = [
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": [{"type": "text", "text": "second"}]},
    ]
    body = chat(client, messages=messages)
    assert body["choices"][0]["message"]["content"] == "second"


def test_forced_tool_call_has_schema_valid_arguments(client: httpx.Client) -> None:
    params = BOOKING_SCHEMA
    body = chat(
        client,
        messages=user("please book something"),
        tools=[tool("book", params), tool("cancel", {"type": "object", "properties": {}})],
        tool_choice={"type": "function", "function": {"name": "book"}},
    )
    choice = body["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] is None
    [call] = choice["message"]["tool_calls"]
    assert call["type"] == "function" and call["function"]["name"] == "book"
    assert validate(json.loads(call["function"]["arguments"]), params) == []


@pytest.mark.parametrize("choice", ["required", "any"])
def test_required_tool_choice_picks_first_tool(client: httpx.Client, choice: str) -> None:
    body = chat(
        client,
        messages=user("hello"),
        tools=[tool("alpha", {"type": "object", "properties": {"x": {"type": "integer"}}})],
        tool_choice=choice,
    )
    assert body["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "alpha"


def test_auto_calls_only_a_mentioned_tool(client: httpx.Client) -> None:
    tools = [
        tool("magic_function", {"type": "object", "properties": {"input": {"type": "integer"}}})
    ]
    plain = chat(client, messages=user("just chat"), tools=tools)
    assert "tool_calls" not in plain["choices"][0]["message"]
    called = chat(client, messages=user("What is magic_function(3)?"), tools=tools)
    [call] = called["choices"][0]["message"]["tool_calls"]
    assert json.loads(call["function"]["arguments"]) == {"input": 3}
    none = chat(
        client, messages=user("What is magic_function(3)?"), tools=tools, tool_choice="none"
    )
    assert "tool_calls" not in none["choices"][0]["message"]


def test_parallel_tool_calls_flag(client: httpx.Client) -> None:
    tools = [tool("a_tool", {"type": "object"}), tool("b_tool", {"type": "object"})]
    both = chat(client, messages=user("use a_tool and b_tool"), tools=tools)
    assert len(both["choices"][0]["message"]["tool_calls"]) == 2
    one = chat(
        client, messages=user("use a_tool and b_tool"), tools=tools, parallel_tool_calls=False
    )
    assert len(one["choices"][0]["message"]["tool_calls"]) == 1


def test_answers_in_text_after_tool_result(client: httpx.Client) -> None:
    tools = [tool("get_weather", {"type": "object", "properties": {"city": {"type": "string"}}})]
    first = chat(client, messages=user("get_weather for city: Oslo"), tools=tools)
    call = first["choices"][0]["message"]["tool_calls"][0]
    messages = [
        *user("get_weather for city: Oslo"),
        {"role": "assistant", "content": "", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call["id"], "content": "sunny, 21C"},
    ]
    second = chat(client, messages=messages, tools=tools)
    message = second["choices"][0]["message"]
    assert "tool_calls" not in message
    assert message["content"] == "get_weather returned: sunny, 21C"


def test_structured_output_json_schema(client: httpx.Client) -> None:
    body = chat(
        client,
        messages=user("a booking for name: Grace"),
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "booking", "schema": BOOKING_SCHEMA, "strict": True},
        },
    )
    value = json.loads(body["choices"][0]["message"]["content"])
    assert validate(value, BOOKING_SCHEMA) == []
    assert value["guest"]["name"] == "Grace"


def test_json_object_mode(client: httpx.Client) -> None:
    body = chat(client, messages=user("hi"), response_format={"type": "json_object"})
    assert isinstance(json.loads(body["choices"][0]["message"]["content"]), dict)


def test_max_tokens_truncates_words(client: httpx.Client) -> None:
    text = "one two three four five six"
    for field in ("max_tokens", "max_completion_tokens"):
        body = chat(client, messages=user(text), **{field: 3})
        choice = body["choices"][0]
        assert choice["message"]["content"] == "one two three"
        assert choice["finish_reason"] == "length"
        assert body["usage"]["completion_tokens"] == 3


def test_stop_sequences_and_n(client: httpx.Client) -> None:
    body = chat(client, messages=user("alpha beta STOP gamma"), stop=["STOP"], n=3)
    assert [c["index"] for c in body["choices"]] == [0, 1, 2]
    assert {c["message"]["content"] for c in body["choices"]} == {"alpha beta "}
    assert {c["finish_reason"] for c in body["choices"]} == {"stop"}


def test_deterministic(client: httpx.Client) -> None:
    request = {
        "messages": user("call lookup with id=7"),
        "tools": [tool("lookup", {"type": "object", "properties": {"id": {"type": "integer"}}})],
    }
    first, second = chat(client, **request), chat(client, **request)
    assert first["choices"][0]["message"] == second["choices"][0]["message"]
    assert first["usage"] == second["usage"]


def test_required_tool_choice_after_a_text_observation_calls_the_finishing_tool(
    client: httpx.Client,
) -> None:
    """smolagents' shape: tool calls and results as text, a tool call required every step."""
    tools = [
        tool("get_weather", {"type": "object", "properties": {"city": {"type": "string"}}}),
        tool("final_answer", {"type": "object", "properties": {"answer": {"type": "string"}}}),
    ]
    messages = [
        *user("Use get_weather for city: Oslo"),
        {"role": "assistant", "content": "Calling tools:\n[{'name': 'get_weather'}]"},
        {"role": "user", "content": [{"type": "text", "text": "Observation:\nsunny, 21C"}]},
    ]
    body = chat(client, messages=messages, tools=tools, tool_choice="required")
    (call,) = body["choices"][0]["message"]["tool_calls"]
    assert call["function"]["name"] == "final_answer"
    assert json.loads(call["function"]["arguments"]) == {"answer": "sunny, 21C"}

    without_finisher = chat(client, messages=messages, tools=tools[:1], tool_choice="required")
    assert without_finisher["choices"][0]["message"]["content"] == "tool returned: sunny, 21C"


def test_tool_arguments_follow_the_fields_intent(client: httpx.Client) -> None:
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "query": {"type": "string"}},
        "required": ["city", "query"],
    }
    body = chat(
        client,
        messages=user("What is the weather in Paris? Use get_weather."),
        tools=[tool("get_weather", schema)],
    )
    (call,) = body["choices"][0]["message"]["tool_calls"]
    arguments = json.loads(call["function"]["arguments"])
    assert arguments == {"city": "Paris", "query": "What is the weather in Paris? Use get_weather."}


DSPY_SYSTEM = (
    "Your input fields are:\n1. `question` (str): \n2. `trajectory` (str):\n"
    "Your output fields are:\n1. `next_thought` (str): \n"
    "2. `next_tool_name` (Literal['get_weather', 'finish']): \n"
    "3. `next_tool_args` (dict[str, Any]):\n"
    "All interactions will be structured in the following way\n"
    "(1) get_weather, whose description is <desc>Weather.</desc>. "
    "It takes arguments {'city': {'type': 'string'}}.\n"
    "(2) finish, whose description is <desc>Done.</desc>. It takes arguments {}."
)


def _dspy_user(trajectory: str) -> list[dict[str, Any]]:
    return [
        {"role": "system", "content": DSPY_SYSTEM},
        {
            "role": "user",
            "content": "[[ ## question ## ]]\nweather for city: Oslo\n\n[[ ## trajectory ## ]]\n"
            f"{trajectory}\n\nRespond with the corresponding output fields.",
        },
    ]


def test_answers_dspy_fields_in_sections_then_finishes_after_an_observation(
    client: httpx.Client,
) -> None:
    first = chat(client, messages=_dspy_user(""))["choices"][0]["message"]["content"]
    assert "[[ ## next_tool_name ## ]]\nget_weather" in first
    assert '[[ ## next_tool_args ## ]]\n{"city": "Oslo"}' in first
    assert first.endswith("[[ ## completed ## ]]")

    done = "[[ ## tool_name_0 ## ]]\nget_weather\n\n[[ ## observation_0 ## ]]\nsunny, 21C"
    second = chat(client, messages=_dspy_user(done))["choices"][0]["message"]["content"]
    assert "[[ ## next_tool_name ## ]]\nfinish" in second


def test_answers_dspy_fields_as_json_when_json_is_asked(client: httpx.Client) -> None:
    body = chat(client, messages=_dspy_user(""), response_format={"type": "json_object"})
    fields = json.loads(body["choices"][0]["message"]["content"])
    assert fields["next_tool_name"] == "get_weather"
    assert fields["next_tool_args"] == {"city": "Oslo"}
