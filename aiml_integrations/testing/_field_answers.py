"""Answers for prompts that ask for named output fields (DSPy's adapters' protocol).

Why: DSPy does not use tool calls or ``response_format`` alone; its ``ChatAdapter`` lists the
output fields in the system message (``Your output fields are: 1. `answer` (str): ...``) and
parses ``[[ ## answer ## ]]`` sections ending with ``[[ ## completed ## ]]``; its
``JSONAdapter`` parses a JSON object with those keys. An echo parses as neither, so a program
on the mock would fail on its first call. The values follow the fake model's other rules:

- a text field echoes the first input field, except after an observation (a tool result in
  the prompt, e.g. ReAct's ``observation_0``), where it carries the last observation;
- a ``Literal[...]`` field picks a finishing option (``finish``, ``final_answer`` ...) after an
  observation, else an option the input names, else the first;
- a ``dict`` field holds the arguments of the option just picked, built from that tool's
  argument schema as written in the prompt (``It takes arguments {...}``);
- ``int``/``float``/``bool``/``list`` fields get a value of that type.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from aiml_integrations.testing._schema_values import generate

__all__ = ["FINISH_NAMES", "answer_fields", "output_fields"]

# Option and tool names that end an agent loop, in the spellings frameworks use.
FINISH_NAMES = ("finish", "final_answer", "final_result", "finalanswer", "submit", "done")

_FIELD_LINE = re.compile(r"^\s*\d+\.\s*`(\w+)`\s*\(([^\n]*?)\):", re.MULTILINE)
_SECTION = re.compile(
    r"\[\[ ## (\w+) ## \]\]\n(.*?)(?=\n*\[\[ ## \w+ ## \]\]|\n\nRespond with|\Z)", re.S
)
_STEP = re.compile(
    r"\[\[ ## (observation|tool_name)_(\d+) ## \]\]\n(.*?)(?=\n*\[\[ ## |\n\nRespond with|\Z)", re.S
)
_TOOL_ARGS = re.compile(
    r"\(\d+\)\s*(\w+), whose description is.*?It takes arguments (\{.*?\})\.", re.S
)


def output_fields(system_text: str) -> list[tuple[str, str]]:
    """``(name, type)`` of each output field the prompt lists, in order; ``[]`` if none."""
    _, sep, rest = system_text.partition("Your output fields are:")
    if not sep:
        return []
    rest = rest.split("All interactions will be structured", 1)[0]
    return [(m.group(1), m.group(2).strip()) for m in _FIELD_LINE.finditer(rest)]


def _literal_options(kind: str) -> list[str]:
    match = re.fullmatch(r"Literal\[(.*)\]", kind.strip())
    if not match:
        return []
    try:
        value = ast.literal_eval(f"[{match.group(1)}]")
    except (ValueError, SyntaxError):
        return []
    return [str(v) for v in value]


def _tool_schemas(system_text: str) -> dict[str, Mapping[str, Any]]:
    schemas: dict[str, Mapping[str, Any]] = {}
    for name, raw in _TOOL_ARGS.findall(system_text):
        try:
            props = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            continue
        if isinstance(props, dict):
            schemas[name] = {"type": "object", "properties": props, "required": list(props)}
    return schemas


def _last_observation(user_text: str) -> str | None:
    """The last tool result in a trajectory, skipping the finishing tool's ("Completed.")."""
    steps: dict[str, dict[str, str]] = {}
    for kind, index, value in _STEP.findall(user_text):
        steps.setdefault(index, {})[kind] = value.strip()
    for index in sorted(steps, key=int, reverse=True):
        step = steps[index]
        if step.get("tool_name", "").lower() not in FINISH_NAMES and step.get("observation"):
            return step["observation"]
    return None


class _Context:
    def __init__(self, system_text: str, user_text: str) -> None:
        self.system_text = system_text
        sections = dict(_SECTION.findall(user_text))
        values = [v.strip() for v in sections.values()]
        self.echo = next((v for v in values if v), user_text.strip())
        self.observation = _last_observation(user_text)
        self.picked: str | None = None

    def text(self, name: str) -> str:
        if name in ("reasoning", "next_thought", "thought", "rationale"):
            if self.observation is not None:
                return "I have what I need from the tool."
            return "I will work through the input step by step."
        return self.observation if self.observation is not None else self.echo

    def literal(self, options: Sequence[str]) -> str:
        finishing = [o for o in options if o.lower() in FINISH_NAMES]
        if self.observation is not None and finishing:
            chosen = finishing[0]
        else:
            lowered = self.echo.lower()
            named = [o for o in options if o not in finishing and o.lower() in lowered]
            chosen = named[0] if named else options[0]
        self.picked = chosen
        return chosen

    def arguments(self) -> dict[str, Any]:
        schema = _tool_schemas(self.system_text).get(self.picked or "")
        if not schema:
            return {}
        value = generate(schema, self.echo)
        return value if isinstance(value, dict) else {}


def _value(ctx: _Context, name: str, kind: str) -> Any:
    lowered = kind.lower()
    options = _literal_options(kind)
    if options:
        return ctx.literal(options)
    if lowered.startswith("dict"):
        return ctx.arguments()
    if lowered in ("int", "float"):
        match = re.search(r"-?\d+(?:\.\d+)?", ctx.text(name))
        number = float(match.group(0)) if match else 1.0
        return int(number) if lowered == "int" else number
    if lowered == "bool":
        return True
    if lowered.startswith("list"):
        return [ctx.text(name)]
    return ctx.text(name)


def answer_fields(system_text: str, user_text: str, *, as_json: bool) -> str | None:
    """The answer in the prompt's field protocol, or ``None`` if it asks for no fields."""
    fields = output_fields(system_text)
    if not fields:
        return None
    ctx = _Context(system_text, user_text)
    values = {name: _value(ctx, name, kind) for name, kind in fields}
    if as_json:
        return json.dumps(values, ensure_ascii=False)
    parts = []
    for name, value in values.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"[[ ## {name} ## ]]\n{shown}")
    parts.append("[[ ## completed ## ]]")
    return "\n\n".join(parts)
